"""`auditor compare`, `auditor export` and `auditor rescore`: working with the stored history."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from auditor.audit.workspace import person_config
from auditor.cli.common import DEFAULT_CONFIG, ConfigOption, LockWaitOption, app, out
from auditor.cli.workspace import PersonOption
from auditor.errors import UsageError
from auditor.models import Audit
from auditor.report.changes import Changes, ResultMove, compute_changes
from auditor.store import DEFAULT_LOCK_WAIT, Store

AuditRef = Annotated[str, typer.Argument(metavar="ID|latest|previous", help="An audit id, latest or previous.")]


def resolve(ref: str, store: Store, history: Sequence[Audit]) -> Audit:
    """An audit by id, or `latest` / `previous` among the finished ones (by date); one clear error otherwise."""
    if ref in ("latest", "previous"):
        index = -1 if ref == "latest" else -2
        if len(history) < -index:
            raise UsageError(f"there is no {ref} audit: {len(history)} finished audit(s) in {store.path}")
        return history[index]
    if not ref.isdigit():
        raise UsageError(f"{ref!r} is not an audit id, latest or previous (see `auditor history`)")
    return store.load_audit(int(ref))


@app.command()
def compare(
    first: AuditRef,
    second: AuditRef,
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What changed from audit FIRST to audit SECOND: results in and out of the top 10, moves, link-backs, scores."""
    cfg = person_config(config, person)
    with Store.open(cfg.database_path, write=False) as store:
        history = store.finished_audits(cfg.person.name)
        before, after = resolve(first, store, history), resolve(second, store, history)
    changes = compute_changes(before, after)
    if as_json:
        data = {"from": _ref(before), "to": _ref(after), **changes.to_dict()}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    _print_changes(before, after, changes)


def _ref(audit: Audit) -> dict[str, object]:
    return {"id": audit.id, "as_of": audit.as_of.isoformat(), "status": audit.status.value}


def _print_changes(before: Audit, after: Audit, changes: Changes) -> None:
    out.print(
        f"Audit {before.id} ({before.as_of.isoformat()}, {before.status.value}) -> "
        f"audit {after.id} ({after.as_of.isoformat()}, {after.status.value})",
        highlight=False,
        markup=False,
    )
    scores = Table("score", str(before.as_of), str(after.as_of), "change", title="Scores")
    for s in changes.scores:
        scores.add_row(s.component, _num(s.previous), _num(s.current), _num(s.delta, signed=True))
    out.print(scores)
    for title, moves in (
        ("Entered the top 10", changes.entered),
        ("Left the top 10", changes.left),
        ("Your results that moved", changes.moved),
    ):
        if moves:
            out.print(_moves_table(title, moves))
    if changes.linkbacks:
        table = Table("profile", "before", "now", "", title="Link-backs")
        for c in changes.linkbacks:
            table.add_row(Text(c.network), c.previous.value if c.previous else "-", c.current.value, c.kind)
        out.print(table)
    if changes.engines:
        table = Table("engine", "before", "now", title="Engines")
        for e in changes.engines:
            table.add_row(e.name, e.previous.value if e.previous else "-", e.current.value if e.current else "-")
        out.print(table)
    if changes.is_empty:
        out.print("Nothing changed.")


def _moves_table(title: str, moves: Sequence[ResultMove]) -> Table:
    table = Table("engine", "query", "before", "now", "whose", "url", "title", title=title)
    for m in moves:
        # Text(...) cells: titles and URLs come from strangers' pages and must not be read as rich markup.
        table.add_row(
            Text(m.engine),
            Text(m.query),
            _pos(m.previous_position),
            _pos(m.current_position),
            m.ownership.value,
            Text(m.url),
            Text(m.title),
        )
    return table


def _pos(value: int | None) -> str:
    return "-" if value is None else str(value)


def _num(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.1f}" if signed else f"{value:.1f}"


@app.command()
def export(
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
) -> None:
    """Every stored result, one row per result per audit (finished audits, oldest first)."""
    from auditor.report.export import export_rows, to_csv, to_json

    if fmt not in ("csv", "json"):
        raise UsageError(f"--format: expected csv or json, got {fmt!r}")
    cfg = person_config(config, person)
    with Store.open(cfg.database_path, write=False) as store:
        audits = store.finished_audits()
    rows = export_rows(audits)
    text = to_csv(rows) if fmt == "csv" else to_json(rows)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"{output}: cannot write ({exc.strerror})") from None
    out.print(f"Wrote {len(rows)} rows from {len(audits)} audits to {output}", highlight=False)


@app.command()
def rescore(
    which: Annotated[str, typer.Argument(metavar="[ID|latest|all]", help="An audit id, latest, or all.")] = "all",
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    lock_wait: LockWaitOption = DEFAULT_LOCK_WAIT,
) -> None:
    """Re-parse and re-score stored audits from their raw responses (after a parser fix or a scoring change)."""
    from auditor.audit.rescore import rescore as rescore_audits
    from auditor.audit.rescore import select

    cfg = person_config(config, person)
    with Store.open(cfg.database_path) as store, store.writing(lock_wait):
        done = rescore_audits(store, cfg, select(store, cfg, which))
    if not done:
        out.print(f"No finished audit of {cfg.person.name} to rescore.", highlight=False, markup=False)
        return
    for item in done:
        before = item.before
        head = f"audit {before.id} ({before.as_of.isoformat()}): "
        if item.after is None:
            out.print(head + item.note, highlight=False, markup=False)
            continue
        status = (
            before.status.value
            if before.status is item.after.status
            else f"{before.status.value} -> {item.after.status.value}"
        )
        line = f"overall {_num(before.scores.overall)} -> {_num(item.after.scores.overall)}, {status}"
        out.print(head + line, highlight=False, markup=False)
    out.print("Reports are not rewritten: `auditor report ID` renders one again.", highlight=False, markup=False)
