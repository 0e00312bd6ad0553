"""SerpApi: Google or Bing through one key; requests, pagination, locale, parsing, statuses."""

from __future__ import annotations

import pytest

from auditor.engines.base import Locale
from auditor.engines.serpapi import ENDPOINT, SerpApi, parse_response
from auditor.models import EngineStatus, Query
from auditor.net.fetched import Fetched
from tests.engines.fixtures import response

QUERY = Query("Noémie Gagnon")


def test_google_request_pages_with_start_and_num() -> None:
    engine = SerpApi("secret", Locale.parse("fr-CA"))
    first = engine.first_request(QUERY, 30)
    assert first.url == ENDPOINT
    assert dict(first.params) == {
        "engine": "google",
        "q": "Noémie Gagnon",
        "hl": "fr",
        "gl": "ca",
        "num": "10",
        "start": "0",
        "api_key": "secret",
    }
    page = parse_response(response("serpapi", "google_results.json"))
    second = engine.next_request(QUERY, page, first, 10)
    assert second is not None and second.params["start"] == "10" and second.offset == 10
    assert engine.requests_for(30) == 3


def test_bing_request_pages_with_first_and_count_in_its_market() -> None:
    engine = SerpApi("secret", Locale.parse("en-US"), upstream="bing")
    first = engine.first_request(QUERY, 20)
    assert first.params["engine"] == "bing"
    assert (first.params["mkt"], first.params["cc"], first.params["first"], first.params["count"]) == (
        "en-US",
        "US",
        "1",
        "10",
    )
    page = parse_response(response("serpapi", "google_results.json"))
    second = engine.next_request(QUERY, page, first, 10)
    assert second is not None and second.params["first"] == "11"


@pytest.mark.parametrize(("locale", "hl", "gl"), [("fr-CA", "fr", "ca"), ("en-US", "en", "us")])
def test_google_locale_in_serpapi_terms(locale: str, hl: str, gl: str) -> None:
    params = SerpApi("k", Locale.parse(locale)).first_request(QUERY, 10).params
    assert (params["hl"], params["gl"]) == (hl, gl)


def test_unknown_upstream_is_refused() -> None:
    with pytest.raises(ValueError, match="google, bing"):
        SerpApi("k", Locale.parse("fr-CA"), upstream="yahoo")


def test_missing_key() -> None:
    refused = SerpApi(None, Locale.parse("fr-CA")).unavailable()
    assert refused is not None and refused.detail.startswith("SERPAPI_API_KEY is not set")


def test_organic_results_only_never_the_ads() -> None:
    parsed = parse_response(response("serpapi", "google_results.json"))
    assert parsed.status is EngineStatus.OK
    assert len(parsed.results) == 10
    assert [r.position for r in parsed.results] == list(range(1, 11))
    assert parsed.results[0].url == "https://noemiegagnon.ca/a-propos"
    assert not any("pigistes-ti" in r.url for r in parsed.results)
    assert parsed.next_page is not None


def test_later_page_keeps_absolute_positions_and_says_when_it_is_the_last() -> None:
    parsed = parse_response(response("serpapi", "google_page3.json"))
    assert [r.position for r in parsed.results][:2] == [21, 22]
    assert parsed.next_page is None


def test_bing_results_are_parsed_alike() -> None:
    parsed = parse_response(response("serpapi", "bing_results.json"))
    assert parsed.status is EngineStatus.OK
    assert parsed.results[0].position == 11


def test_no_results_message_is_a_genuine_empty_page() -> None:
    parsed = parse_response(response("serpapi", "empty.json"))
    assert parsed.status is EngineStatus.EMPTY
    assert "hasn't returned any results" in parsed.detail


def test_401_is_an_auth_error() -> None:
    parsed = parse_response(response("serpapi", "error_401.json", 401))
    assert parsed.status is EngineStatus.AUTH_ERROR and "Invalid API key" in parsed.detail


def test_429_out_of_searches_is_quota_exhausted_and_throughput_is_a_rate_limit() -> None:
    quota = parse_response(response("serpapi", "error_out_of_searches.json", 429))
    assert quota.status is EngineStatus.QUOTA_EXHAUSTED
    throughput = parse_response(response("serpapi", "error_throughput.json", 429, {"retry-after": "60"}))
    assert throughput.status is EngineStatus.RATE_LIMITED
    assert "Retry-After 60" in throughput.detail


def test_other_answers() -> None:
    assert parse_response(Fetched.of_text("<h1>down</h1>", status=503)).status is EngineStatus.NETWORK_ERROR
    assert parse_response(Fetched.of_text("not json")).status is EngineStatus.PARSE_FAILURE
    assert parse_response(Fetched.of_text('{"organic": []}')).status is EngineStatus.PARSE_FAILURE
    unsupported = parse_response(Fetched.of_text('{"error": "Unsupported `xx` search engine."}', status=400))
    assert unsupported.status is EngineStatus.NETWORK_ERROR and "Unsupported" in unsupported.detail
