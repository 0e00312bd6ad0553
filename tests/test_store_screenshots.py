"""The browser engines' screenshots in the history (migration 007): kept beside their raw response, the
reason kept when there is no picture, never loaded with the raw responses a rescore reads."""

from __future__ import annotations

import base64
import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

from auditor.net.fetched import Fetched
from auditor.net.fetcher import Request
from auditor.store import MIGRATIONS, Store
from auditor.store.screenshots import png_size

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def engine_page(page: int) -> Request:
    return Request(
        "https://www.google.com/search?q=x", "engine", via="browser", engine="browser_google", query="x", page=page
    )


def test_screenshots_are_stored_with_their_page_and_failures_with_their_reason(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.db") as store:
        audit_id = store.begin_audit("Émilie Tremblay", dt.date(2026, 6, 1), ["browser_google"])
        answer = Fetched.of_text("<html></html>", url="https://www.google.com/search?q=x")
        store.save_raw(audit_id, engine_page(1), replace(answer, screenshot=PNG))
        failed = replace(answer, screenshot_error="screenshot failed: Target closed")
        store.save_raw(audit_id, engine_page(2), failed)
        store.save_raw(audit_id, Request("https://emilietremblay.ca/", "site", subject="site"), answer)
        shots = store.screenshots(audit_id)
        records = store.raw_records(audit_id)
    assert [(s.engine, s.query, s.page, s.png, s.width, s.height, s.error) for s in shots] == [
        ("browser_google", "x", 1, PNG, 1, 1, ""),
        ("browser_google", "x", 2, b"", 0, 0, "screenshot failed: Target closed"),
    ]
    assert len(records) == 3 and all(r.screenshot == b"" for r in records)  # a replay never reads pictures


def test_the_migration_is_named_and_last() -> None:
    assert MIGRATIONS[-1][0] == "007_screenshots"


def test_png_size_reads_the_header_only() -> None:
    assert png_size(PNG) == (1, 1)
    assert png_size(b"GIF89a" + bytes(30)) == (0, 0)
    assert png_size(PNG[:20]) == (0, 0)


def test_screenshots_of_another_audit_are_not_mixed_in(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.db") as store:
        first = store.begin_audit("A", dt.date(2026, 6, 1))
        second = store.begin_audit("A", dt.date(2026, 7, 1))
        answer = Fetched.of_text("<html></html>", url="https://www.google.com/search?q=x")
        store.save_raw(first, engine_page(1), replace(answer, screenshot=PNG))
        assert store.screenshots(second) == []
        assert len(store.screenshots(first)) == 1
    db = sqlite3.connect(tmp_path / "h.db")
    assert db.execute("SELECT count(*) FROM screenshots").fetchone()[0] == 1


def test_a_history_from_before_screenshots_opened_read_only_has_none(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store.open(path) as store:
        audit_id = store.begin_audit("A", dt.date(2026, 6, 1))
    with sqlite3.connect(path) as db:  # as a database written before migration 007
        db.execute("DROP TABLE screenshots")
        db.execute("DELETE FROM _migrations WHERE name = '007_screenshots'")
    with Store.open(path, write=False) as store:
        assert store.screenshots(audit_id) == []
    with Store.open(path) as store:  # opened for writing, it is upgraded
        assert store.screenshots(audit_id) == []
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM _migrations WHERE name = '007_screenshots'").fetchone()[0] == 1
