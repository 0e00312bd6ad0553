"""`auditor compare`, `auditor export` and `auditor rescore`: working with the stored history."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli.common import (
    DEFAULT_CONFIG,
    DEFAULT_LOCK_WAIT,
    ConfigOption,
    JsonOption,
    LockWaitOption,
    PersonOption,
    app,
    out,
    print_json,
    print_table,
)
from auditor.errors import UsageError

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.models import Audit
    from auditor.report.html import ReportPaths
    from auditor.store import AuditRow, Store

if TYPE_CHECKING:
    from auditor.models import Audit
    from auditor.report.changes import Changes, ResultMove
    from auditor.store import Store

First = Annotated[str, typer.Argument(metavar="FIRST", help="The earlier audit: its id, latest or previous.")]
Second = Annotated[str, typer.Argument(metavar="SECOND", help="The later audit: its id, latest or previous.")]


def resolve(ref: str, store: Store, history: Sequence[Audit], person: str) -> Audit:
    """An audit of `person` by id, or `latest` / `previous` among their finished ones (by date, then id); one
    clear error otherwise, and for the id of another person's audit."""
    check_ref(ref)
    if ref in ("latest", "previous"):
        index = -1 if ref == "latest" else -2
        if len(history) < -index:
            raise UsageError(f"there is no {ref} audit: {len(history)} finished audit(s) in {store.path}")
        return history[index]
    return store.load_audit_of(int(ref), person)


def check_ref(ref: str) -> None:
    if ref not in ("latest", "previous") and not ref.isdigit():
        raise UsageError(f"{ref!r} is not an audit id, latest or previous (see `auditor history`)")


def resolve_row(ref: str, store: Store, rows: Sequence[AuditRow], person: str) -> Audit:
    """`resolve` from the list of `person`'s finished audits' rows: only the audit named is read."""
    if ref in ("latest", "previous"):
        index = -1 if ref == "latest" else -2
        if len(rows) < -index:
            raise UsageError(f"there is no {ref} audit: {len(rows)} finished audit(s) in {store.path}")
        return store.load_audit(rows[index].id)
    return resolve(ref, store, (), person)


@app.command(short_help="Show what changed between two audits.")
def compare(
    first: First,
    second: Second,
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of text.")] = False,
) -> None:
    """What changed from audit FIRST to audit SECOND: results in and out of the top 10, moves, link-backs, scores."""
    from auditor.audit.workspace import person_config
    from auditor.report.changes import compute_changes
    from auditor.store import Store

    cfg = person_config(config, person)
    for ref in (first, second):  # a mistyped reference is named before any audit is looked up
        check_ref(ref)
    with Store.open(cfg.database_path, write=False) as store:
        rows = store.finished_rows(cfg.person.name)  # two audits are read, whatever the length of the history
        person = cfg.person.name
        for ref in (first, second):  # an id that does not exist is named before another person's is refused
            if ref.isdigit() and store.audit_person(int(ref)) is None:
                store.load_audit(int(ref))  # raises: no audit with that id
        before, after = resolve_row(first, store, rows, person), resolve_row(second, store, rows, person)
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
    print_table(
        ("score", str(before.as_of), str(after.as_of), "change"),
        [(s.component, _num(s.previous), _num(s.current), _num(s.delta, signed=True)) for s in changes.scores],
        title="Scores",
    )
    for title, moves in (
        ("Entered the top 10", changes.entered),
        ("Left the top 10", changes.left),
        ("Your results that moved", changes.moved),
    ):
        if moves:
            _print_moves(title, moves)
    if changes.linkbacks:
        rows = [
            (c.network, c.previous.value if c.previous else "-", c.current.value, c.kind) for c in changes.linkbacks
        ]
        print_table(("profile", "before", "now", "change"), rows, title="Link-backs")
    if changes.engines:
        engine_rows = [
            (e.name, e.previous.value if e.previous else "-", e.current.value if e.current else "-")
            for e in changes.engines
        ]
        print_table(("engine", "before", "now"), engine_rows, title="Engines")
    if changes.is_empty:
        out.print("Nothing changed.")


def _print_moves(title: str, moves: Sequence[ResultMove]) -> None:
    # Titles and URLs come from strangers' pages: print_table shows them as text, never as rich markup.
    rows = [
        (m.engine, m.query, _pos(m.previous_position), _pos(m.current_position), m.ownership.value, m.url, m.title)
        for m in moves
    ]
    print_table(("engine", "query", "before", "now", "whose", "url", "title"), rows, title=title, whole=(5,))


def _pos(value: int | None) -> str:
    return "-" if value is None else str(value)


def _num(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.1f}" if signed else f"{value:.1f}"


@app.command(short_help="Export every stored result as CSV or JSON.")
def export(
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    fmt: Annotated[str, typer.Option("--format", metavar="csv|json", help="The file format: csv or json.")] = "csv",
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
) -> None:
    """Every stored result, one row per result per audit (finished audits, oldest first)."""
    from auditor.audit.workspace import person_config
    from auditor.report.export import export_rows, to_csv, to_json
    from auditor.store import Store

    if fmt not in ("csv", "json"):
        raise UsageError(f"--format: expected csv or json, got {fmt!r}")
    if as_json:
        fmt = "json"
    cfg = person_config(config, person)
    with Store.open(cfg.database_path, write=False) as store:
        audits = store.finished_audits(cfg.person.name)
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


@app.command(short_help="Re-parse and re-score stored audits.")
def rescore(
    which: Annotated[str, typer.Argument(metavar="ID|latest|all", help="The audits: one id, latest, or all.")] = "all",
    config: ConfigOption = DEFAULT_CONFIG,
    person: PersonOption = None,
    lock_wait: LockWaitOption = DEFAULT_LOCK_WAIT,
    as_json: JsonOption = False,
) -> None:
    """Re-parse and re-score stored audits from their raw responses (after a parser fix or a scoring change)."""
    from auditor.audit.rescore import rescore as rescore_audits
    from auditor.audit.rescore import select
    from auditor.audit.workspace import person_config
    from auditor.store import Store

    cfg = person_config(config, person)
    with Store.open(cfg.database_path) as store, store.writing(lock_wait):
        done = rescore_audits(store, cfg, select(store, cfg, which))
        changed = [item.before for item in done if item.after is not None and item.after != item.before]
        # Still under the lock: the reports of the audits that changed, and of every later one (their
        # trends and "what changed" show the changed scores), and the index.
        rewritten = rewrite_reports(cfg, store, changed) if changed else []
    if as_json:
        print_json([_rescored(item.before, item.after, item.note) for item in done])
        return
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
    if rewritten:
        where = rewritten[0].index
        out.print(f"Rewrote {len(rewritten)} report(s) and the index: {where}", highlight=False, markup=False)
    else:
        out.print("No score changed: the reports stay as they are.", highlight=False, markup=False)


def rewrite_reports(cfg: Config, store: Store, since: Sequence[Audit]) -> list[ReportPaths]:
    """Write again the reports of `since` and of every later audit of the person, in `report.lang`."""
    from auditor.report.features import stored_thumbnails
    from auditor.report.html import chronological, scoring_info, write_reports

    history = store.finished_audits(cfg.person.name)
    first = min(chronological(a) for a in since)
    chosen = [a for a in history if chronological(a) >= first]
    return write_reports(
        chosen,
        history,
        reports_dir=cfg.reports_path,
        lang=cfg.report.lang,
        scoring=scoring_info(cfg),
        screenshots=stored_thumbnails(store),
    )


def _rescored(before: Audit, after: Audit | None, note: str) -> dict[str, object]:
    def state(audit: Audit) -> dict[str, object]:
        return {"status": audit.status.value, "overall": audit.scores.overall}

    return {
        "id": before.id,
        "as_of": before.as_of.isoformat(),
        "before": state(before),
        "after": state(after) if after is not None else None,
        "note": note or None,
    }
