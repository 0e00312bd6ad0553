"""The real commands in a child process: `auditor audit` with API engines and fake keys against the sandbox
(a missing key ends partial, a budget refuses before sending anything), `auditor engines`, `auditor parse`."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.report.i18n import label
from auditor.sandbox import Sandbox, load_scenario
from tests.e2e.conftest import Run, auditor
from tests.engines.fixtures import CONFIG, FIXTURES, KEYS, SCENARIO

AS_OF = "2026-01-01"
API_HOSTS = ("api.search.brave.com", "serpapi.com", "google.serper.dev", "api.mojeek.com", "www.googleapis.com")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(SCENARIO)) as running:
        yield running


def environment(**keys: str) -> dict[str, str]:
    """The test's own environment without any real key, plus `keys`."""
    clean = {k: v for k, v in os.environ.items() if k not in KEYS and not k.endswith("_API_KEY")}
    return {**clean, **keys}


def run_in(directory: Path, *args: str, env: dict[str, str]) -> Run:
    return auditor(*args, "-c", str(directory / "auditor.toml"), env=env)


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory, sandbox: Sandbox) -> tuple[Path, Run, int]:
    """One audit of every API engine, MOJEEK_API_KEY left unset; (directory, run, requests it sent)."""
    directory = tmp_path_factory.mktemp("audit")
    shutil.copyfile(CONFIG, directory / "auditor.toml")
    sandbox.set_month(0)
    before = len(sandbox.requests)
    keys = {k: v for k, v in KEYS.items() if k != "MOJEEK_API_KEY"}
    run = run_in(directory, "audit", "--sandbox", sandbox.url, "--as-of", AS_OF, "-q", env=environment(**keys))
    return directory, run, len(sandbox.requests) - before


def test_a_missing_key_makes_the_audit_partial_and_sends_nothing_to_that_engine(
    audited: tuple[Path, Run, int], sandbox: Sandbox
) -> None:
    directory, run, _ = audited
    assert run.code == 3, run.stderr
    data = json.loads((directory / "reports" / "noemie-gagnon" / f"{AS_OF}.json").read_text(encoding="utf-8"))
    engines = {e["name"]: e for e in data["engines"]}
    assert {name: e["status"] for name, e in engines.items()} == {
        "brave": "ok",
        "serpapi": "ok",
        "serper": "ok",
        "mojeek": "auth_error",
        "google_cse": "ok",
    }
    assert engines["mojeek"]["detail"].startswith("MOJEEK_API_KEY is not set")
    assert engines["mojeek"]["requests"] == 0
    assert not [r for r in sandbox.requests if r[1] == "api.mojeek.com"]
    assert data["status"] == "partial"
    # The run's engine line, its status worded in the report's language (en): "key refused" is auth_error's label.
    assert f"  mojeek: {label('en', 'engine_status', 'auth_error')} - MOJEEK_API_KEY is not set" in run.stdout


def test_google_cse_warns_about_its_closing_date(audited: tuple[Path, Run, int]) -> None:
    _, run, _ = audited
    assert "Warning: google_cse: Google closes the Custom Search JSON API" in run.stderr
    assert "2027-01-01" in run.stderr


def test_no_key_is_ever_written_anywhere(audited: tuple[Path, Run, int]) -> None:
    directory, run, _ = audited
    written = b"".join(path.read_bytes() for path in directory.rglob("*") if path.is_file())
    written += (run.stdout + run.stderr).encode("utf-8")
    db = sqlite3.connect(directory / "auditor.db")
    urls = " ".join(row[0] + (row[1] or "") for row in db.execute("SELECT url, requested_url FROM raw_responses"))
    assert "REDACTED" in urls  # SerpApi's, Mojeek's and Google's keys travel in the URL
    for key in KEYS.values():
        assert key.encode() not in written and key not in urls


def test_engines_command_counts_this_months_queries_and_never_shows_a_key(audited: tuple[Path, Run, int]) -> None:
    directory, _, _ = audited
    run = run_in(directory, "engines", "--json", env=environment(BRAVE_API_KEY=KEYS["BRAVE_API_KEY"]))
    assert run.code == 0, run.stderr
    rows = {row["name"]: row for row in json.loads(run.stdout)}
    assert set(rows) == {
        "duckduckgo_html",
        "searxng",
        "brave",
        "serpapi",
        "serper",
        "mojeek",
        "google_cse",
        "browser_google",
        "browser_bing",
    }
    # Two queries (the name, then "Noémie Gagnon Québec"): Brave 1 page each at depth 20; SerpApi 2 + 1.
    assert (rows["brave"]["used_this_month"], rows["brave"]["monthly_budget"]) == (2, 40)
    assert rows["serpapi"]["used_this_month"] == 3
    assert rows["mojeek"]["used_this_month"] == 0
    assert rows["brave"]["key_present"] is True and rows["serpapi"]["key_present"] is False
    assert rows["browser_google"]["configured"] is False and rows["browser_google"]["needs_key"] is False
    assert KEYS["BRAVE_API_KEY"] not in run.stdout
    human = run_in(directory, "engines", env=environment())
    assert human.code == 0 and "BRAVE_API_KEY absent" in human.stdout and "2 / 40" in human.stdout


def test_an_audit_over_budget_refuses_before_sending_anything(audited: tuple[Path, Run, int], sandbox: Sandbox) -> None:
    directory, _, _ = audited
    config = directory / "auditor.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("monthly_budget = 40", "monthly_budget = 3"))
    before = len(sandbox.requests)
    run = run_in(directory, "audit", "--sandbox", sandbox.url, "--as-of", "2026-01-02", env=environment(**KEYS))
    assert run.code == 2, run.stderr
    (error,) = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert error == (
        "Error: brave: this audit needs 2 requests but only 1 of its monthly budget of 3 are left "
        "(2 used this month): it would go over by 1"
    )
    assert len(sandbox.requests) == before
    assert not (directory / "reports" / "noemie-gagnon" / "2026-01-02.json").exists()


# -- auditor parse ------------------------------------------------------------------------------------------


def parse(engine: str, path: Path, *extra: str) -> Run:
    return auditor("parse", "--engine", engine, str(path), *extra)


def test_parse_prints_unwrapped_results_as_json() -> None:
    run = parse("browser_google", FIXTURES / "browser_google" / "results.html", "--json")
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["engine"], data["status"], data["detail"]) == ("browser_google", "ok", "")
    assert data["results"][0] == {
        "position": 1,
        "url": "https://noemiegagnon.ca/",
        "title": "Noémie Gagnon — Conseillère en données à Québec",
        "snippet": "Noémie Gagnon accompagne les OBNL de Québec dans leurs projets de données et de tableaux de bord.",
    }
    assert not any("google.com" in r["url"] or "pigistes" in r["url"] for r in data["results"])
    ddg = json.loads(parse("duckduckgo_html", FIXTURES / "duckduckgo_html" / "results.html", "--json").stdout)
    assert ddg["results"] and not any("duckduckgo.com" in r["url"] for r in ddg["results"])  # uddg unwrapped


def test_parse_keeps_searxng_engines_and_positions() -> None:
    data = json.loads(parse("searxng", FIXTURES / "searxng" / "results.json", "--json").stdout)
    assert data["results"][0]["engines"] == ["google", "bing"] and data["results"][0]["positions"] == [1, 2]


def test_parse_of_a_block_page_prints_the_status_and_exits_3() -> None:
    run = parse("browser_google", FIXTURES / "browser_google" / "sorry.html")
    assert run.code == 3
    assert "browser_google: blocked: Google's /sorry/ page" in run.stdout


def test_parse_of_another_engines_page_says_which_engine_it_looks_like(tmp_path: Path) -> None:
    saved = tmp_path / "page.html"
    shutil.copyfile(FIXTURES / "browser_bing" / "results.html", saved)
    run = parse("duckduckgo_html", saved, "--json")
    assert run.code == 3
    data = json.loads(run.stdout)
    assert data["status"] == "parse_failure" and data["results"] == []
    assert data["detail"] == (
        "the file does not look like a duckduckgo_html response; it looks like a browser_bing response "
        "(Bing (browser)): try --engine browser_bing"
    )


def test_parse_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    unknown = parse("altavista", FIXTURES / "brave" / "results.json")
    assert unknown.code == 2
    assert (
        "Error: --engine: unknown engine 'altavista'; known engines: duckduckgo_html, searxng, brave" in unknown.stderr
    )
    misspelt = parse("bing", FIXTURES / "browser_bing" / "results.html")
    assert misspelt.code == 2
    assert "Error: --engine: unknown engine 'bing' (did you mean 'browser_bing'?); known engines:" in misspelt.stderr
    missing = parse("brave", tmp_path / "nothing.json")
    assert missing.code == 2 and "cannot read" in missing.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


@pytest.mark.browser
def test_an_audit_with_the_browser_engines(tmp_path: Path, sandbox: Sandbox) -> None:
    text = CONFIG.read_text(encoding="utf-8").replace(
        'engines = ["brave", "serpapi", "serper", "mojeek", "google_cse"]',
        'engines = ["browser_google", "browser_bing"]',
    )
    (tmp_path / "auditor.toml").write_text(text, encoding="utf-8")
    sandbox.set_month(0)
    run = run_in(tmp_path, "audit", "--sandbox", sandbox.url, "--as-of", AS_OF, "-q", env=environment())
    assert run.code == 0, run.stderr
    data = json.loads((tmp_path / "reports" / "noemie-gagnon" / f"{AS_OF}.json").read_text(encoding="utf-8"))
    assert {e["name"]: (e["status"], e["requests"]) for e in data["engines"]} == {
        "browser_google": ("ok", 3),
        "browser_bing": ("ok", 3),
    }
    first = {r["engine"]: r["url"] for r in data["results"] if r["position"] == 1 and r["query"] == "Noémie Gagnon"}
    assert first == {
        "browser_google": "https://noemiegagnon.ca/",
        "browser_bing": "https://ca.linkedin.com/in/noemiegagnon",
    }


def test_audit_engines_option_tells_an_unknown_engine_from_an_unconfigured_one(tmp_path: Path) -> None:
    shutil.copyfile(CONFIG, tmp_path / "auditor.toml")
    unknown = run_in(tmp_path, "audit", "--engines", "brave,bing", "-q", env=environment())
    assert unknown.code == 2
    assert "Error: --engines: unknown engine 'bing' (did you mean 'browser_bing'?); known engines:" in unknown.stderr
    unconfigured = run_in(tmp_path, "audit", "--engines", "duckduckgo_html", "-q", env=environment())
    assert unconfigured.code == 2
    assert "Error: --engines: 'duckduckgo_html' is not configured (configured: brave, serpapi" in unconfigured.stderr
    assert not (tmp_path / "auditor.db").exists()  # refused before anything was stored


def test_parse_shows_the_blocks_beyond_the_results(tmp_path: Path) -> None:
    answer = {
        "search_parameters": {"engine": "google"},
        "organic_results": [{"title": "Noémie Gagnon", "link": "https://noemiegagnon.ca/"}],
        "knowledge_graph": {"title": "Noémie Gagnon", "source": {"link": "https://noemiegagnon.ca/"}},
        "related_questions": [{"question": "Qui est-elle ?"}],
    }
    saved = tmp_path / "answer.json"
    saved.write_text(json.dumps(answer), encoding="utf-8")
    data = json.loads(parse("serpapi", saved, "--json").stdout)
    assert data["features"] == [
        {"kind": "knowledge_panel", "count": 1, "title": "Noémie Gagnon", "links": ["https://noemiegagnon.ca/"]},
        {"kind": "people_also_ask", "count": 1, "title": "", "links": []},
    ]
    text = parse("serpapi", saved).stdout
    assert "beyond the results: knowledge_panel (Noémie Gagnon), people_also_ask (1)" in text
    plain = json.loads(parse("duckduckgo_html", FIXTURES / "duckduckgo_html" / "results.html", "--json").stdout)
    assert plain["features"] == []  # DuckDuckGo's HTML endpoint shows none of these blocks
