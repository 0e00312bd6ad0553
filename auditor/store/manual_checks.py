"""The `manual_checks` table (migration 006): the user's own checks of profiles (`auditor confirm`), per person.

Reads tolerate a database opened read-only that predates the table: no table means no check yet.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from auditor.store.database import Store
from auditor.verify.manual import CheckState, ManualCheck


def list_checks(store: Store, person: str) -> list[ManualCheck]:
    """Every check of `person`, oldest first."""
    try:
        rows = store.db.execute(
            "SELECT normalized_url, state, checked_on FROM manual_checks WHERE person = ?"
            " ORDER BY checked_on, normalized_url",
            (person,),
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    return [ManualCheck(row[0], CheckState(row[1]), dt.date.fromisoformat(row[2])) for row in rows]


def save_check(store: Store, person: str, check: ManualCheck) -> ManualCheck | None:
    """Store (or replace) the check of one profile; returns the one it replaced, if any."""
    with store._transaction() as db:  # the store's one write path (read-only and busy errors in one line)
        before = _get(db, person, check.normalized_url)
        db.execute(
            "INSERT OR REPLACE INTO manual_checks (person, normalized_url, state, checked_on) VALUES (?, ?, ?, ?)",
            (person, check.normalized_url, check.state.value, check.checked_on.isoformat()),
        )
    return before


def remove_check(store: Store, person: str, normalized_url: str) -> ManualCheck | None:
    """Forget the check of one profile; returns it, or None when there was none."""
    with store._transaction() as db:
        before = _get(db, person, normalized_url)
        db.execute("DELETE FROM manual_checks WHERE person = ? AND normalized_url = ?", (person, normalized_url))
    return before


def _get(db: sqlite3.Connection, person: str, normalized_url: str) -> ManualCheck | None:
    row = db.execute(
        "SELECT normalized_url, state, checked_on FROM manual_checks WHERE person = ? AND normalized_url = ?",
        (person, normalized_url),
    ).fetchone()
    return ManualCheck(row[0], CheckState(row[1]), dt.date.fromisoformat(row[2])) if row is not None else None
