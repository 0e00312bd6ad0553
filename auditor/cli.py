"""The `auditor` command. Commands stay thin; domain errors become one line and an exit code here, once."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from auditor.config import DEFAULT_CONFIG_NAME, Config, load_config
from auditor.errors import AuditorError, UsageError
from auditor.models import Audit
from auditor.pipeline import ProgressEvent
from auditor.runner import EXIT_CODES, audit_once, scoring_info
from auditor.store import Store

app = typer.Typer(
    help="Audit how visible a person is when someone searches their name, and whether their profiles link back.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[Path, typer.Option("-c", "--config", help="The person's config file.", show_default=True)]
SandboxOption = Annotated[
    str | None,
    typer.Option(
        "--sandbox",
        envvar="AUDITOR_SANDBOX",
        help="Send every request to this running sandbox (http://127.0.0.1:PORT) instead of the internet.",
    ),
]
DEFAULT_CONFIG = Path(DEFAULT_CONFIG_NAME)


def _check_sandbox(url: str | None) -> str | None:
    if url is None:
        return None
    import httpx

    parsed = httpx.URL(url)
    if parsed.scheme != "http" or parsed.host not in ("127.0.0.1", "localhost", "::1"):
        raise UsageError(f"--sandbox: {url!r} is not a local sandbox URL (expected http://127.0.0.1:PORT)")
    return url


def _progress_printer(quiet: bool) -> Callable[[ProgressEvent], None]:
    def show(event: ProgressEvent) -> None:
        if quiet:
            return
        counter = f"[{event.done}/{event.total}] " if event.stage == "search" else ""
        err.print(f"  {counter}{event.message}", highlight=False, markup=False)

    return show


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of: {value!r} is not a date (use YYYY-MM-DD)") from None


@app.command()
def init(
    config: ConfigOption = DEFAULT_CONFIG,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter config (every key, commented) to edit with your name, site and profiles."""
    if config.exists() and not force:
        raise UsageError(f"{config}: already exists (use --force to overwrite it)")
    example = resources.files("auditor").joinpath("config.example.toml").read_text(encoding="utf-8")
    try:
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(example, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{config}: cannot write ({exc.strerror})") from None
    out.print(f"Wrote {config}. Edit [person] and [profiles], then run: auditor audit -c {config}")


@app.command()
def audit(
    config: ConfigOption = DEFAULT_CONFIG,
    engines: Annotated[str | None, typer.Option(help="Only these engines, comma-separated.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the audit (YYYY-MM-DD); default today.")] = None,
    lang: Annotated[str | None, typer.Option(help="Report language: en or fr (default: report.lang).")] = None,
    sandbox: SandboxOption = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress output.")] = False,
) -> None:
    """Search, verify, score, store the audit and write its report. Exit 0 complete, 3 partial, 4 failed."""
    cfg = load_config(config)
    only = _engine_list(engines, cfg)
    if lang is not None and lang not in ("en", "fr"):
        raise UsageError(f"--lang: expected en or fr, got {lang!r}")
    date = _as_of(as_of)
    err.print(f"Auditing {cfg.person.name} ({date.isoformat()})", highlight=False)
    outcome = audit_once(
        cfg, as_of=date, sandbox_url=_check_sandbox(sandbox), only_engines=only, lang=lang,
        progress=_progress_printer(quiet),
    )  # fmt: skip
    _summary(outcome.audit)
    out.print(f"Report: {outcome.paths.html}", highlight=False)
    raise typer.Exit(EXIT_CODES.get(outcome.audit.status, 1))


def _engine_list(value: str | None, cfg: Config) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in cfg.audit.engines]
    if unknown or not names:
        configured = ", ".join(cfg.audit.engines)
        bad = unknown[0] if unknown else value
        raise UsageError(f"--engines: {bad!r} is not configured (configured: {configured})")
    return names


def _summary(result: Audit) -> None:
    overall = "n/a" if result.scores.overall is None else f"{result.scores.overall:.1f}"
    out.print(f"Status: {result.status.value}   overall score: {overall}", highlight=False)
    for engine in result.engines:
        detail = f" - {engine.detail}" if engine.detail else ""
        out.print(f"  {engine.name}: {engine.status.value}{detail}", highlight=False, markup=False)


@app.command()
def report(
    audit_id: Annotated[str, typer.Argument(metavar="[ID|latest]", help="Audit id, or latest.")] = "latest",
    config: ConfigOption = DEFAULT_CONFIG,
    lang: Annotated[str | None, typer.Option(help="en or fr (default: report.lang).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the HTML here instead.")] = None,
) -> None:
    """Re-render a stored audit's report."""
    from auditor.changes import compute_changes
    from auditor.report import previous_audit, render_html, write_report

    cfg = load_config(config)
    language = lang or cfg.report.lang
    if language not in ("en", "fr"):
        raise UsageError(f"--lang: expected en or fr, got {language!r}")
    with Store.open(cfg.database_path) as store:
        history = store.finished_audits(cfg.person.name)
        if not history:
            raise UsageError(f"no finished audit of {cfg.person.name} in {cfg.database_path}; run `auditor audit`")
        if audit_id == "latest":
            chosen = history[-1]
        elif audit_id.isdigit():
            chosen = store.load_audit(int(audit_id))
        else:
            raise UsageError(f"{audit_id!r} is not an audit id (see `auditor history`)")
    if output is not None:
        previous = previous_audit(chosen, history)
        html = render_html(chosen, history, compute_changes(previous, chosen), lang=language, scoring=scoring_info(cfg))
        try:
            output.write_text(html, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{output}: cannot write ({exc.strerror})") from None
        out.print(f"Report: {output}", highlight=False)
        return
    # The whole history goes in: the report stops its trends at the chosen audit, and latest.html stays
    # the newest audit even when an older one is re-rendered.
    paths = write_report(chosen, history, reports_dir=cfg.reports_path, lang=language, scoring=scoring_info(cfg))
    out.print(f"Report: {paths.html}", highlight=False)


@app.command()
def history(
    config: ConfigOption = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The stored audits, their status and scores."""
    cfg = load_config(config)
    with Store.open(cfg.database_path) as store:
        rows = store.rows()
    if as_json:
        data = [
            {"id": r.id, "person": r.person, "as_of": r.as_of.isoformat(), "status": r.status.value,
             "overall": r.overall, "started_at": r.started_at, "finished_at": r.finished_at}
            for r in rows
        ]  # fmt: skip
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("id", "date", "person", "status", "overall")
    for r in rows:
        table.add_row(str(r.id), r.as_of.isoformat(), r.person, r.status.value,
                      "n/a" if r.overall is None else f"{r.overall:.1f}")  # fmt: skip
    out.print(table)


@app.command("sandbox")
def sandbox_command(
    scenario: Annotated[str, typer.Option(help="`demo`, `minimal`, or a scenario TOML file.")] = "demo",
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 picks a free one).")] = 0,
    month: Annotated[int, typer.Option(help="Month of the scenario to serve first (0-based).")] = 0,
) -> None:
    """Run the sandbox web alone and print its URL (for tests, benchmarks, trying things)."""
    import time

    from auditor.sandbox import Sandbox, load_scenario

    packaged = resources.files("auditor.sandbox").joinpath("scenarios", f"{scenario}.toml")
    path = Path(str(packaged)) if packaged.is_file() else Path(scenario)
    if not path.is_file():
        raise UsageError(f"--scenario: {scenario!r} is neither a packaged scenario (demo, minimal) nor a file")
    loaded = load_scenario(path)
    with Sandbox(loaded, port=port) as sb:
        sb.set_month(month)
        out.print(sb.url, highlight=False)
        err.print(f"Serving {len(loaded.months)} months; Ctrl-C to stop. Try: auditor audit --sandbox {sb.url}")
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@app.command()
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Where the demo's config, database and reports go.")] = Path(
        "demo"
    ),
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress output.")] = False,
) -> None:
    """Start the sandbox and run six monthly audits of a fictional person, then print the report's path."""
    from auditor.demo import run_demo

    outcome = run_demo(directory, progress=_progress_printer(True), announce=None if quiet else err.print)
    out.print(f"\nLatest report: {outcome.paths.latest}", highlight=False)
    out.print(f"All audits:    {outcome.paths.index}", highlight=False)
    out.print(f"Explore:       auditor history -c {directory / 'auditor.toml'}", highlight=False)


def main() -> None:
    """Entry point: run the app, turning domain errors into one message and an exit code."""
    try:
        # Without standalone mode click returns the code of `typer.Exit` instead of exiting.
        code = app(standalone_mode=False)
    except AuditorError as exc:
        err.print(f"Error: {exc}", highlight=False, markup=False)
        if exc.tip:
            err.print(f"Tip: {exc.tip}", highlight=False, markup=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
    except Exception as exc:  # the click usage errors and anything unexpected
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        raise
    sys.exit(code if isinstance(code, int) else 0)
