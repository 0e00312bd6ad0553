"""A real audit killed half-way (SIGKILL) and resumed; two audits racing for one database.

The sandbox's SearXNG keeps its first request of the month hanging (`timeout:1`), so an audit reliably sits
half-way through: DuckDuckGo's pages, the profiles and the site are stored, SearXNG is still awaited.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from auditor.sandbox import Sandbox, load_scenario
from tests.e2e.conftest import AS_OF, SLUG, auditor, read_json, scenario_with_faults

SEARX_HOST = "searx.sandbox.example"
DDG_HOST = "html.duckduckgo.com"
SITE_HOST = "carlfredericdecelles.ca"
PROFILE_API_HOSTS = {"api.github.com", "mastodon.social"}


@pytest.fixture
def hanging(tmp_path: Path, config_file: Path) -> Iterator[Sandbox]:
    """SearXNG's first answer hangs for two minutes, and the audit waits that long: on a loaded machine too,
    the audit is still half-way when the test acts (the sandbox lets go of the hang when it stops)."""
    scenario = scenario_with_faults(tmp_path, {"searxng": "timeout:1"})
    text = scenario.read_text(encoding="utf-8")
    assert "timeout_seconds = 30" in text
    scenario.write_text(text.replace("timeout_seconds = 30", "timeout_seconds = 120"), encoding="utf-8")
    config_file.write_text(config_file.read_text(encoding="utf-8") + "\n[http]\ntimeout = 120\n", encoding="utf-8")
    with Sandbox(load_scenario(scenario)) as running:
        yield running


def start_audit(config_file: Path, sandbox: Sandbox) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "auditor", "audit", "-q", "-c", str(config_file), "--sandbox", sandbox.url]
    return subprocess.Popen([*command, "--as-of", AS_OF], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def query(database: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the database as another process would, while the audit writes it."""
    try:
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return []  # not created (or not migrated) yet


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the audit ended before {what}: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


def half_way(database: Path) -> bool:
    """DuckDuckGo's two pages, the site's page, the two profiles' API answers and GitHub's social accounts
    (asked for the identity graph once the profiles are in) are stored (SearXNG's first answer hangs)."""
    sql = (
        "SELECT count(*) FROM raw_responses WHERE status_code = 200"
        " AND (engine = 'duckduckgo_html' OR kind IN ('site', 'profile') OR requested_url LIKE '%/social_accounts')"
    )
    rows = query(database, sql)
    return bool(rows) and rows[0][0] == 6


def kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_an_audit_killed_half_way_is_kept_incomplete_and_resumed_without_asking_twice(
    hanging: Sandbox, config_file: Path
) -> None:
    database = config_file.parent / "auditor.db"
    process = start_audit(config_file, hanging)
    try:
        wait_until(lambda: half_way(database), process, "half-way")
    finally:
        kill(process)
    first_run = hanging.requests

    db = sqlite3.connect(database)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("SELECT id, status, as_of FROM audits").fetchall() == [(1, "incomplete", AS_OF)]
    stored = db.execute("SELECT request_key FROM raw_responses WHERE status_code = 200 ORDER BY request_key").fetchall()
    db.close()
    assert ("engine|duckduckgo_html|Carl-Frédéric de Celles|2",) in stored

    history = auditor("history", "--json", "-c", str(config_file))
    assert history.code == 0, history.stderr
    assert '"status": "incomplete"' in history.stdout
    latest = auditor("report", "latest", "-c", str(config_file))
    assert latest.code == 2 and "no finished audit" in latest.stderr
    by_id = auditor("report", "1", "-c", str(config_file))
    assert by_id.code == 2 and "incomplete" in by_id.stderr
    assert not (config_file.parent / "reports" / SLUG / f"{AS_OF}.json").exists()

    resumed = auditor("audit", "--resume", "-q", "-c", str(config_file), "--sandbox", hanging.url)
    assert resumed.code == 0, resumed.stderr
    assert "Resuming audit 1" in resumed.stderr

    # SearXNG, which never answered, was asked; DuckDuckGo's pages, the site's page and the profiles' API
    # answers were not asked again.
    again = hanging.requests[len(first_run) :]
    hosts = {host for _, host, _ in again}
    assert SEARX_HOST in hosts, again
    assert DDG_HOST not in hosts, again
    assert not any(host == SITE_HOST and path == "/" for _, host, path in again), again
    assert not hosts & PROFILE_API_HOSTS, again
    assert sum(host == DDG_HOST for _, host, _ in first_run) == 2
    assert any(host == SITE_HOST and path == "/" for _, host, path in first_run)
    assert {host for _, host, _ in first_run} >= PROFILE_API_HOSTS
    assert "3 profile answers" in resumed.stderr  # the two profiles' API answers and GitHub's social accounts

    db = sqlite3.connect(database)
    assert db.execute("SELECT id, status, as_of FROM audits").fetchall() == [(1, "complete", AS_OF)]
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
    data = read_json(config_file.parent / "reports" / SLUG / f"{AS_OF}.json")
    assert {e["name"]: e["status"] for e in data["engines"]} == {"duckduckgo_html": "ok", "searxng": "ok"}
    ddg = sorted(r["position"] for r in data["results"] if r["engine"] == "duckduckgo_html")
    assert ddg == list(range(1, 13))  # both stored DuckDuckGo pages were used as they were

    nothing = auditor("audit", "--resume", "-c", str(config_file), "--sandbox", hanging.url)
    assert nothing.code == 2 and "no interrupted audit" in nothing.stderr


def test_a_second_audit_of_the_same_database_waits_then_gives_up_clearly(hanging: Sandbox, config_file: Path) -> None:
    database = config_file.parent / "auditor.db"
    first = start_audit(config_file, hanging)
    try:
        wait_until(lambda: half_way(database), first, "the first audit is under way")
        sent = len(hanging.requests)
        started = time.monotonic()
        second = auditor(
            "audit",
            "-q",
            "-c",
            str(config_file),
            "--sandbox",
            hanging.url,
            "--as-of",
            "2026-02-01",
            env={**os.environ, "AUDITOR_LOCK_WAIT": "0.5"},
        )
        waited = time.monotonic() - started
        assert first.poll() is None, "the first audit should still be running"
        rows = query(database, "SELECT as_of, status FROM audits")
    finally:
        kill(first)
    assert second.code == 2, second.stderr
    errors = [line for line in second.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "another audit is running on this database" in errors[0], second.stderr
    assert str(database) in errors[0]
    assert waited >= 0.5
    assert len(hanging.requests) == sent, "the second audit sent requests"
    assert rows == [(AS_OF, "incomplete")], "the second audit wrote to the database"


def test_an_audit_that_died_before_its_report_gets_it_on_resume_or_next_audit(
    sandbox: Sandbox, config_file: Path
) -> None:
    # A process killed between the final commit and the report files leaves exactly this: the audit stored
    # `complete`, no report file. (The files are removed after a real audit to make that state.)
    first = auditor("audit", "-q", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", AS_OF)
    assert first.code == 0, first.stderr
    reports = config_file.parent / "reports" / SLUG
    for path in reports.iterdir():
        path.unlink()

    history = auditor("history", "-c", str(config_file))
    assert "report missing: audit 1 (2026-01-01)" in history.stdout and "--resume" in history.stdout
    as_json = auditor("history", "-c", str(config_file), "--json")
    assert '"report_missing": true' in as_json.stdout

    resumed = auditor("audit", "--resume", "-q", "-c", str(config_file), "--sandbox", sandbox.url)
    assert resumed.code == 0, resumed.stderr
    assert "Wrote the missing report of audit 1 (2026-01-01)" in resumed.stderr
    assert read_json(reports / f"{AS_OF}.json")["status"] == "complete"
    assert (reports / f"{AS_OF}.html").exists() and (reports / "latest.html").exists()
    assert "report missing" not in auditor("history", "-c", str(config_file)).stdout
    assert query(config_file.parent / "auditor.db", "SELECT count(*) FROM audits") == [(1,)]

    # The next audit also writes whatever report is missing before it begins.
    (reports / f"{AS_OF}.json").unlink()
    second = auditor("audit", "-q", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", "2026-02-01")
    assert second.code == 0, second.stderr
    assert "Wrote the missing report of audit 1 (2026-01-01)" in second.stderr
    assert (reports / f"{AS_OF}.json").exists() and (reports / "2026-02-01.json").exists()
