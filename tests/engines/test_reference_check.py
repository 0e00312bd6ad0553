"""`make check-reference`: recordings through their engine's parser against a hand-written table. Tried here on
a folder built from the project's own fixtures (the real recordings are never read by tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor.engines.reference import check, main, recorded_response
from tests.engines.fixtures import FIXTURES

TABLE = """
[files."browser_google/page.html"]
status = "ok"
count = 10
first = "https://noemiegagnon.ca/"
last = "{last}"

[files."serpapi/answer.json"]
status = "ok"
count = 10

[files."searxng/notes.md"]
skip = "notes, not a response"
"""


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "reference"
    for engine, source, name in [
        ("browser_google", "results.html", "page.html"),
        ("serpapi", "google_results.json", "answer.json"),
    ]:
        (root / engine).mkdir(parents=True)
        shutil.copy(FIXTURES / engine / source, root / engine / name)
    (root / "searxng").mkdir()
    (root / "searxng" / "notes.md").write_text("# notes\n", encoding="utf-8")
    (root / "github").mkdir()
    (root / "github" / "user.http").write_text("HTTP/1.1 200 OK\n\n{}", encoding="utf-8")
    return root


def _table(tmp_path: Path, last: str) -> Path:
    path = tmp_path / "expected.toml"
    path.write_text(TABLE.format(last=last), encoding="utf-8")
    return path


def _last_google_url() -> str:
    from auditor.engines.browser_google import parse_page
    from tests.engines.fixtures import response

    return parse_page(response("browser_google", "results.html")).results[-1].url


def test_matching_recordings_pass_and_other_folders_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _folder(tmp_path)
    assert main([str(root), "--expected", str(_table(tmp_path, _last_google_url()))]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 recordings parse as expected" in out
    assert "skip github/: not an engine" in out and "skip searxng/notes.md: notes" in out


def test_a_drifted_expectation_fails_and_says_what_differs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _folder(tmp_path)
    assert main([str(root), "--expected", str(_table(tmp_path, "https://elsewhere.example/"))]) == 1
    out = capsys.readouterr().out
    assert "FAIL browser_google/page.html: last" in out and "expected 'https://elsewhere.example/'" in out


def test_unlisted_and_missing_recordings_fail(tmp_path: Path) -> None:
    root = _folder(tmp_path)
    shutil.copy(FIXTURES / "serpapi" / "empty.json", root / "serpapi" / "new.json")
    (root / "browser_google" / "page.html").unlink()
    table = {
        "browser_google/page.html": {"count": 10},
        "serpapi/answer.json": {"count": 10},
        "searxng/notes.md": {"skip": "notes"},
    }
    outcomes, _ = check(root, table)
    failed = {outcome.name: outcome.problems[0] for outcome in outcomes if not outcome.passed}
    assert set(failed) == {"serpapi/new.json", "browser_google/page.html"}
    assert "not in the expected table" in failed["serpapi/new.json"]
    assert "not in the folder" in failed["browser_google/page.html"]


def test_a_raw_http_recording_keeps_its_status_and_headers(tmp_path: Path) -> None:
    path = tmp_path / "answer.http"
    path.write_bytes(b'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 60\r\n\r\n{"error": "slow down"}')
    recorded = recorded_response(path, 200)
    assert (recorded.status_code, recorded.headers["retry-after"], recorded.text) == (
        429,
        "60",
        '{"error": "slow down"}',
    )


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert main([str(tmp_path / "nowhere"), "--expected", str(_table(tmp_path, "x"))]) == 2


def test_the_blocks_beyond_the_results_are_compared_when_written_down(tmp_path: Path) -> None:
    import json

    root = tmp_path / "reference"
    (root / "serpapi").mkdir(parents=True)
    answer = {
        "search_parameters": {"engine": "google"},
        "organic_results": [{"title": "A", "link": "https://a.example/"}],
        "knowledge_graph": {"title": "Coffee", "type": "Drink"},
        "related_questions": [{"question": "Why?"}, {"question": "How?"}],
    }
    (root / "serpapi" / "answer.json").write_text(json.dumps(answer), encoding="utf-8")
    right = {"features": {"knowledge_panel": 1, "people_also_ask": 2}, "panel": "Coffee"}
    wrong = {"features": {"people_also_ask": 3}, "panel": "Tea"}
    assert check(root, {"serpapi/answer.json": right})[0][0].passed
    outcome = check(root, {"serpapi/answer.json": wrong})[0][0]
    assert not outcome.passed
    assert outcome.problems == (
        "features {'knowledge_panel': 1, 'people_also_ask': 2}, expected {'people_also_ask': 3}",
        "panel 'Coffee', expected 'Tea'",
    )
