"""`auditor init` and `auditor audit`."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Annotated

import typer

from auditor.audit.runner import EXIT_CODES, audit_once, resume_audit
from auditor.audit.workspace import is_workspace
from auditor.cli.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    LockWaitOption,
    SandboxOption,
    app,
    check_sandbox,
    err,
    out,
    parse_as_of,
    progress_printer,
)
from auditor.config import Config, load_config
from auditor.engines import registry
from auditor.engines.catalog import engine_notes
from auditor.errors import UsageError
from auditor.models import Audit
from auditor.store import DEFAULT_LOCK_WAIT


@app.command()
def init(
    config: ConfigOption = DEFAULT_CONFIG,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    workspace: Annotated[
        bool, typer.Option("--workspace", help="Write a workspace instead: many people, one [people.SLUG] each.")
    ] = False,
) -> None:
    """Write a starter config (every key, commented) to edit with your name, site and profiles."""
    if config.exists() and not force:
        raise UsageError(f"{config}: already exists (use --force to overwrite it)")
    starter = "workspace.example.toml" if workspace else "config.example.toml"
    example = resources.files("auditor").joinpath(starter).read_text(encoding="utf-8")
    try:
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(example, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{config}: cannot write ({exc.strerror})") from None
    edit = "[people.SLUG] and their profiles" if workspace else "[person] and [profiles]"
    out.print(f"Wrote {config}. Edit {edit}, then run: auditor audit -c {config}", highlight=False, markup=False)


@app.command()
def audit(
    config: ConfigOption = DEFAULT_CONFIG,
    engines: Annotated[str | None, typer.Option(help="Only these engines, comma-separated.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the audit (YYYY-MM-DD); default today.")] = None,
    lang: Annotated[str | None, typer.Option(help="Report language: en or fr (default: report.lang).")] = None,
    sandbox: SandboxOption = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress output.")] = False,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Finish the last interrupted audit; what it already got is not asked again."),
    ] = False,
    lock_wait: LockWaitOption = DEFAULT_LOCK_WAIT,
    person: Annotated[
        list[str] | None, typer.Option("--person", help="In a workspace: only this person (slug; repeatable).")
    ] = None,
) -> None:
    """Search, verify, score, store the audit and write its report. Exit 0 complete, 3 partial, 4 failed."""
    if is_workspace(config):
        from auditor.cli.workspace import audit_people

        audit_people(config, person or [], engines, as_of, lang, sandbox, quiet, resume, lock_wait)
        return
    if person:
        raise UsageError(f"--person: {config} is a one-person config, not a workspace")
    cfg = load_config(config)
    only = engine_list(engines, cfg)
    for note in engine_notes(only or cfg.audit.engines, dt.date.today()):
        err.print(f"Warning: {note}", highlight=False, markup=False)
    if lang is not None and lang not in ("en", "fr"):
        raise UsageError(f"--lang: expected en or fr, got {lang!r}")
    if resume:
        if as_of is not None or engines is not None:
            raise UsageError(
                "--resume finishes the interrupted audit with its own date and engines: drop --as-of and --engines"
            )
        outcome = resume_audit(
            cfg, sandbox_url=check_sandbox(sandbox), lang=lang, progress=progress_printer(quiet), lock_wait=lock_wait,
            announce=_announce,
        )  # fmt: skip
    else:
        date = parse_as_of(as_of)
        err.print(f"Auditing {cfg.person.name} ({date.isoformat()})", highlight=False)
        outcome = audit_once(
            cfg, as_of=date, sandbox_url=check_sandbox(sandbox), only_engines=only, lang=lang,
            progress=progress_printer(quiet), lock_wait=lock_wait, announce=_announce,
        )  # fmt: skip
    _summary(outcome.audit)
    out.print(f"Report: {outcome.paths.html}", highlight=False)
    raise typer.Exit(EXIT_CODES.get(outcome.audit.status, 1))


def _announce(message: str) -> None:
    err.print(message, highlight=False, markup=False)


def engine_list(value: str | None, cfg: Config) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    for name in names:
        if registry.find(name) is None:
            raise UsageError(f"--engines: {registry.unknown_engine(name)}")
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
