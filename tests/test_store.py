"""The SQLite history: migrations, WAL, audits round-trip, the audit lock, compressed raw responses."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from auditor.audit.runner import config_secrets
from auditor.config import parse_config
from auditor.errors import DatabaseBusy, StorageError
from auditor.models import AuditStatus, Scores
from auditor.store import MIGRATIONS, Store, migrate
from tests.recording import filed
from tests.test_serialize import sample_audit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.db") as opened:
        yield opened


def test_migrations_are_recorded(store: Store) -> None:
    names = [row[0] for row in store.db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == [name for name, _ in MIGRATIONS]
    tables = {row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"audits", "raw_responses", "_migrations"} <= tables


def test_migrations_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    Store.open(path).close()
    with Store.open(path) as again:
        assert migrate(again.db) == []
        assert again.db.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)


def test_fresh_database_applies_every_migration(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "raw.db", isolation_level=None)
    assert migrate(db) == [name for name, _ in MIGRATIONS]
    assert migrate(db) == []
    db.close()


def test_wal_is_on(store: Store) -> None:
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_begin_finish_load_round_trip(store: Store) -> None:
    audit = sample_audit()
    audit_id = store.begin_audit(audit.person, audit.as_of)
    store.finish_audit(audit_id, audit)
    loaded = store.load_audit(audit_id)
    assert loaded == replace(audit, id=audit_id)
    (row,) = store.rows()
    assert row.id == audit_id
    assert row.status is AuditStatus.PARTIAL
    assert row.overall == 61.25
    assert row.as_of == dt.date(2026, 3, 1)
    assert row.finished_at is not None


def test_incomplete_audit_is_never_a_finished_audit(store: Store) -> None:
    audit = sample_audit()
    first = store.begin_audit(audit.person, dt.date(2026, 1, 1))
    store.finish_audit(first, replace(audit, as_of=dt.date(2026, 1, 1)))
    crashed = store.begin_audit(audit.person, dt.date(2026, 2, 1))
    third = store.begin_audit(audit.person, dt.date(2026, 3, 1))
    store.finish_audit(third, audit)
    finished = store.finished_audits(audit.person)
    assert [a.id for a in finished] == [first, third]
    assert [a.as_of for a in finished] == [dt.date(2026, 1, 1), dt.date(2026, 3, 1)]
    assert store.finished_audits("Someone Else") == []
    with pytest.raises(StorageError, match="incomplete"):
        store.load_audit(crashed)
    assert [r.status for r in store.rows()] == [AuditStatus.PARTIAL, AuditStatus.INCOMPLETE, AuditStatus.PARTIAL]


def test_loading_an_unknown_id_is_a_storage_error(store: Store) -> None:
    with pytest.raises(StorageError, match="no audit with id 42"):
        store.load_audit(42)


def test_failed_audit_with_no_overall_is_stored(store: Store) -> None:
    audit = replace(sample_audit(), status=AuditStatus.FAILED, scores=Scores(None, None, None, None, None, None))
    audit_id = store.begin_audit(audit.person, audit.as_of)
    store.finish_audit(audit_id, audit)
    assert store.rows()[0].overall is None
    assert store.load_audit(audit_id).scores.overall is None


def test_raw_responses_are_stored_compressed(store: Store) -> None:
    audit_id = store.begin_audit("Émilie Tremblay", dt.date(2026, 3, 1))
    body = ("<html>" + "Émilie Tremblay " * 2000 + "</html>").encode()
    raw = filed(
        "engine",
        "https://html.duckduckgo.com/html/",
        200,
        body,
        "duckduckgo_html",
        "Émilie Tremblay",
        1,
        requested_url="https://html.duckduckgo.com/html/",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    store.save_raw(audit_id, *raw)
    row = store.db.execute("SELECT kind, engine, query, url, status_code, body, page FROM raw_responses").fetchone()
    assert (row["kind"], row["engine"], row["query"], row["status_code"], row["page"]) == (
        "engine",
        "duckduckgo_html",
        "Émilie Tremblay",
        200,
        1,
    )
    assert len(row["body"]) < len(body) // 10
    assert zlib.decompress(row["body"]) == body
    (record,) = store.raw_records(audit_id)
    assert record.body == body
    assert record.headers == {"content-type": "text/html; charset=utf-8"}
    assert record.request_key == "engine|duckduckgo_html|Émilie Tremblay|1"
    assert record.answered


def test_a_followed_link_keeps_its_redirect_chain_and_a_row_without_one_reads_as_one_hop(store: Store) -> None:
    audit_id = store.begin_audit("Émilie Tremblay", dt.date(2026, 3, 1))
    hops = ("https://bit.ly/et", f"https://old.example/?token={SECRET}")
    store.save_raw(
        audit_id,
        *filed(
            "profile_link",
            "https://emilietremblay.ca/",
            200,
            b"",
            subject="github",
            requested_url="https://bit.ly/et",
            redirects=hops,
        ),
        secrets=[SECRET],
    )
    store.save_raw(audit_id, *filed("site", "https://emilietremblay.ca/", 200, b"<html></html>", subject="site"))
    # A row stored before chains were kept (migration 005) has none: it reads as one hop from the URL asked
    # to the final one, which is where the chain led, and never as "no redirect".
    store.save_raw(
        audit_id,
        *filed(
            "profile_link", "https://emilietremblay.ca/", 200, b"", subject="github", requested_url="https://lnkd.in/et"
        ),
    )
    store.db.execute("UPDATE raw_responses SET redirects = NULL WHERE requested_url = 'https://lnkd.in/et'")
    link, site, old = store.raw_records(audit_id)
    assert link.redirects == ("https://bit.ly/et", "https://old.example/?token=REDACTED")
    assert site.redirects == ()  # recorded: it answered where it was asked
    assert old.redirects == ("https://lnkd.in/et",)


SECRET = "sk-live-0123456789abcdef"


def test_secrets_never_reach_the_database(store: Store) -> None:
    audit_id = store.begin_audit("Émilie Tremblay", dt.date(2026, 3, 1))
    echoed = json.dumps({"search_parameters": {"api_key": SECRET}, "next": f"https://x.example/?key={SECRET}"})
    store.save_raw(
        audit_id,
        *filed(
            "engine",
            f"https://serpapi.com/search.json?q=x&api_key={SECRET}",
            200,
            echoed.encode(),
            "serpapi",
            "x",
            1,
            requested_url=f"https://serpapi.com/search.json?q=x&api_key={SECRET}",
            headers={
                "Content-Type": "application/json",
                "Set-Cookie": "session=abc",
                "X-RateLimit-Remaining": "9",
                "Location": f"https://serpapi.com/next?api_key={SECRET}",
                "X-Echo": SECRET,
            },
        ),
        secrets=[SECRET],
    )
    store.save_raw(
        audit_id,
        *filed("engine", "https://serpapi.com/", None, b"", "serpapi", "x", 2, error=f"timed out: key={SECRET}"),
        secrets=[SECRET],
    )
    dump = "\n".join(store.db.iterdump())
    bodies = b"".join(zlib.decompress(r[0]) for r in store.db.execute("SELECT body FROM raw_responses"))
    assert SECRET not in dump
    assert SECRET.encode() not in bodies
    first, failed = store.raw_records(audit_id)
    assert "api_key=REDACTED" in first.url and "api_key=REDACTED" in first.requested_url
    # Only the headers parsers read are kept: no cookie, nothing unknown.
    assert set(first.headers) == {"content-type", "location", "x-ratelimit-remaining"}
    assert "REDACTED" in first.headers["location"]
    assert failed.error == "timed out: key=REDACTED" and not failed.answered


def test_the_secrets_to_redact_are_the_values_of_every_key_variable_the_config_names() -> None:
    config = parse_config(
        '[person]\nname = "Émilie Tremblay"\nsite = "https://emilietremblay.ca"\n', source="t", base_dir=Path(".")
    )
    named = {
        getattr(settings, "api_key_env", "") for _, settings in config.engines if getattr(settings, "api_key_env", "")
    }
    environ = {name: f"value-of-{name}" for name in named} | {"PATH": "/usr/bin"}
    assert set(config_secrets(config, environ)) == {f"value-of-{name}" for name in named}
    assert config_secrets(config, {}) == ()


def test_incomplete_audit_is_the_newest_unfinished_one_of_that_person(store: Store) -> None:
    audit = sample_audit()
    assert store.incomplete_audit(audit.person) is None
    older = store.begin_audit(audit.person, dt.date(2026, 1, 1), ["duckduckgo_html"])
    newer = store.begin_audit(audit.person, dt.date(2025, 12, 1), ["duckduckgo_html", "searxng"])
    store.begin_audit("Someone Else", dt.date(2026, 5, 1))
    found = store.incomplete_audit(audit.person)
    assert found is not None
    assert (found.id, found.as_of, found.engines) == (newer, dt.date(2025, 12, 1), ("duckduckgo_html", "searxng"))
    store.finish_audit(newer, audit)
    found = store.incomplete_audit(audit.person)
    assert found is not None and found.id == older


def test_backfilled_audits_sort_by_their_date_not_their_order(store: Store) -> None:
    audit = sample_audit()
    for month in (3, 1, 2):
        audit_id = store.begin_audit(audit.person, dt.date(2026, month, 1))
        store.finish_audit(audit_id, replace(audit, as_of=dt.date(2026, month, 1)))
    assert [r.as_of.month for r in store.rows()] == [1, 2, 3]
    assert [r.id for r in store.rows()] == [2, 3, 1]
    assert [a.as_of.month for a in store.finished_audits(audit.person)] == [1, 2, 3]


def test_replace_audit_rewrites_only_a_finished_audit(store: Store) -> None:
    audit = sample_audit()
    audit_id = store.begin_audit(audit.person, audit.as_of)
    with pytest.raises(StorageError, match="not a finished audit"):
        store.replace_audit(audit_id, audit)
    store.finish_audit(audit_id, audit)
    better = replace(audit, status=AuditStatus.COMPLETE, scores=replace(audit.scores, overall=90.0))
    store.replace_audit(audit_id, better)
    (row,) = store.rows()
    assert (row.status, row.overall) == (AuditStatus.COMPLETE, 90.0)
    assert row.rescored_at is not None
    assert store.load_audit(audit_id) == replace(better, id=audit_id)


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO _migrations VALUES ('999_from_the_future', '2030-01-01T00:00:00+00:00')")
    db.commit()
    db.close()
    with pytest.raises(StorageError, match="newer version"):
        Store.open(path)


def test_a_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(StorageError, match="not a usable auditor database"):
        Store.open(path)


def test_a_directory_in_place_of_the_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.mkdir()
    with pytest.raises(StorageError):
        Store.open(path)


def test_writing_lock_refuses_a_second_holder_in_a_thread(store: Store) -> None:
    caught: list[BaseException] = []

    def second() -> None:
        try:
            with store.writing(wait=0.2):
                pass
        except BaseException as exc:
            caught.append(exc)

    with store.writing():
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(5)
    assert len(caught) == 1
    assert isinstance(caught[0], DatabaseBusy)
    assert "another audit" in str(caught[0])
    with store.writing(wait=0.2):  # released: taken again at once
        pass


def test_writing_lock_refuses_a_second_holder_in_another_process(store: Store) -> None:
    script = (
        "import sys; from pathlib import Path\n"
        "from auditor.errors import DatabaseBusy\n"
        "from auditor.store import Store\n"
        "s = Store.open(Path(sys.argv[1]))\n"
        "try:\n"
        "    with s.writing(wait=0.2):\n"
        "        print('acquired')\n"
        "except DatabaseBusy as exc:\n"
        "    print('busy:', exc)\n"
    )
    command = [sys.executable, "-c", script, str(store.path)]
    with store.writing():
        held = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=ROOT, check=True)
    free = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=ROOT, check=True)
    assert held.stdout.startswith("busy: "), held.stdout + held.stderr
    assert free.stdout.strip() == "acquired", free.stdout + free.stderr
