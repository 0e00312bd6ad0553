"""`auditor summary`, `auditor trends` and `auditor notify`: what the monthly run says, again and over time.

Both read only what they need: the list of audits (one small row each), then the one or two audits a
summary compares, or just the scores and profile positions of each audit for the trends.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from auditor.cli.common import DEFAULT_CONFIG, ConfigOption, PersonOption, app, err, out
from auditor.errors import UsageError

if TYPE_CHECKING:  # the rest is imported by each command when it runs: --help stays quick
    import pandas as pd

    from auditor.config import Config
    from auditor.models import Audit
    from auditor.notify import Delivery
    from auditor.report.digest import Digest
    from auditor.report.summary import Summary
    from auditor.store import AuditRow, Store

LangOption = Annotated[
    str | None, typer.Option("--lang", help="The summary's language, en or fr; the config's report.lang if not given.")
]


@app.command(short_help="Summarise an audit: its score, what moved, what to do next.")
def summary(
    audit_id: Annotated[
        str, typer.Argument(metavar="ID|latest|previous", help="The audit: its id, latest or previous.")
    ] = "latest",
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="One line.")] = False,
    lang: LangOption = None,
) -> None:
    """What an audit found: status, score against the last audit and the best, what moved, what to do next.
    On a workspace without --person: everyone's latest audit in one digest (--json holds each one's summary)."""
    from auditor.audit.workspace import is_workspace, person_config
    from auditor.store import Store

    checked_lang(lang)
    if person is None and config.exists() and is_workspace(config):
        from auditor.cli.digest import workspace_digest

        print_summary(workspace_digest(config, audit_id, lang), as_json=as_json, quiet=quiet)
        return
    cfg = person_config(config, person)
    with Store.open(cfg.database_path, write=False) as store:
        result = load_summary(store, cfg, audit_id, lang or cfg.report.lang)
    print_summary(result, as_json=as_json, quiet=quiet)


def checked_lang(lang: str | None) -> None:
    if lang is not None and lang not in ("en", "fr"):
        raise UsageError(f"--lang: expected en or fr, got {lang!r}")


def print_summary(result: Summary | Digest, *, as_json: bool = False, quiet: bool = False, head: bool = True) -> None:
    from auditor.report import digest, summary
    from auditor.report.digest import Digest

    if isinstance(result, Digest):
        texts, line, data = digest.as_text(result), digest.one_line(result), digest.to_dict(result)
    else:
        texts, line, data = summary.as_text(result, head=head), summary.one_line(result), summary.to_dict(result)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif quiet:
        out.print(line, highlight=False, markup=False)
    else:
        for text in texts:
            out.print(text, highlight=False, markup=False)


def load_summary(store: Store, cfg: Config, ref: str, lang: str) -> Summary:
    """The summary of audit `ref` (an id, `latest` or `previous`), reading that audit and the one before it."""
    from auditor.models import AuditStatus
    from auditor.report.html import report_stem, slugify
    from auditor.report.summary import summarize

    rows = store.finished_rows(cfg.person.name)
    chosen = _pick(ref, rows, store)
    audit = store.load_audit(chosen.id)
    comparable = (AuditStatus.COMPLETE, AuditStatus.PARTIAL)
    before = [r for r in rows if r.as_of <= chosen.as_of and r.id != chosen.id and r.status in comparable]
    previous = store.load_audit(before[-1].id) if before else None
    report = cfg.reports_path / slugify(audit.person) / f"{report_stem(chosen, rows)}.html"
    history = [(r.as_of, r.overall) for r in rows if r.id != chosen.id]
    return summarize(audit, previous, history, lang=lang, report=str(report) if report.exists() else None)


def summary_of(audit: Audit, cfg: Config, report: str, lang: str | None = None) -> Summary:
    """The summary of an audit just stored (what `auditor audit` prints after its run), in `lang` (the
    config's report language when None, as the report)."""
    from auditor.store import Store

    with Store.open(cfg.database_path, write=False) as store:
        result = load_summary(store, cfg, str(audit.id), lang or cfg.report.lang)
    return replace(result, report=report)


def _pick(ref: str, rows: list[AuditRow], store: Store) -> AuditRow:
    if ref in ("latest", "previous"):
        index = -1 if ref == "latest" else -2
        if len(rows) < -index:
            raise UsageError(f"there is no {ref} audit: {len(rows)} finished audit(s) in {store.path}")
        return rows[index]
    if not ref.isdigit():
        raise UsageError(f"{ref!r} is not an audit id, latest or previous (see `auditor history`)")
    found = next((r for r in rows if r.id == int(ref)), None)
    if found is None:
        store.load_audit(int(ref))  # says why: no such audit, or one that did not finish
        raise UsageError(f"audit {ref} is not an audit of the configured person (see `auditor history`)")
    return found


@app.command(short_help="Show every score audit by audit, with changes and bests.")
def trends(
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (one object per audit).")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (one row per audit).")] = False,
) -> None:
    """One row per audit: every score, its change, its 3-audit rolling mean, its best, and each profile's position."""
    from auditor.audit.workspace import person_config
    from auditor.report.trends import trend_table
    from auditor.store import Store

    if as_json and as_csv:
        raise UsageError("--json and --csv: pick one")
    cfg = person_config(config, person)
    with Store.open(cfg.database_path, write=False) as store:
        points = store.score_points(cfg.person.name)
    table = trend_table(points, profiles=tuple(cfg.profiles))
    table["as_of"] = table["as_of"].dt.strftime("%Y-%m-%d")
    if as_csv:
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    elif as_json:
        rows = json.loads(table.to_json(orient="records", double_precision=6))  # NaN becomes null
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_trends(table, tuple(cfg.profiles))


def _print_trends(table: pd.DataFrame, profiles: tuple[str, ...]) -> None:
    if table.empty:
        out.print("No finished audit yet: run `auditor audit`.", highlight=False, markup=False)
        return
    # The overall score and the profiles fit a terminal; every component is in --csv and --json.
    shown = {
        "as_of": "date",
        "status": "status",
        "overall": "overall",
        "overall_change": "change",
        "overall_mean3": "mean 3",
        "overall_best": "best",
        **{f"position_{p}": p for p in profiles},
    }
    grid = Table(box=box.SIMPLE_HEAD, title="Overall score and each profile's best position, audit by audit")
    for name, heading in shown.items():
        left = name in ("as_of", "status")
        grid.add_column(
            heading,
            no_wrap=True,
            min_width={"as_of": 10, "status": 8}.get(name, len(heading)),
            justify="left" if left else "right",
        )
    for row in table[list(shown)].itertuples(index=False):
        grid.add_row(*(_cell(name, value) for name, value in zip(shown, row, strict=True)))
    out.print(grid)


def _cell(column: str, value: object) -> Text | str:
    if isinstance(value, str):
        return Text(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-" if column.startswith("position_") else "n/a"
    number = float(value)  # type: ignore[arg-type]
    if column.startswith("position_"):
        return str(int(number))
    return f"{number:+.1f}" if column.endswith("_change") else f"{number:.1f}"


@app.command(short_help="Send an audit's summary by email or webhook again.")
def notify(
    audit_id: Annotated[
        str, typer.Argument(metavar="ID|latest|previous", help="The audit: its id, latest or previous.")
    ] = "latest",
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    test: Annotated[bool, typer.Option("--test", help="Send a sample summary, not a stored audit's.")] = False,
    lang: LangOption = None,
) -> None:
    """Send an audit's summary through [notify] (email, webhooks) again; exit 2 when any channel fails.
    On a workspace without --person: one digest of everyone's latest audit (--test: a sample digest)."""
    from auditor.audit.workspace import is_workspace, load_workspace, person_config
    from auditor.store import Store

    checked_lang(lang)
    if person is None and config.exists() and is_workspace(config):
        from auditor.cli.digest import sample_digest, workspace_digest

        workspace = load_workspace(config)
        cfg = next(iter(workspace.people.values()))  # [notify] is shared by everyone
        _check_notify(cfg, config)
        everyone = sample_digest(workspace, lang) if test else workspace_digest(config, audit_id, lang)
        result: Summary | Digest = everyone
        attachment = Path(everyone.agency_page) if everyone.agency_page else None
    else:
        cfg = person_config(config, person)
        _check_notify(cfg, config)
        if test:
            result, attachment = sample_summary(cfg, lang or cfg.report.lang), None
        else:
            with Store.open(cfg.database_path, write=False) as store:
                result = load_summary(store, cfg, audit_id, lang or cfg.report.lang)
            attachment = Path(result.report) if result.report else None
    failed = [d for d in send_notifications(cfg, result, attachment, force=True) if not d.ok]
    if failed:
        raise typer.Exit(2)


def _check_notify(cfg: Config, path: Path) -> None:
    if cfg.notify.email is None and not cfg.notify.webhooks:
        raise UsageError(
            f"{path}: nothing to notify: set [notify.email] or [[notify.webhooks]] (see config.example.toml)"
        )


def send_notifications(
    cfg: Config, result: Summary | Digest, attachment: Path | None, *, force: bool = False
) -> list[Delivery]:
    """Notify through every configured channel (only when [notify] is enabled, unless `force`); one line
    each on stderr. Never raises: the caller's exit code stays its own."""
    from auditor.notify import notify as deliver

    if not (cfg.notify.enabled or force):
        return []
    deliveries = deliver(cfg.notify, result, attachment, os.environ)
    for d in deliveries:
        if d.ok:
            err.print(f"Notified: {d.channel}", highlight=False, markup=False)
        else:
            err.print(f"Notification failed: {d.channel}: {d.detail}", highlight=False, markup=False)
    return deliveries


def sample_summary(cfg: Config, lang: str) -> Summary:
    """A made-up summary that says it is a test, for `auditor notify --test`."""
    from auditor.report.summary import Action, Summary, sample_message

    today = dt.date.today()
    return Summary(
        audit_id=None,
        person=cfg.person.name,
        as_of=today,
        status="complete",
        failures=(),
        overall=72.5,
        previous_as_of=today - dt.timedelta(days=30),
        previous_overall=70.0,
        best_overall=72.5,
        best_as_of=today,
        moved=(),
        entered=(),
        left=(),
        linkbacks=(),
        actions=(Action("test", sample_message(lang), 0.0),),
        report=None,
        lang=lang,
    )


@app.command(short_help="Print a ready recipe to run this audit every month.")
def schedule(
    kind: Annotated[str, typer.Argument(metavar="cron|systemd|github-actions", help="Which scheduler.")],
    config: ConfigOption = DEFAULT_CONFIG,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the recipe's files into this directory.")
    ] = None,
) -> None:
    """Print a ready recipe that runs this config's audit every month (absolute paths; see the README). For a
    workspace, one run audits everyone."""
    from auditor.audit.workspace import is_workspace, load_workspace
    from auditor.cli.recipes import KINDS, recipes, workspace_recipes
    from auditor.config import load_config

    if kind not in KINDS:
        raise UsageError(f"{kind!r}: expected one of {', '.join(KINDS)}")
    if config.exists() and is_workspace(config):
        # One scheduled run for everyone: one pacer, so the engines see one polite client.
        files = workspace_recipes(kind, load_workspace(config), auditor_command())
    else:
        files = recipes(kind, load_config(config), config, auditor_command())
    if output is None:
        for index, recipe in enumerate(files):
            if len(files) > 1:
                out.print(("\n" if index else "") + f"# ---- {recipe.path}", highlight=False, markup=False)
            sys.stdout.write(recipe.text)
        return
    for recipe in files:
        target = output / recipe.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(recipe.text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{target}: cannot write ({exc.strerror})") from None
        out.print(f"Wrote {target}", highlight=False, markup=False)


def auditor_command() -> tuple[str, ...]:
    """This auditor, by absolute path: the `auditor` script beside the running Python when there is one."""
    python = Path(sys.executable).absolute()  # not resolved: a virtual environment's python is a symlink
    script = python.with_name("auditor")
    return (str(script),) if script.is_file() else (str(python), "-m", "auditor")
