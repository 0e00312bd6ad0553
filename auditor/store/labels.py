"""The `labels` table (migration 004): the user's `me` / `not-me` decisions, per person.

Reads tolerate a database opened read-only that predates the table (`auditor classify` on an old history):
no table means no label yet.
"""

from __future__ import annotations

import sqlite3

from auditor.identify.labels import Decision, Label
from auditor.store.database import Store
from auditor.store.migrations import now


def _no_table(exc: sqlite3.OperationalError) -> bool:
    return "no such table" in str(exc)


def list_labels(store: Store, person: str) -> list[Label]:
    """Every label of `person`, oldest first."""
    try:
        rows = store.db.execute(
            "SELECT normalized_url, person, decision, created_at FROM labels WHERE person = ?"
            " ORDER BY created_at, normalized_url",
            (person,),
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if _no_table(exc):
            return []
        raise
    return [Label(row[0], row[1], Decision(row[2]), row[3]) for row in rows]


def load_labels(store: Store, person: str) -> dict[str, Decision]:
    """normalised URL -> decision, what an audit of `person` applies."""
    return {label.normalized_url: label.decision for label in list_labels(store, person)}


def save_label(store: Store, person: str, normalized_url: str, decision: Decision) -> Decision | None:
    """Store (or replace) one decision; returns the decision it replaced, if any."""
    # The store's one write path: a transaction that turns SQLite's read-only and busy errors into one line.
    with store._transaction() as db:
        row = db.execute(
            "SELECT decision FROM labels WHERE person = ? AND normalized_url = ?", (person, normalized_url)
        ).fetchone()
        db.execute(
            "INSERT OR REPLACE INTO labels (person, normalized_url, decision, created_at) VALUES (?, ?, ?, ?)",
            (person, normalized_url, decision.value, now()),
        )
    return Decision(row[0]) if row is not None else None


def remove_label(store: Store, person: str, normalized_url: str) -> Decision | None:
    """Forget one decision; returns it, or None when there was none."""
    with store._transaction() as db:
        row = db.execute(
            "SELECT decision FROM labels WHERE person = ? AND normalized_url = ?", (person, normalized_url)
        ).fetchone()
        db.execute("DELETE FROM labels WHERE person = ? AND normalized_url = ?", (person, normalized_url))
    return Decision(row[0]) if row is not None else None
