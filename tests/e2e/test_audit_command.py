"""The real `auditor audit` against the sandbox, read back from the JSON, HTML and database it wrote."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auditor.sandbox import Sandbox, load_scenario
from tests.e2e.conftest import AS_OF, SLUG, auditor, read_json, scenario_with_faults


def test_audit_writes_report_json_and_history(sandbox: Sandbox, config_file: Path) -> None:
    run = auditor("audit", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", AS_OF)
    assert run.code == 0, run.stderr
    reports = config_file.parent / "reports" / SLUG
    data = read_json(reports / f"{AS_OF}.json")

    assert data["status"] == "complete"
    assert data["person"] == "Carl-Frédéric de Celles"
    assert {e["name"]: e["status"] for e in data["engines"]} == {"duckduckgo_html": "ok", "searxng": "ok"}
    for key in ("engine", "query", "position", "url", "title", "snippet", "network", "ownership"):
        assert all(key in r for r in data["results"]), key
    ownership = {(r["engine"], r["url"]): r["ownership"] for r in data["results"]}
    assert ownership[("duckduckgo_html", "https://carlfredericdecelles.ca/")] == "site"
    assert ownership[("duckduckgo_html", "https://github.com/cfdecelles")] == "profile"
    assert ownership[("searxng", "https://mastodon.social/@cfdecelles")] == "profile"
    # depth 20 with 12 ranked results: DuckDuckGo's second page was fetched and positions run on.
    ddg_positions = sorted(r["position"] for r in data["results"] if r["engine"] == "duckduckgo_html")
    assert ddg_positions == list(range(1, 13))

    profiles = {p["network"]: p for p in data["profiles"]}
    assert profiles["github"]["linkback"]["verdict"] == "linked"
    assert profiles["github"]["best_position"] == 2
    assert profiles["mastodon"]["linkback"]["verdict"] == "linked"
    assert "carlfredericdecelles.ca" in profiles["github"]["linkback"]["evidence"]
    assert {c["id"]: c["passed"] for c in data["site"]["checks"]}["rel_me"] is True

    scores = data["scores"]
    assert scores["linkback"] == 100.0
    assert 0 < scores["visibility"] < 100
    assert 0 < scores["overall"] <= 100
    assert isinstance(data["recommendations"], list)
    assert "changes" in data

    html = (reports / f"{AS_OF}.html").read_text(encoding="utf-8")
    assert "Carl-Frédéric de Celles" in html
    assert (reports / "latest.html").read_text(encoding="utf-8") == html
    assert f"{AS_OF}.html" in (reports / "index.html").read_text(encoding="utf-8")

    db = sqlite3.connect(config_file.parent / "auditor.db")
    assert db.execute("SELECT status, as_of FROM audits").fetchall() == [("complete", AS_OF)]
    # DuckDuckGo: 2 pages (its second has no next form). SearXNG says nothing of more pages, so its third
    # page is asked for and comes back empty.
    assert db.execute("SELECT count(*) FROM raw_responses WHERE kind = 'engine'").fetchone()[0] == 5


def test_engine_answering_garbage_makes_the_audit_partial(tmp_path: Path, config_file: Path) -> None:
    scenario = load_scenario(scenario_with_faults(tmp_path, {"searxng": "malformed"}))
    with Sandbox(scenario) as faulty:
        run = auditor("audit", "-c", str(config_file), "--sandbox", faulty.url, "--as-of", AS_OF)
    assert run.code == 3, run.stderr
    data = read_json(config_file.parent / "reports" / SLUG / f"{AS_OF}.json")
    assert data["status"] == "partial"
    engines = {e["name"]: e for e in data["engines"]}
    assert engines["searxng"]["status"] == "parse_failure"
    assert engines["searxng"]["detail"]
    assert engines["duckduckgo_html"]["status"] == "ok"
    # The failed engine is left out of the score, not counted as zero.
    assert set(data["scores"]["visibility_by_engine"]) == {"duckduckgo_html"}
    assert not any(r["engine"] == "searxng" for r in data["results"])
    assert data["scores"]["overall"] is not None and data["scores"]["overall"] > 0
    assert "searxng" in run.stdout


def test_every_engine_failing_exits_4_with_a_report_that_says_so(tmp_path: Path, config_file: Path) -> None:
    faults = {"duckduckgo_html": "captcha", "searxng": "json_disabled"}
    with Sandbox(load_scenario(scenario_with_faults(tmp_path, faults))) as faulty:
        run = auditor("audit", "-c", str(config_file), "--sandbox", faulty.url, "--as-of", AS_OF)
    assert run.code == 4, run.stderr
    data = read_json(config_file.parent / "reports" / SLUG / f"{AS_OF}.json")
    assert data["status"] == "failed"
    assert {e["name"]: e["status"] for e in data["engines"]} == {
        "duckduckgo_html": "blocked",
        "searxng": "auth_error",
    }
    assert data["scores"]["overall"] is None
    assert data["scores"]["visibility"] is None
    assert (config_file.parent / "reports" / SLUG / f"{AS_OF}.html").exists()


def test_history_and_report_commands_read_the_stored_audit(sandbox: Sandbox, config_file: Path) -> None:
    for date in ("2026-01-01", "2026-02-01"):
        run = auditor("audit", "-q", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", date)
        assert run.code == 0, run.stderr
    # The run ends with its summary, in the report's language (the config's is French): status, change since the
    # audit before, best ever, the report's path.
    lines = run.stdout.splitlines()
    assert lines[0].startswith("État : complet   score global : ")
    assert any(line.startswith("Variation : ") and "depuis le 1er janvier 2026" in line for line in lines), run.stdout
    assert any(line.startswith("Meilleur score : ") for line in lines)
    assert lines[-1] == f"Rapport : {config_file.parent / 'reports' / SLUG / '2026-02-01.html'}"
    history = auditor("history", "-c", str(config_file), "--json")
    assert history.code == 0, history.stderr
    import json

    rows = json.loads(history.stdout)
    assert [(r["as_of"], r["status"]) for r in rows] == [("2026-01-01", "complete"), ("2026-02-01", "complete")]

    out = config_file.parent / "english.html"
    rendered = auditor("report", "latest", "-c", str(config_file), "--lang", "en", "-o", str(out))
    assert rendered.code == 0, rendered.stderr
    english = out.read_text(encoding="utf-8")
    assert '<html lang="en"' in english
    assert "2026-02-01" in english or "February 1, 2026" in english

    missing = auditor("report", "999", "-c", str(config_file))
    assert missing.code == 2
    assert "999" in missing.stderr


def test_module_and_console_script_both_run() -> None:
    import shutil
    import sys

    assert auditor("--help").code == 0
    script = Path(sys.executable).with_name("auditor")
    assert script.exists() or shutil.which("auditor"), "the console script `auditor` is not installed"
