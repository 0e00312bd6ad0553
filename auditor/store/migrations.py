"""Schema migrations: named functions recorded in `_migrations`, each applied in its own transaction
(sqlite-utils' `Migrations` pattern).

A migration that has shipped is never edited: the next change is a new function at the end of `MIGRATIONS`.
A database that records a migration this version does not know was written by a newer auditor; it is
refused before anything is written to it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

from auditor.errors import StorageError

Migration = Callable[[sqlite3.Connection], None]


class NewerDatabase(StorageError):
    """The database records migrations this version of auditor does not know."""


def _m001_audits_and_raw_responses(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE audits (
            id INTEGER PRIMARY KEY,
            person TEXT NOT NULL,
            as_of TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            overall REAL,
            data TEXT
        )"""
    )
    db.execute("CREATE INDEX audits_person_as_of ON audits (person, as_of)")
    db.execute(
        """CREATE TABLE raw_responses (
            id INTEGER PRIMARY KEY,
            audit_id INTEGER NOT NULL REFERENCES audits(id),
            kind TEXT NOT NULL,
            engine TEXT,
            query TEXT,
            url TEXT NOT NULL,
            status_code INTEGER,
            fetched_at TEXT NOT NULL,
            body BLOB
        )"""
    )
    db.execute("CREATE INDEX raw_responses_audit ON raw_responses (audit_id)")


def _m002_replayable_raw_responses(db: sqlite3.Connection) -> None:
    """What a replay (rescore, resume) needs beside the body: which request it answered, the headers parsers
    read, and the failures (a page that never answered must replay as a failure, not as a missing page)."""
    for column in (
        "page INTEGER",  # engine responses: 1-based page within the query
        "subject TEXT",  # profile responses: the profile's key in the config; `site` for the site
        "request_key TEXT",  # one request of the plan: a later row with the same key supersedes
        "requested_url TEXT",  # secrets redacted; `url` stays the final URL after redirects
        "headers TEXT",  # JSON: only the response headers parsers read, secret-bearing values removed
        "error TEXT",  # set when no response came (timeout, refused, too large ...); body is then empty
    ):
        db.execute(f"ALTER TABLE raw_responses ADD COLUMN {column}")
    db.execute("ALTER TABLE audits ADD COLUMN engines TEXT")  # JSON list: the engines the audit set out to ask
    db.execute("ALTER TABLE audits ADD COLUMN rescored_at TEXT")
    # Rows written before this migration: pages were stored in the order they were fetched. (A correlated
    # subquery rather than UPDATE ... FROM, which needs SQLite 3.33.)
    db.execute(
        """UPDATE raw_responses SET page = (
               SELECT count(*) FROM raw_responses AS earlier
               WHERE earlier.audit_id = raw_responses.audit_id AND earlier.kind = 'engine'
                 AND earlier.engine IS raw_responses.engine AND earlier.query IS raw_responses.query
                 AND earlier.id <= raw_responses.id)
           WHERE kind = 'engine'"""
    )
    db.execute("UPDATE raw_responses SET subject = 'site' WHERE kind = 'site'")
    db.execute("UPDATE raw_responses SET requested_url = url")
    db.execute(
        """UPDATE raw_responses SET request_key = CASE kind
               WHEN 'engine' THEN 'engine|' || engine || '|' || query || '|' || page
               WHEN 'site' THEN 'site'
               ELSE kind || '|' || url END"""
    )
    db.execute("CREATE INDEX raw_responses_request ON raw_responses (audit_id, request_key)")


def _m003_request_attempts(db: sqlite3.Connection) -> None:
    """How many requests each stored response took on the wire (retries and redirect hops included), so that
    budgets count what was sent, not pages (issue 8). NULL for older rows: one per answered row, as before."""
    db.execute("ALTER TABLE raw_responses ADD COLUMN attempts INTEGER")


def _m004_labels(db: sqlite3.Connection) -> None:
    """The user's decisions on results, `me` or `not-me` (`auditor label`; issue 4), applied by every later
    audit and rescore. Keyed by person too: one database may hold several people's history, and one
    namesake's page can be "not me" for each of them."""
    db.execute(
        """CREATE TABLE labels (
            person TEXT NOT NULL,
            normalized_url TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('me', 'not-me')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (person, normalized_url)
        )"""
    )


def _m005_redirect_chains(db: sqlite3.Connection) -> None:
    """The redirect chain of a followed link (JSON list of the URLs visited before the final one, secrets
    redacted), so that a replay still sees a link reach the site through a shortener or a former domain.
    NULL where it was not recorded (older rows, and responses whose chain no replay reads)."""
    db.execute("ALTER TABLE raw_responses ADD COLUMN redirects TEXT")


def _m006_manual_checks(db: sqlite3.Connection) -> None:
    """The user's own checks of profiles the auditor cannot see (`auditor confirm`; issue 14): whether the
    profile links to the site, and the day they looked. Per person, as labels are."""
    db.execute(
        """CREATE TABLE manual_checks (
            person TEXT NOT NULL,
            normalized_url TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('linked', 'not-linked')),
            checked_on TEXT NOT NULL,
            PRIMARY KEY (person, normalized_url)
        )"""
    )


def _m007_screenshots(db: sqlite3.Connection) -> None:
    """The browser engines' results pages as pictures (issue 17): evidence of what the page showed, kept
    beside the raw response they belong to, and the reason when a picture could not be taken or kept.
    A table of its own, so that reading raw responses for a rescore never loads pictures."""
    db.execute(
        """CREATE TABLE screenshots (
            raw_id INTEGER PRIMARY KEY REFERENCES raw_responses(id),
            audit_id INTEGER NOT NULL REFERENCES audits(id),
            engine TEXT,
            query TEXT,
            page INTEGER,
            png BLOB,
            width INTEGER,
            height INTEGER,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX screenshots_audit ON screenshots (audit_id)")


MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("001_audits_and_raw_responses", _m001_audits_and_raw_responses),
    ("002_replayable_raw_responses", _m002_replayable_raw_responses),
    ("003_request_attempts", _m003_request_attempts),
    ("004_labels", _m004_labels),
    ("005_redirect_chains", _m005_redirect_chains),
    ("006_manual_checks", _m006_manual_checks),
    ("007_screenshots", _m007_screenshots),
)


def recorded(db: sqlite3.Connection) -> set[str]:
    """The migrations the database records; empty for a database that has none (read without writing)."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").fetchone()
    return {row[0] for row in db.execute("SELECT name FROM _migrations")} if exists else set()


def check_not_newer(db: sqlite3.Connection) -> None:
    unknown = sorted(recorded(db) - {name for name, _ in MIGRATIONS})
    if unknown:
        raise NewerDatabase(
            f"the database was written by a newer version of auditor (it records migration {unknown[-1]})",
            tip="upgrade auditor to read it; this version leaves it untouched",
        )


def pending(db: sqlite3.Connection) -> list[str]:
    done = recorded(db)
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, each atomically. Returns the names applied."""
    check_not_newer(db)
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = recorded(db)
    applied = []
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have applied it while this one waited for the write lock.
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone() is None:
                migration(db)
                db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, now()))
                applied.append(name)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return applied


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
