"""Secrets kept (issue 8): an audit of every API engine with distinctive fake keys, logging at DEBUG, some of
the engines failing in ways that put their key-bearing URLs into error messages and headers. Then every place
the audit wrote is searched for the keys, in every spelling they could take: the console output, the log
file, the database's bytes, the raw responses decompressed (bodies, URLs, headers, errors) and every report
file. None may hold any of them."""

from __future__ import annotations

import os
import shutil
import sqlite3
import zlib
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from auditor.sandbox import Sandbox, load_scenario
from tests.e2e.conftest import Run, auditor
from tests.engines.fixtures import CONFIG, SCENARIO

KEYS = {
    "BRAVE_API_KEY": "BRAVE-leak-canary-4e1f9a7c",
    "SERPAPI_API_KEY": "SERPAPI-leak-canary-b2d8e0f3",
    "SERPER_API_KEY": "SERPER-leak-canary-7a3c51d9",
    "MOJEEK_API_KEY": "MOJEEK-leak-canary-c9e2b6a4",
    "GOOGLE_CSE_KEY": "CSE-leak/canary+8f0d&e5=?",
}
"""Distinctive, and one with characters that URL encoding changes (so the encoded spelling is searched too)."""
FAULTS = 'faults = { serpapi = "redirect_loop", mojeek = "reset" }\n'
"""SerpApi's loop sends its own key-bearing URL back as Location; Mojeek's reset puts its URL in the error."""
AS_OF = "2026-01-01"


def spellings(key: str) -> set[bytes]:
    return {form.encode() for form in (key, quote(key, safe=""), quote_plus(key), quote(key))}


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    directory = tmp_path_factory.mktemp("secrets")
    scenario = directory / "scenario" / "engines.toml"
    scenario.parent.mkdir()
    text = SCENARIO.read_text(encoding="utf-8")
    marker = f"[[months]]\nas_of = {AS_OF}\n"
    assert marker in text, "engines.toml's first month changed shape"
    scenario.write_text(text.replace(marker, marker + FAULTS, 1), encoding="utf-8")
    shutil.copyfile(CONFIG, scenario.with_name(CONFIG.name))
    shutil.copyfile(CONFIG, directory / "auditor.toml")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_KEY"))}
    env.update(KEYS, AUDITOR_LOG_LEVEL="DEBUG", AUDITOR_LOG_FILE=str(directory / "logs" / "debug.log"))
    with Sandbox(load_scenario(scenario)) as sandbox:
        run = auditor(
            "audit", "-c", str(directory / "auditor.toml"), "--sandbox", sandbox.url, "--as-of", AS_OF, env=env
        )
        # The same again with the log on stderr instead of a file.
        del env["AUDITOR_LOG_FILE"]
        again = auditor(
            "audit", "-c", str(directory / "auditor.toml"), "--sandbox", sandbox.url, "--as-of", "2026-01-02", env=env
        )
    assert again.code == 3, again.stderr
    return directory, Run(run.code, run.stdout + again.stdout, run.stderr + again.stderr)


def test_the_audit_ran_with_the_keys_and_logged_at_debug(audited: tuple[Path, Run]) -> None:
    directory, run = audited
    assert run.code == 3, run.stderr  # SerpApi and Mojeek failed on purpose
    log = (directory / "logs" / "debug.log").read_text(encoding="utf-8")
    # The log is real: every request is in it, the key-bearing parameters blanked.
    assert "DEBUG auditor.net.client: GET https://serpapi.com/search.json?" in log
    assert "api_key=REDACTED" in log and "key=REDACTED" in log
    assert "retry" in log  # Mojeek's reset was retried
    assert (
        "DEBUG auditor.net.client: GET https://api.search.brave.com/" in run.stderr
    )  # the second run logged to stderr
    db = sqlite3.connect(directory / "auditor.db")
    statuses = dict(db.execute("SELECT engine, max(status_code) FROM raw_responses WHERE kind = 'engine' GROUP BY 1"))
    assert statuses["brave"] == statuses["serper"] == statuses["google_cse"] == 200  # keys were sent and accepted
    assert statuses["mojeek"] is None  # reset: no answer


def test_no_key_appears_anywhere(audited: tuple[Path, Run]) -> None:
    directory, run = audited
    places: dict[str, bytes] = {"stdout": run.stdout.encode(), "stderr": run.stderr.encode()}
    for path in directory.rglob("*"):
        if path.is_file() and "scenario" not in path.parts:
            places[str(path.relative_to(directory))] = path.read_bytes()  # log, database (+ WAL), reports
    db = sqlite3.connect(directory / "auditor.db")
    for row in db.execute("SELECT id, url, requested_url, headers, error, body FROM raw_responses"):
        raw_id, *texts, body = row
        places[f"raw_responses {raw_id} body"] = zlib.decompress(body) if body else b""
        places[f"raw_responses {raw_id} fields"] = " ".join(t or "" for t in texts).encode()
    for row in db.execute("SELECT id, data FROM audits"):
        places[f"audits {row[0]}"] = (row[1] or "").encode()
    assert any(name.startswith("reports") for name in places) and any("debug.log" in name for name in places)
    leaks = [
        f"{name} holds {variable}"
        for variable, key in KEYS.items()
        for name, content in places.items()
        if any(form in content for form in spellings(key))
    ]
    assert leaks == []


def test_the_log_filter_blanks_keys_whatever_logs_them() -> None:
    import logging

    from auditor.net import logs

    logs.remember_secrets([KEYS["BRAVE_API_KEY"]])
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("GET", "https://x.example/?key=abcdef123&q=1"), None
    )
    try:
        raise RuntimeError(f"token {KEYS['BRAVE_API_KEY']}")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    logs.SecretFilter().filter(record)
    text = record.getMessage() + (record.exc_text or "")
    assert "abcdef123" not in text and KEYS["BRAVE_API_KEY"] not in text
    assert "key=REDACTED&q=1" in text and "token REDACTED" in text
