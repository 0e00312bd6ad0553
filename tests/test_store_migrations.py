"""The history database's schema over time, and the files it refuses: newer, damaged, foreign, read-only."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest

from auditor.errors import StorageError
from auditor.store import MIGRATIONS, Store, migrate
from auditor.store import migrations as migrations_module
from tests.test_serialize import sample_audit

FIRST = MIGRATIONS[0]
ROOT = Path(__file__).resolve().parent.parent


def database_at_001(path: Path) -> None:
    """A database as the first released version left it: migration 001 only, one audit, raw rows."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    FIRST[1](db)
    db.execute("INSERT INTO _migrations VALUES (?, '2026-01-01T00:00:00+00:00')", (FIRST[0],))
    db.execute(
        "INSERT INTO audits (person, as_of, status, started_at, finished_at, overall, data)"
        " VALUES ('Émilie Tremblay', '2026-01-01', 'complete', 't', 't', 50.0, '{}')"
    )
    rows = [
        ("engine", "duckduckgo_html", "Émilie Tremblay", "https://html.duckduckgo.com/html/", b"page one"),
        ("engine", "searxng", "Émilie Tremblay", "https://searx.example/search?q=x", b"{}"),
        ("engine", "duckduckgo_html", "Émilie Tremblay", "https://html.duckduckgo.com/html/", b"page two"),
        ("profile", None, None, "https://github.com/etremblay", b"<html>gh</html>"),
        ("site", None, None, "https://emilietremblay.ca/", b"<html>site</html>"),
    ]
    for kind, engine, query, url, body in rows:
        db.execute(
            "INSERT INTO raw_responses (audit_id, kind, engine, query, url, status_code, fetched_at, body)"
            " VALUES (1, ?, ?, ?, ?, 200, 't', ?)",
            (kind, engine, query, url, zlib.compress(body)),
        )
    db.close()


def test_a_database_of_the_first_version_is_upgraded_and_keeps_its_history(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    database_at_001(path)
    with Store.open(path) as store:
        names = [row[0] for row in store.db.execute("SELECT name FROM _migrations ORDER BY name")]
        assert names == [name for name, _ in MIGRATIONS]
        (row,) = store.rows()
        assert (row.as_of, row.overall, row.engines) == (dt.date(2026, 1, 1), 50.0, ())
        records = store.raw_records(1)
    engine = [(r.engine, r.page, r.body) for r in records if r.kind == "engine"]
    # Pages are numbered in the order they were stored, per engine and query.
    assert engine == [
        ("duckduckgo_html", 1, b"page one"),
        ("searxng", 1, b"{}"),
        ("duckduckgo_html", 2, b"page two"),
    ]
    site = next(r for r in records if r.kind == "site")
    assert (site.subject, site.request_key, site.requested_url) == ("site", "site", "https://emilietremblay.ca/")
    assert records[0].request_key == "engine|duckduckgo_html|Émilie Tremblay|1"
    # Chains were not recorded then (migration 005): each reads as one hop from the URL asked to the final one.
    with Store.open(path, write=False) as store:
        assert all(row[0] is None for row in store.db.execute("SELECT redirects FROM raw_responses"))
    assert all(r.redirects == ((r.requested_url,) if r.url != r.requested_url else ()) for r in records)


def test_a_failing_migration_leaves_no_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrations_module, "MIGRATIONS", (*MIGRATIONS, ("003_broken", broken)))
    db = sqlite3.connect(tmp_path / "h.db", isolation_level=None)
    with pytest.raises(RuntimeError, match="power cut"):
        migrate(db)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables
    assert "audits" in tables  # the migrations before it were each committed on their own
    assert [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY name")] == [n for n, _ in MIGRATIONS]
    db.close()


def test_a_migration_applied_meanwhile_by_another_process_is_not_applied_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.db"
    Store.open(path).close()
    # This process read the list of applied migrations before the other one recorded the last.
    stale = {FIRST[0]}
    monkeypatch.setattr(migrations_module, "recorded", lambda db: stale)
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db) == []
    db.close()


def test_a_database_from_a_newer_version_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO _migrations VALUES ('999_from_the_future', '2030-01-01T00:00:00+00:00')")
    db.commit()
    db.close()
    before = path.read_bytes()
    for write in (True, False):
        with pytest.raises(StorageError, match="newer version of auditor") as caught:
            Store.open(path, write=write)
        assert str(path) in str(caught.value) and "999_from_the_future" in str(caught.value)
    assert path.read_bytes() == before


def _truncated_database(path: Path) -> None:
    with Store.open(path) as store:
        audit = sample_audit()
        for month in range(1, 7):
            audit_id = store.begin_audit(audit.person, dt.date(2026, month, 1))
            store.finish_audit(audit_id, audit)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    whole = path.read_bytes()
    assert len(whole) > 3 * 4096
    path.write_bytes(whole[: len(whole) // 2])


@pytest.mark.parametrize("damage", ["text", "truncated", "foreign"])
def test_a_damaged_or_foreign_file_is_refused_and_never_written(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "h.db"
    if damage == "text":
        path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    elif damage == "truncated":
        _truncated_database(path)
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE recipes (name TEXT)")
        db.commit()
        db.close()
    before = path.read_bytes()
    for write in (True, False):
        with pytest.raises(StorageError, match="not a usable auditor database") as caught:
            Store.open(path, write=write)
        assert str(path) in str(caught.value)
        assert "backup" in str(caught.value)
    assert path.read_bytes() == before


def test_a_directory_in_place_of_the_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.mkdir()
    with pytest.raises(StorageError, match="not a usable auditor database"):
        Store.open(path)


def test_reading_a_missing_database_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "nothing.db"
    with pytest.raises(StorageError, match="no audit history here yet"):
        Store.open(path, write=False)
    assert not path.exists()


def test_a_read_only_database_is_read_but_never_written(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with Store.open(path) as store:
        audit_id = store.begin_audit(sample_audit().person, dt.date(2026, 3, 1))
        store.finish_audit(audit_id, sample_audit())
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = path.read_bytes()
    try:
        # Refused even when running as root, who could write it anyway: read-only was someone's decision.
        with pytest.raises(StorageError, match="read-only"):
            Store.open(path)
        with Store.open(path, write=False) as reader:
            assert [a.id for a in reader.finished_audits()] == [audit_id]
            # The store opened read-only maps SQLite's own refusal to the same clear error (whoever runs it).
            with pytest.raises(StorageError, match="read-only"):
                reader.begin_audit("Someone", dt.date(2026, 4, 1))
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before


UNPRIVILEGED_CHECK = """
import sys
from pathlib import Path
from auditor.errors import StorageError
from auditor.store import Store
for name in sys.argv[1:]:
    try:
        Store.open(Path(name)).close()
        print(name, "opened")
    except StorageError as exc:
        print(name, "refused:", exc)
    with Store.open(Path(name), write=False) as reader:
        print(name, "read", len(reader.rows()))
"""


def test_an_unprivileged_user_gets_one_clear_error_for_a_database_it_cannot_write() -> None:
    """Permissions as an ordinary user meets them: run as `nobody` when the tests run as root (as CI does)."""
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        # util-linux's setpriv is on every Debian system, CI's included: without it this test cannot mean what
        # it says, so it fails rather than passing or skipping quietly.
        assert setpriv is not None, "running as root needs setpriv (util-linux) to drop privileges"
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    else:
        prefix = []
    # Not under pytest's tmp_path: its parent directory is private to the user running the tests.
    with tempfile.TemporaryDirectory(prefix="auditor-perm-") as name:
        _check_as(prefix, Path(name))


def _check_as(prefix: list[str], shared: Path) -> None:
    locked_dir = shared / "locked"
    locked_dir.mkdir()
    paths = [shared / "readonly-file.db", locked_dir / "in-readonly-directory.db"]
    for path in paths:
        Store.open(path).close()
    paths[0].chmod(0o444)
    paths[1].chmod(0o666)
    locked_dir.chmod(0o555)
    shared.chmod(0o777)
    before = [p.read_bytes() for p in paths]
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", UNPRIVILEGED_CHECK, *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            check=False,
        )
    finally:
        locked_dir.chmod(0o755)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"{paths[0]} refused: {paths[0]}: the database is read-only (the file has no write permission)" in lines[0]
    assert "read-only (its directory is not writable" in lines[2]
    assert lines[1] == f"{paths[0]} read 0" and lines[3] == f"{paths[1]} read 0"
    assert [p.read_bytes() for p in paths] == before
