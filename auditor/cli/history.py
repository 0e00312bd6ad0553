"""`auditor report` and `auditor history`: reading the stored audits."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from auditor.cli.common import DEFAULT_CONFIG, ConfigOption, PersonOption, app, invocation, out, print_table, say
from auditor.errors import UsageError


@app.command(short_help="Write a stored audit's report again.")
def report(
    audit_id: Annotated[
        str,
        typer.Argument(
            metavar="ID|latest|previous|all",
            help="The audit: its id, latest or previous; all: every audit and the index.",
        ),
    ] = "latest",
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    lang: Annotated[
        str | None, typer.Option(help="The report's language, en or fr; the config's report.lang when not given.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the HTML to this file instead of the reports directory."),
    ] = None,
) -> None:
    """Re-render a stored audit's report (`all`: every audit's, and the index)."""
    from auditor.audit.workspace import person_config
    from auditor.cli.store_commands import resolve
    from auditor.report.changes import compute_changes
    from auditor.report.features import stored_thumbnails
    from auditor.report.html import (
        chronological,
        previous_audit,
        render_html,
        scoring_info,
        write_report,
        write_reports,
    )
    from auditor.store import Store

    cfg = person_config(config, person)
    language = lang or cfg.report.lang
    if language not in ("en", "fr"):
        raise UsageError(f"--lang: expected en or fr, got {language!r}")
    if audit_id == "all" and output is not None:
        raise UsageError("-o writes one report: give an audit id, latest or previous with it, not all")
    with Store.open(cfg.database_path, write=False) as store:
        history = store.finished_audits(cfg.person.name)
        if not history and not audit_id.isdigit():
            raise UsageError(f"no finished audit of {cfg.person.name} in {cfg.database_path}; run `auditor audit`")
        if audit_id == "all":
            written = write_reports(
                history,
                history,
                reports_dir=cfg.reports_path,
                lang=language,
                scoring=scoring_info(cfg),
                screenshots=stored_thumbnails(store),
            )
            out.print(f"Wrote {len(written)} report(s): {written[-1].index}", highlight=False)
            return
        chosen = resolve(audit_id, store, history, cfg.person.name)
        # Read while the history is open: only the newest audit's page shows its results pages' pictures.
        newest = {a.id: stored_thumbnails(store)(a) for a in sorted(history, key=chronological)[-1:]}
    if output is not None:
        previous = previous_audit(chosen, history)
        changes = compute_changes(previous, chosen)
        shots = newest.get(chosen.id, [])
        html = render_html(chosen, history, changes, lang=language, scoring=scoring_info(cfg), screenshots=shots)
        try:
            output.write_text(html, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{output}: cannot write ({exc.strerror})") from None
        out.print(f"Report: {output}", highlight=False)
        return
    # The whole history goes in: the report stops its trends at the chosen audit, and latest.html stays
    # the newest audit even when an older one is re-rendered.
    paths = write_report(
        chosen,
        history,
        reports_dir=cfg.reports_path,
        lang=language,
        scoring=scoring_info(cfg),
        screenshots=lambda audit: newest.get(audit.id, []),
    )
    out.print(f"Report: {paths.html}", highlight=False)


@app.command(short_help="List the stored audits with their status and scores.")
def history(
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of text.")] = False,
) -> None:
    """The stored audits by date, their status and scores; an interrupted audit shows as `incomplete`."""
    from auditor.audit.workspace import is_workspace, person_config
    from auditor.models import AuditStatus
    from auditor.report.paths import missing_reports
    from auditor.store import Store

    if person is None and is_workspace(config):
        from auditor.cli.workspace import workspace_history

        workspace_history(config, as_json)
        return
    cfg = person_config(config, person, engines=False)  # reads the history: no engine is asked
    with Store.open(cfg.database_path, write=False) as store:
        rows = store.rows(cfg.person.name)
        # The finished audits' rows, not the audits: a long history is not decoded to list it.
        unreported = {row.id for row in missing_reports(store.finished_rows(cfg.person.name), cfg.reports_path)}
    if as_json:
        data = [
            {
                "id": r.id,
                "person": r.person,
                "as_of": r.as_of.isoformat(),
                "status": r.status.value,
                "overall": r.overall,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "engines": list(r.engines),
                "rescored_at": r.rescored_at,
                "report_missing": r.id in unreported,
            }
            for r in rows
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    print_table(
        ("id", "date", "person", "status", "overall"),
        [
            (
                str(r.id),
                r.as_of.isoformat(),
                r.person,
                r.status.value,
                "n/a" if r.overall is None else f"{r.overall:.1f}",
            )
            for r in rows
        ],
    )
    if not rows:  # a database made by `label` before any audit: say why the table is empty
        say(f"No audit of {cfg.person.name} yet; `{invocation()} audit -c {config}` runs the first one.")
    if any(r.status is AuditStatus.INCOMPLETE for r in rows):
        out.print("incomplete: interrupted before it finished; `auditor audit --resume` finishes the latest one.")
    for r in rows:
        if r.id in unreported:
            out.print(
                f"report missing: audit {r.id} ({r.as_of.isoformat()}) finished but its report was never written; "
                "`auditor audit --resume` writes it.",
                highlight=False,
                markup=False,
            )
