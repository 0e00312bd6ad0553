"""A long history for the read-back benchmarks: the demo's six audits repeated month after month."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path


def grow_history(source: Path, target: Path, months: int) -> None:
    """Copy the database at `source` to `target` holding `months` monthly audits of the same person.

    The demo's audits are repeated in order, each copy dated one month after the one before, the newest
    on the source's newest date: the history reads as `months` real months of the same person.
    """
    shutil.copyfile(source, target)
    db = sqlite3.connect(target)
    try:
        rows = db.execute(
            "SELECT person, status, started_at, finished_at, overall, data, engines FROM audits"
            " WHERE data IS NOT NULL ORDER BY as_of, id"
        ).fetchall()
        newest = dt.date.fromisoformat(json.loads(rows[-1][5])["as_of"])
        db.execute("DELETE FROM raw_responses")
        db.execute("DELETE FROM audits")
        for index in range(months):
            person, status, started, finished, overall, data, engines = rows[(index - months) % len(rows)]
            as_of = _months_before(newest, months - 1 - index)
            document = json.loads(data)
            document["as_of"] = as_of.isoformat()
            db.execute(
                "INSERT INTO audits (person, as_of, status, started_at, finished_at, overall, data, engines)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (person, as_of.isoformat(), status, started, finished, overall, json.dumps(document), engines),
            )
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)
