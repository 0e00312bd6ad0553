"""The history database: every audit, its raw responses (compressed), guarded against misuse.

WAL keeps readers off the writer's back; every write is one transaction, so a process killed at any point
leaves the file intact and the audit it was writing marked `incomplete`; a lock file keeps two audits of
one database from interleaving. A database that is damaged, foreign, newer than this version or read-only
is refused with one line before anything is written to it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from auditor.errors import DatabaseBusy, StorageError, UsageError
from auditor.models import Audit, AuditStatus
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Request
from auditor.store.migrations import NewerDatabase, check_not_newer, migrate, now
from auditor.store.raw import (
    RawRecord,
    headers_from_json,
    headers_to_json,
    kept_headers,
    redirects_from_json,
    redirects_to_json,
    request_key,
    safe_url,
    scrub_body,
    scrub_text,
    stored_redirects,
)
from auditor.store.screenshots import Screenshot, load_screenshots, save_screenshot
from auditor.store.serialize import from_data, to_data

DEFAULT_LOCK_WAIT = 5.0
"""Seconds a second audit waits for the first to end before giving up (`--lock-wait`, AUDITOR_LOCK_WAIT)."""


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
    engines: tuple[str, ...] = ()
    """The engines the audit set out to ask; empty for audits stored before migration 002."""
    rescored_at: str | None = None


@dataclass(frozen=True)
class ScorePoint:
    """One finished audit's scores and where each configured profile ranked: what the trends are made of."""

    id: int
    as_of: dt.date
    status: AuditStatus
    scores: Mapping[str, float | None]
    """Every score component of the audit by name (`overall`, `visibility` ...); None where unmeasured."""
    positions: Mapping[str, int | None]
    """Each checked profile's best position over every engine and query; None where it did not rank."""


class Store:
    """The history database. Open with `Store.open(path)`; use `writing()` around anything that writes."""

    def __init__(self, db: sqlite3.Connection, path: Path, *, writable: bool = True) -> None:
        self.db = db
        self.path = path
        self.writable = writable

    @classmethod
    def open(cls, path: Path, *, write: bool = True) -> Store:
        """Open for writing (created when missing), or with `write=False` read-only (it must exist)."""
        try:
            why = _not_writable(path) if write else ""
            missing = not path.exists()
            is_dir = path.is_dir()
        except OSError as exc:
            raise StorageError(f"{path}: cannot open the database ({exc.strerror or exc})") from None
        if why:
            raise StorageError(
                f"{path}: the database is read-only ({why}); nothing can be stored in it",
                tip="make it writable again (chmod u+w), or set storage.database to another file",
            )
        if missing and not write:
            raise StorageError(f"{path}: no audit history here yet; run `auditor audit` first")
        if is_dir:
            raise _unusable(path, "it is a directory")
        try:
            if write:
                path.parent.mkdir(parents=True, exist_ok=True)
            db = _connect(path, write=write)
        except OSError as exc:
            raise StorageError(f"{path}: cannot open the database ({exc.strerror or exc})") from None
        except sqlite3.Error as exc:
            raise StorageError(f"{path}: cannot open the database ({exc})") from None
        try:
            _check_usable(db, path)
            if write:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA foreign_keys=ON")
                migrate(db)
            else:
                check_not_newer(db)
        except NewerDatabase as exc:
            db.close()
            raise StorageError(f"{path}: {exc}", tip=exc.tip) from None
        except sqlite3.OperationalError as exc:
            db.close()
            raise _write_error(path, exc) from None
        except sqlite3.DatabaseError as exc:
            db.close()
            raise _unusable(path, str(exc)) from None
        except BaseException:
            db.close()  # a refused database is not left open (and locked, on some systems)
            raise
        return cls(db, path, writable=write)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def writing(self, wait: float = DEFAULT_LOCK_WAIT) -> Iterator[None]:
        """Hold the database's audit lock; a second writer waits `wait` seconds, then gives up clearly."""
        if not self.writable:
            raise StorageError(f"{self.path}: opened read-only; nothing can be written to it")
        from filelock import FileLock, Timeout  # here: a command that only reads never loads it

        lock = FileLock(str(self.path) + ".lock")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise DatabaseBusy(
                f"{self.path}: another audit is running on this database (waited {wait:g} s); try again when it ends"
            ) from None
        except OSError as exc:
            raise StorageError(f"{self.path}: cannot take the database's lock ({exc.strerror or exc})") from None
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise _write_error(self.path, exc) from None

    # -- audits --------------------------------------------------------------------------------------------

    def begin_audit(self, person: str, as_of: dt.date, engines: Sequence[str] = ()) -> int:
        """A new audit row, `incomplete` until `finish_audit`: a crash in between leaves it so."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO audits (person, as_of, status, started_at, engines) VALUES (?, ?, ?, ?, ?)",
                (person, as_of.isoformat(), AuditStatus.INCOMPLETE.value, now(), json.dumps(list(engines))),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_audit(self, audit_id: int, audit: Audit) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE audits SET status = ?, finished_at = ?, overall = ?, data = ? WHERE id = ?",
                (audit.status.value, now(), audit.scores.overall, json.dumps(to_data(audit)), audit_id),
            )

    def replace_audit(self, audit_id: int, audit: Audit) -> None:
        """A finished audit's scores, recommendations and results, rebuilt by `rescore`; raw responses stay."""
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE audits SET status = ?, overall = ?, data = ?, rescored_at = ?"
                " WHERE id = ? AND data IS NOT NULL",
                (audit.status.value, audit.scores.overall, json.dumps(to_data(audit)), now(), audit_id),
            ).rowcount
            if updated != 1:
                raise StorageError(f"audit {audit_id} is not a finished audit in {self.path}")

    def load_audit(self, audit_id: int) -> Audit:
        row = self.db.execute("SELECT id, data, status FROM audits WHERE id = ?", (audit_id,)).fetchone()
        if row is None:
            raise StorageError(f"no audit with id {audit_id} in {self.path} (see `auditor history`)")
        if row["data"] is None:
            raise StorageError(f"audit {audit_id} is {row['status']}: it did not finish and has no results")
        return _with_id(from_data(Audit, json.loads(row["data"])), row["id"])

    def finished_audits(self, person: str | None = None) -> list[Audit]:
        """Every finished audit (of `person`), oldest first by `as_of` (incomplete ones are never returned)."""
        sql = "SELECT id, data FROM audits WHERE data IS NOT NULL AND status != ?"
        args: list[object] = [AuditStatus.INCOMPLETE.value]
        if person is not None:
            sql += " AND person = ?"
            args.append(person)
        rows = self.db.execute(sql + " ORDER BY as_of, id", args).fetchall()
        return [_with_id(from_data(Audit, json.loads(row["data"])), row["id"]) for row in rows]

    def rows(self, person: str | None = None) -> list[AuditRow]:
        """Every audit (of `person`), by date then id, incomplete ones included."""
        if person is None:
            return [_audit_row(row) for row in self.db.execute("SELECT * FROM audits ORDER BY as_of, id")]
        rows = self.db.execute("SELECT * FROM audits WHERE person = ? ORDER BY as_of, id", (person,))
        return [_audit_row(row) for row in rows]

    def audit_person(self, audit_id: int) -> str | None:
        """Whose audit `audit_id` is; None when there is no such audit."""
        row = self.db.execute("SELECT person FROM audits WHERE id = ?", (audit_id,)).fetchone()
        return None if row is None else str(row["person"])

    def load_audit_of(self, audit_id: int, person: str) -> Audit:
        """`load_audit`, refused with one line when the audit is another person's: a database shared by
        several people shows each config only its own person's audits."""
        whose = self.audit_person(audit_id)
        if whose is not None and whose != person:
            raise UsageError(f"audit {audit_id} is of {whose}, not of {person} (this config's person)")
        return self.load_audit(audit_id)

    def finished_rows(self, person: str) -> list[AuditRow]:
        """`finished_audits` without their data: what a command needs to pick audits and read their overall
        score, at the cost of one small row each whatever the length of the history."""
        rows = self.db.execute(
            "SELECT * FROM audits WHERE data IS NOT NULL AND status != ? AND person = ? ORDER BY as_of, id",
            (AuditStatus.INCOMPLETE.value, person),
        )
        return [_audit_row(row) for row in rows]

    def score_points(self, person: str) -> list[ScorePoint]:
        """The scores and profile positions of every finished audit of `person`, oldest first. SQLite picks
        them out of each stored audit, so nothing else of it is decoded."""
        rows = self.db.execute(
            "SELECT id, as_of, status, json_extract(data, '$.scores') AS scores,"
            " (SELECT json_group_object(json_extract(p.value, '$.network'), json_extract(p.value, '$.best_position'))"
            "  FROM json_each(audits.data, '$.profiles') AS p) AS positions"
            " FROM audits WHERE data IS NOT NULL AND status != ? AND person = ? ORDER BY as_of, id",
            (AuditStatus.INCOMPLETE.value, person),
        )
        return [
            ScorePoint(
                row["id"],
                dt.date.fromisoformat(row["as_of"]),
                AuditStatus(row["status"]),
                {k: v for k, v in json.loads(row["scores"] or "{}").items() if not isinstance(v, dict)},
                json.loads(row["positions"] or "{}"),
            )
            for row in rows
        ]

    def incomplete_audit(self, person: str) -> AuditRow | None:
        """The most recently started audit of `person` that never finished (the one `--resume` finishes)."""
        row = self.db.execute(
            "SELECT * FROM audits WHERE person = ? AND status = ? ORDER BY id DESC LIMIT 1",
            (person, AuditStatus.INCOMPLETE.value),
        ).fetchone()
        return _audit_row(row) if row is not None else None

    # -- raw responses -------------------------------------------------------------------------------------

    def save_raw(self, audit_id: int, asked: Request, fetched: Fetched, secrets: Iterable[str] = ()) -> None:
        """Keep one answer (or failure) of an audit, filed under what was `asked`, compressed, with secrets
        redacted (see store.raw)."""
        secrets = tuple(secrets)
        values = {
            "audit_id": audit_id,
            "kind": asked.kind,
            "engine": asked.engine,
            "query": asked.query,
            "url": safe_url(fetched.url or fetched.requested_url or asked.asked, secrets),
            "status_code": fetched.status_code,
            "fetched_at": now(),
            "body": zlib.compress(scrub_body(fetched.body, secrets)),
            "page": asked.page,
            "subject": asked.subject,
            "request_key": request_key(
                asked.kind, engine=asked.engine, query=asked.query, page=asked.page, subject=asked.subject
            ),
            "requested_url": safe_url(fetched.requested_url or asked.asked, secrets),
            "headers": headers_to_json(kept_headers(fetched.headers, secrets)),
            "error": scrub_text(fetched.error, secrets) or None,
            "attempts": fetched.attempts,
            "redirects": redirects_to_json(fetched.redirects, secrets),
        }
        columns = ", ".join(values)
        with self._transaction() as db:
            cursor = db.execute(
                f"INSERT INTO raw_responses ({columns}) VALUES ({', '.join(':' + c for c in values)})", values
            )
            if fetched.screenshot or fetched.screenshot_error:
                save_screenshot(db, cursor.lastrowid, values, fetched, secrets)

    def raw_records(self, audit_id: int) -> list[RawRecord]:
        """Every stored response of one audit, in the order they were stored."""
        rows = self.db.execute("SELECT * FROM raw_responses WHERE audit_id = ? ORDER BY id", (audit_id,))
        return [
            RawRecord(
                id=row["id"],
                kind=row["kind"],
                url=row["url"],
                status_code=row["status_code"],
                body=zlib.decompress(row["body"]) if row["body"] else b"",
                engine=row["engine"],
                query=row["query"],
                page=row["page"],
                subject=row["subject"],
                requested_url=row["requested_url"] or row["url"],
                headers=headers_from_json(row["headers"]),
                error=row["error"] or "",
                request_key=row["request_key"] or "",
                attempts=row["attempts"],
                redirects=stored_redirects(
                    redirects_from_json(row["redirects"]), row["requested_url"] or row["url"], row["url"]
                ),
            )
            for row in rows
        ]

    def screenshots(self, audit_id: int) -> list[Screenshot]:
        """The pictures of an audit's results pages (and why any is missing), in the order they were taken."""
        return load_screenshots(self.db, audit_id)

    def engine_requests_since(self, engine: str, since: dt.datetime) -> int:
        """Requests sent to `engine` by audits started at or after `since`: what counts against its monthly
        budget. Every attempt that reached the wire counts, retries included (a retried 429 or 503 may well be
        billed); rows stored before migration 003 know no attempts and count one per answer, as they did."""
        stamp = since.astimezone(dt.UTC).isoformat(timespec="seconds")
        row = self.db.execute(
            "SELECT coalesce(sum(CASE WHEN r.attempts IS NOT NULL THEN r.attempts"
            " WHEN r.status_code IS NOT NULL THEN 1 ELSE 0 END), 0)"
            " FROM raw_responses AS r JOIN audits AS a ON a.id = r.audit_id"
            " WHERE r.kind = 'engine' AND r.engine = ? AND a.started_at >= ?",
            (engine, stamp),
        ).fetchone()
        return int(row[0])


def _connect(path: Path, *, write: bool) -> sqlite3.Connection:
    if write:
        db = sqlite3.connect(path, isolation_level=None, timeout=10)
    else:
        uri = "file:" + quote(str(path.resolve()))
        db = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None, timeout=10)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A WAL database in a directory this user cannot write: its shared-memory file cannot be made.
            # The file is then read as it stands, which is what a read-only history is.
            db.close()
            db = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, isolation_level=None)
        except sqlite3.DatabaseError:
            pass  # a damaged file: `_check_usable` says so
    db.row_factory = sqlite3.Row
    return db


def _check_usable(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged or foreign file before anything is written to it (reads only)."""
    try:
        result = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise _unusable(path, str(exc)) from None
    if result != ["ok"]:
        raise _unusable(path, f"integrity check: {result[0] if result else 'no answer'}")
    if tables and "_migrations" not in tables:
        raise _unusable(path, f"it is another program's SQLite database (tables: {', '.join(sorted(tables)[:3])})")


def _unusable(path: Path, detail: str) -> StorageError:
    return StorageError(
        f"{path}: not a usable auditor database ({detail}); restore it from a backup or point storage.database "
        "elsewhere (auditor leaves this file as it is)"
    )


def _write_error(path: Path, exc: sqlite3.OperationalError) -> StorageError:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return StorageError(
            f"{path}: the database is read-only ({text}); nothing can be stored in it",
            tip="make it and its directory writable, or set storage.database to another file",
        )
    if "locked" in text or "busy" in text:
        return DatabaseBusy(f"{path}: the database is busy ({text}); try again when the other process ends")
    return StorageError(f"{path}: cannot write the database ({text})")


def _not_writable(path: Path) -> str:
    """Why an existing database cannot be written, or "" when it can.

    A file without write permission is treated as read-only even for root, who could write it anyway:
    someone made it read-only on purpose (a history kept safe), and root running the tool should not undo that.
    """
    if path.is_file():
        if not stat.S_IMODE(path.stat().st_mode) & 0o222 or not os.access(path, os.W_OK):
            return "the file has no write permission"
        if not os.access(path.parent, os.W_OK):
            return "its directory is not writable, so its journal and lock cannot be made"
    return ""


def _audit_row(row: sqlite3.Row) -> AuditRow:
    keys = row.keys()
    engines = json.loads(row["engines"]) if "engines" in keys and row["engines"] else []
    return AuditRow(
        row["id"],
        row["person"],
        dt.date.fromisoformat(row["as_of"]),
        AuditStatus(row["status"]),
        row["overall"],
        row["started_at"],
        row["finished_at"],
        tuple(str(e) for e in engines),
        row["rescored_at"] if "rescored_at" in keys else None,
    )


def _with_id(audit: Audit, audit_id: int) -> Audit:
    return replace(audit, id=audit_id)
