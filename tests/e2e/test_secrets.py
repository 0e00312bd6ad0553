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


ECHOED_KEYS = {
    "BRAVE_API_KEY": "  BRAVE-echo-canary-5d2a8b1e \n",
    "SERPAPI_API_KEY": "SERPAPI-echo-canary-0c7e4f92",
    "SERPER_API_KEY": "\tSERPER-echo-canary-a61b3d07",
    "MOJEEK_API_KEY": "MOJEEK-echo-canary-38f5c2e1 ",
    "GOOGLE_CSE_KEY": "CSE-echo/canary+1b9e&d4=?",
}
"""Some with whitespace around them: sent stripped, so the stripped spelling is what an echo carries."""
ECHO_FAULTS = (
    "faults = { "
    + ", ".join(f'{engine} = "echo_key"' for engine in ("brave", "serpapi", "serper", "mojeek", "google_cse"))
    + " }\n"
)


def test_an_api_that_echoes_its_key_into_results_leaks_it_nowhere(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario" / "engines.toml"
    scenario.parent.mkdir()
    text = SCENARIO.read_text(encoding="utf-8")
    marker = f"[[months]]\nas_of = {AS_OF}\n"
    scenario.write_text(text.replace(marker, marker + ECHO_FAULTS, 1), encoding="utf-8")
    shutil.copyfile(CONFIG, scenario.with_name(CONFIG.name))
    shutil.copyfile(CONFIG, tmp_path / "auditor.toml")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_KEY"))}
    env.update(ECHOED_KEYS)
    with Sandbox(load_scenario(scenario)) as sandbox:
        run = auditor(
            "audit", "-c", str(tmp_path / "auditor.toml"), "--sandbox", sandbox.url, "--as-of", AS_OF, env=env
        )
    assert run.code == 0, run.stderr
    db = sqlite3.connect(tmp_path / "auditor.db")
    data = db.execute("SELECT data FROM audits").fetchone()[0]
    # The echo reached the parsed results (so this test can fail): its brackets are there, the key is not.
    assert "[REDACTED]" in data
    places: dict[str, bytes] = {"stdout": run.stdout.encode(), "stderr": run.stderr.encode(), "audit": data.encode()}
    for path in tmp_path.rglob("*"):
        if path.is_file() and "scenario" not in path.parts:
            places[str(path.relative_to(tmp_path))] = path.read_bytes()
    for row in db.execute("SELECT id, body FROM raw_responses"):
        places[f"raw_responses {row[0]} body"] = zlib.decompress(row[1]) if row[1] else b""
    leaks = [
        f"{name} holds {variable}"
        for variable, key in ECHOED_KEYS.items()
        for name, content in places.items()
        if any(form in content for form in spellings(key.strip()))
    ]
    assert leaks == []


@pytest.mark.parametrize("key", ["clé-secrète-non-ascii", "two words-in-a-key", "ctrl\x07char-key"])
def test_a_key_no_http_header_can_carry_is_refused_before_anything_is_sent(tmp_path: Path, key: str) -> None:
    shutil.copyfile(CONFIG, tmp_path / "auditor.toml")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_KEY"))}
    env.update(KEYS, BRAVE_API_KEY=key)
    with Sandbox(load_scenario(SCENARIO)) as sandbox:
        run = auditor(
            "audit", "-c", str(tmp_path / "auditor.toml"), "--sandbox", sandbox.url, "--as-of", AS_OF, env=env
        )
        sent = list(sandbox.requests)
    assert run.code == 2, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "BRAVE_API_KEY" in errors[0], run.stderr
    assert key not in run.stderr + run.stdout
    assert sent == []
    assert (
        not (tmp_path / "auditor.db").exists()
        or not sqlite3.connect(tmp_path / "auditor.db").execute("SELECT count(*) FROM audits").fetchone()[0]
    )


def test_only_the_keys_of_the_engines_audited_are_checked() -> None:
    from auditor.audit.runner import check_keys
    from auditor.config import parse_config
    from auditor.errors import ConfigError

    config = parse_config(
        '[person]\nname = "Noémie Gagnon"\nsite = "https://x.example"\n', source="c", base_dir=Path(".")
    )
    environ = {"BRAVE_API_KEY": "clé avec espaces", "SERPER_API_KEY": "  SERPER-fine-key  "}
    check_keys(config, environ, ("duckduckgo_html", "serper"))  # Brave's key is no business of this audit
    with pytest.raises(ConfigError, match=r"^BRAVE_API_KEY: the key holds characters an HTTP header cannot carry"):
        check_keys(config, environ, ("duckduckgo_html", "brave"))
