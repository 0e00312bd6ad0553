"""`auditor audit`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli.common import (
    DEFAULT_CONFIG,
    DEFAULT_LOCK_WAIT,
    ConfigOption,
    JsonOption,
    LockWaitOption,
    SandboxOption,
    app,
    check_sandbox,
    err,
    interrupted,
    invocation,
    out,
    parse_as_of,
    print_json,
    progress_printer,
    say,
)
from auditor.errors import UsageError

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.models import Audit


@app.command(short_help="Run an audit, store it and write its report.")
def audit(
    config: ConfigOption = DEFAULT_CONFIG,
    engines: Annotated[
        str | None, typer.Option(help="Query only these engines of the config (names, comma-separated).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The date of the audit (YYYY-MM-DD); today when not given.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="The report's language, en or fr; the config's report.lang when not given.")
    ] = None,
    sandbox: SandboxOption = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress output (as the global -q).")] = False,
    as_json: JsonOption = False,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Finish the last interrupted audit; what it already got is not asked again."),
    ] = False,
    lock_wait: LockWaitOption = DEFAULT_LOCK_WAIT,
    person: Annotated[
        list[str] | None, typer.Option("--person", help="In a workspace: only this person (slug; repeatable).")
    ] = None,
) -> None:
    """Search the engines for your name, check your profiles and site, score it all, store the audit and write
    its report. In a workspace, every person (or each --person) in one run.

    Exit code: 0 complete, 3 partial (something could not be checked), 4 failed (no engine answered).
    """
    from auditor.audit.runner import EXIT_CODES, audit_once, resume_audit
    from auditor.audit.workspace import is_workspace
    from auditor.cli.init import refuse_the_example
    from auditor.cli.loop import print_summary, send_notifications, summary_of
    from auditor.config import load_config

    if is_workspace(config):
        from auditor.cli.workspace import audit_people

        audit_people(config, person or [], engines, as_of, lang, sandbox, quiet, resume, lock_wait)
        return
    if person:
        raise UsageError(f"--person: {config} is a one-person config, not a workspace")
    cfg = load_config(config)
    if sandbox is None:  # the example person lives in the sandbox too (the demo): there, auditing her is the point
        refuse_the_example(cfg, config)
    date = None if resume else parse_as_of(as_of)  # a bad date is refused before anything else is said
    only = checked_options(cfg, engines=engines, lang=lang, resume=resume, as_of=as_of)
    announce = say  # what is being done: silenced by the global -q only (`audit -q` silences progress)
    sandbox_url = check_sandbox(sandbox)
    try:
        if resume:
            outcome = resume_audit(
                cfg,
                sandbox_url=sandbox_url,
                lang=lang,
                progress=progress_printer(quiet),
                lock_wait=lock_wait,
                announce=announce,
            )
        else:
            date = parse_as_of(as_of)
            announce(f"Auditing {cfg.person.name} ({date.isoformat()})")
            outcome = audit_once(
                cfg,
                as_of=date,
                sandbox_url=sandbox_url,
                only_engines=only,
                lang=lang,
                progress=progress_printer(quiet),
                lock_wait=lock_wait,
                announce=announce,
            )
    except KeyboardInterrupt:
        # Every answer is stored as it arrives, and --resume asks only for the rest.
        raise interrupted(
            f"the audit stays incomplete, with every answer it had received; "
            f"`{invocation()} audit --resume -c {config}` finishes it without asking them again"
        ) from None
    code = EXIT_CODES.get(outcome.audit.status, 1)
    if as_json:
        print_json(audit_summary(outcome.audit, outcome.paths.html, code))
    else:
        _summary(outcome.audit, lang or cfg.report.lang)
    result = summary_of(outcome.audit, cfg, report=str(outcome.paths.html), lang=lang)
    if not as_json:
        print_summary(result, head=False)
    # After the audit is stored and reported: a failed notification is printed, never changes the exit code.
    send_notifications(cfg, result, outcome.paths.html)
    raise typer.Exit(code)


def audit_summary(result: Audit, report: Path | None, exit_code: int | None) -> dict[str, object]:
    """What `audit --json` prints: the status, the scores, each engine's outcome, the report's path."""
    scores = result.scores
    return {
        "id": result.id,
        "person": result.person,
        "as_of": result.as_of.isoformat(),
        "status": result.status.value,
        "exit_code": exit_code,
        "scores": {
            "overall": scores.overall,
            "visibility": scores.visibility,
            "linkback": scores.linkback,
            "site": scores.site,
            "consistency": scores.consistency,
        },
        "engines": [
            {"name": e.name, "status": e.status.value, "detail": e.detail, "requests": e.requests}
            for e in result.engines
        ],
        "report": str(report) if report is not None else None,
    }


def checked_options(
    cfg: Config, *, engines: str | None, lang: str | None, resume: bool, as_of: str | None
) -> tuple[str, ...] | None:
    """The engines `--engines` asks (None: the config's), once the options every audit shares are checked, one
    person's or a workspace's; the engines' notices are printed on the way."""
    from auditor.engines.catalog import engine_notes

    only = engine_list(engines, cfg)
    for note in engine_notes(only or cfg.audit.engines, dt.date.today()):
        err.print(f"Warning: {note}", highlight=False, markup=False)
    if lang is not None and lang not in ("en", "fr"):
        raise UsageError(f"--lang: expected en or fr, got {lang!r}")
    if resume and (as_of is not None or engines is not None):
        raise UsageError(
            "--resume finishes the interrupted audit with its own date and engines: drop --as-of and --engines"
        )
    return only


def engine_list(value: str | None, cfg: Config) -> tuple[str, ...] | None:
    if value is None:
        return None
    from auditor.engines import registry

    names = tuple(n.strip() for n in value.split(",") if n.strip())
    for name in names:
        if registry.find(name) is None:
            raise UsageError(f"--engines: {registry.unknown_engine(name)}")
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        raise UsageError(f"--engines: {twice!r} is listed twice (each engine is asked once per query)")
    unknown = [n for n in names if n not in cfg.audit.engines]
    if unknown or not names:
        configured = ", ".join(cfg.audit.engines)
        bad = unknown[0] if unknown else value
        raise UsageError(f"--engines: {bad!r} is not configured (configured: {configured})")
    return names


def _summary(result: Audit, lang: str) -> None:
    """The status and each engine's, in the report's language (the summary follows)."""
    from auditor.report.summary import run_head

    for line in run_head(result, lang):
        out.print(line, highlight=False, markup=False)
