"""SearXNG's JSON API: requests, and parsing of the project's own recorded-shape fixtures."""

from __future__ import annotations

from pathlib import Path

from auditor.engines.searxng import Searxng, parse_response
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult
from auditor.net.fetched import Fetched

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "searxng"
URL = "https://searx.example.org/search"


def page(name: str, status: int = 200, headers: dict[str, str] | None = None) -> ParsedPage:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return parse_response(Fetched.of_text(text, status=status, headers=headers or {}, url=URL))


def test_results_with_engines_and_positions() -> None:
    parsed = page("results.json")
    assert parsed.status is EngineStatus.OK
    assert parsed.detail == ""
    assert len(parsed.results) == 10
    assert [r.position for r in parsed.results] == list(range(1, 11))
    assert parsed.results[0] == SearchResult(
        1,
        "https://emilietremblay.ca/",
        "Émilie Tremblay — Architecte infonuagique à Montréal",
        "Conseil en architecture infonuagique pour PME québécoises : migration, sécurité & coûts.",
        ("google", "bing"),
        (1, 2),
    )
    assert parsed.results[2].sources == ("google",)
    assert len(parsed.results[2].source_positions) == 1
    assert parsed.results[9].url == "https://speakerdeck.com/etremblay"


def test_degraded_page_is_ok_and_names_the_unresponsive_engines() -> None:
    parsed = page("degraded.json")
    assert parsed.status is EngineStatus.OK
    assert len(parsed.results) == 4
    assert parsed.detail.startswith("degraded")
    assert "bing (timeout)" in parsed.detail
    assert "duckduckgo (CAPTCHA)" in parsed.detail


def test_no_results_and_no_failure_is_empty() -> None:
    parsed = page("empty.json")
    assert parsed.status is EngineStatus.EMPTY
    assert parsed.results == ()


def test_no_results_because_upstream_engines_failed_is_blocked() -> None:
    parsed = page("blocked.json")
    assert parsed.status is EngineStatus.BLOCKED
    assert "google (too many requests)" in parsed.detail
    assert "bing" in parsed.detail


def test_malformed_json_is_a_parse_failure() -> None:
    parsed = page("malformed.json")
    assert parsed.status is EngineStatus.PARSE_FAILURE
    assert "JSON" in parsed.detail


def test_json_without_results_list_is_a_parse_failure() -> None:
    parsed = parse_response(Fetched.of_text('{"error": "No query"}', url=URL))
    assert parsed.status is EngineStatus.PARSE_FAILURE
    assert "results" in parsed.detail


def test_403_is_an_auth_error_with_the_settings_hint() -> None:
    parsed = page("forbidden.html", status=403)
    assert parsed.status is EngineStatus.AUTH_ERROR
    assert "settings.yml" in parsed.detail
    assert "json" in parsed.detail


def test_429_is_rate_limited_with_retry_after() -> None:
    parsed = page("empty.json", status=429, headers={"retry-after": "3600"})
    assert parsed.status is EngineStatus.RATE_LIMITED
    assert "Retry-After 3600" in parsed.detail


def test_429_without_retry_after() -> None:
    parsed = page("empty.json", status=429)
    assert parsed.status is EngineStatus.RATE_LIMITED
    assert "Retry-After" not in parsed.detail


def test_500_is_a_network_error() -> None:
    parsed = page("forbidden.html", status=500)
    assert parsed.status is EngineStatus.NETWORK_ERROR
    assert "HTTP 500" in parsed.detail


def test_first_request_is_a_json_get() -> None:
    engine = Searxng("https://searx.example.org/", "fr-CA")
    request = engine.first_request(Query("Émilie Tremblay"), 20)
    assert request.method == "GET"
    assert request.url == "https://searx.example.org/search"
    assert dict(request.params) == {"q": "Émilie Tremblay", "format": "json", "pageno": "1", "language": "fr-CA"}
    assert request.form is None
    assert engine.kind == "api"


def test_pinned_engines_are_joined_by_comma() -> None:
    engine = Searxng("https://searx.example.org", "en-US", ("google", "bing"))
    request = engine.first_request(Query("Émilie Tremblay"), 20)
    assert request.params["engines"] == "google,bing"
    assert request.params["language"] == "en-US"


def test_next_request_increments_pageno_and_offset() -> None:
    engine = Searxng("https://searx.example.org", "fr-CA")
    query = Query("Émilie Tremblay")
    first = engine.first_request(query, 30)
    second = engine.next_request(query, page("results.json"), first, 10)
    assert second is not None
    assert second.params["pageno"] == "2"
    assert second.offset == 10
    third = engine.next_request(query, page("results.json"), second, 20)
    assert third is not None
    assert third.params["pageno"] == "3"
    assert third.params["q"] == "Émilie Tremblay"


def test_no_next_request_after_an_empty_page() -> None:
    engine = Searxng("https://searx.example.org", "fr-CA")
    query = Query("Émilie Tremblay")
    first = engine.first_request(query, 20)
    assert engine.next_request(query, page("empty.json"), first, 0) is None


def test_positions_are_dropped_when_they_do_not_line_up_with_the_engines() -> None:
    body = '{"results": [{"url": "https://a.example/", "engines": ["google", "bing"], "positions": [3]}]}'
    parsed = parse_response(Fetched.of_text(body, url=URL))
    assert parsed.results[0].sources == ("google", "bing")
    assert parsed.results[0].source_positions == ()
