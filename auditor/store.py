"""SQLite history: every audit, its raw responses (compressed), and the migrations that shaped the schema.

Migrations are named functions recorded in a table, each applied in its own transaction (sqlite-utils'
`Migrations` pattern). WAL keeps readers off the writer's back; a lock file keeps two audits of one
database from interleaving.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from filelock import FileLock, Timeout

from auditor.errors import DatabaseBusy, StorageError
from auditor.models import Audit, AuditStatus
from auditor.serialize import from_data, to_data

Migration = Callable[[sqlite3.Connection], None]


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


MIGRATIONS: tuple[tuple[str, Migration], ...] = (("001_audits_and_raw_responses", _m001_audits_and_raw_responses),)


@dataclass(frozen=True)
class AuditRow:
    """One line of `auditor history`."""

    id: int
    person: str
    as_of: dt.date
    status: AuditStatus
    overall: float | None
    started_at: str
    finished_at: str | None


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
    except BaseException:
        db.close()  # a refused database is not left open (and locked, on some systems)
        raise
    return db


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, each atomically. Returns the names applied."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    known = {name for name, _ in MIGRATIONS}
    unknown = sorted(done - known)
    if unknown:
        raise StorageError(
            f"the database was written by a newer version of auditor (migration {unknown[0]}); upgrade auditor"
        )
    applied = []
    for name, migration in MIGRATIONS:
        if name in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            migration(db)
            db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, _now()))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        applied.append(name)
    return applied


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """The history database. Open with `Store.open(path)`; use `writing()` around an audit."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = _connect(path)
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{path}: not a usable auditor database ({exc})") from None
        except OSError as exc:
            raise StorageError(f"{path}: cannot open the database ({exc.strerror})") from None
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def writing(self, wait: float = 5.0) -> Iterator[None]:
        """Hold the database's audit lock; a second audit waits `wait` seconds, then gives up clearly."""
        lock = FileLock(str(self.path) + ".lock")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise DatabaseBusy(
                f"{self.path}: another audit is running on this database; try again when it ends"
            ) from None
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def begin_audit(self, person: str, as_of: dt.date) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO audits (person, as_of, status, started_at) VALUES (?, ?, ?, ?)",
                (person, as_of.isoformat(), AuditStatus.INCOMPLETE.value, _now()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def save_raw(
        self, audit_id: int, *, kind: str, url: str, status_code: int | None, body: bytes,
        engine: str | None = None, query: str | None = None,
    ) -> None:  # fmt: skip
        with self._transaction() as db:
            db.execute(
                "INSERT INTO raw_responses (audit_id, kind, engine, query, url, status_code, fetched_at, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (audit_id, kind, engine, query, url, status_code, _now(), zlib.compress(body)),
            )

    def finish_audit(self, audit_id: int, audit: Audit) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE audits SET status = ?, finished_at = ?, overall = ?, data = ? WHERE id = ?",
                (audit.status.value, _now(), audit.scores.overall, json.dumps(to_data(audit)), audit_id),
            )

    def load_audit(self, audit_id: int) -> Audit:
        row = self.db.execute("SELECT id, data, status FROM audits WHERE id = ?", (audit_id,)).fetchone()
        if row is None:
            raise StorageError(f"no audit with id {audit_id} in {self.path}")
        if row["data"] is None:
            raise StorageError(f"audit {audit_id} is {row['status']}: it did not finish and has no results")
        audit = from_data(Audit, json.loads(row["data"]))
        return _with_id(audit, row["id"])

    def finished_audits(self, person: str) -> list[Audit]:
        """Every finished audit of `person`, oldest first by `as_of` (incomplete ones are never returned)."""
        rows = self.db.execute(
            "SELECT id, data FROM audits WHERE person = ? AND data IS NOT NULL AND status != ? ORDER BY as_of, id",
            (person, AuditStatus.INCOMPLETE.value),
        ).fetchall()
        return [_with_id(from_data(Audit, json.loads(row["data"])), row["id"]) for row in rows]

    def rows(self) -> list[AuditRow]:
        return [
            AuditRow(
                row["id"],
                row["person"],
                dt.date.fromisoformat(row["as_of"]),
                AuditStatus(row["status"]),
                row["overall"],
                row["started_at"],
                row["finished_at"],
            )
            for row in self.db.execute("SELECT * FROM audits ORDER BY as_of, id")
        ]


def _with_id(audit: Audit, audit_id: int) -> Audit:
    return replace(audit, id=audit_id)
