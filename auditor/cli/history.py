"""`auditor report` and `auditor history`: reading the stored audits."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from auditor.audit.runner import scoring_info
from auditor.audit.workspace import is_workspace, person_config
from auditor.cli.common import DEFAULT_CONFIG, ConfigOption, app, out
from auditor.cli.store_commands import resolve
from auditor.cli.workspace import PersonOption
from auditor.errors import UsageError
from auditor.models import AuditStatus
from auditor.store import Store


@app.command()
def report(
    audit_id: Annotated[str, typer.Argument(metavar="[ID|latest]", help="Audit id, latest or previous.")] = "latest",
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    lang: Annotated[str | None, typer.Option(help="en or fr (default: report.lang).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the HTML here instead.")] = None,
) -> None:
    """Re-render a stored audit's report."""
    from auditor.report.changes import compute_changes
    from auditor.report.html import previous_audit, render_html, write_report

    cfg = person_config(config, person)
    language = lang or cfg.report.lang
    if language not in ("en", "fr"):
        raise UsageError(f"--lang: expected en or fr, got {language!r}")
    with Store.open(cfg.database_path, write=False) as store:
        history = store.finished_audits(cfg.person.name)
        if not history and not audit_id.isdigit():
            raise UsageError(f"no finished audit of {cfg.person.name} in {cfg.database_path}; run `auditor audit`")
        chosen = resolve(audit_id, store, history)
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
    person: PersonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The stored audits by date, their status and scores; an interrupted audit shows as `incomplete`."""
    if person is None and is_workspace(config):
        from auditor.cli.workspace import workspace_history

        workspace_history(config, as_json)
        return
    cfg = person_config(config, person)
    with Store.open(cfg.database_path, write=False) as store:
        rows = store.rows()
    if as_json:
        data = [
            {"id": r.id, "person": r.person, "as_of": r.as_of.isoformat(), "status": r.status.value,
             "overall": r.overall, "started_at": r.started_at, "finished_at": r.finished_at,
             "engines": list(r.engines), "rescored_at": r.rescored_at}
            for r in rows
        ]  # fmt: skip
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("id", "date", "person", "status", "overall")
    for r in rows:
        table.add_row(str(r.id), r.as_of.isoformat(), Text(r.person), r.status.value,
                      "n/a" if r.overall is None else f"{r.overall:.1f}")  # fmt: skip
    out.print(table)
    if any(r.status is AuditStatus.INCOMPLETE for r in rows):
        out.print("incomplete: interrupted before it finished; `auditor audit --resume` finishes the latest one.")
