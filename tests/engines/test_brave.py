"""Brave Search API: requests (count/offset pagination, country and search_lang), parsing, statuses."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from auditor.audit.collect import collect_serp
from auditor.engines.base import Locale
from auditor.engines.brave import ENDPOINT, Brave, count_for_depth, parse_response
from auditor.models import EngineStatus, Query
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetched import Fetched
from tests.engines.fixtures import response

QUERY = Query("Noémie Gagnon")
FR_CA = Locale.parse("fr-CA")
RATE_HEADERS = {"x-ratelimit-limit": "1, 2000", "x-ratelimit-reset": "1, 1209600"}


@pytest.mark.parametrize(("depth", "count", "requests"), [(10, 10, 1), (20, 20, 1), (30, 15, 2)])
def test_page_size_reaches_depth_in_full_pages(depth: int, count: int, requests: int) -> None:
    engine = Brave("key", FR_CA)
    assert count_for_depth(depth) == count
    assert engine.requests_for(depth) == requests
    assert engine.first_request(QUERY, depth).params["count"] == str(count)


@pytest.mark.parametrize(("locale", "country", "lang"), [("fr-CA", "CA", "fr"), ("en-US", "US", "en")])
def test_locale_in_brave_terms(locale: str, country: str, lang: str) -> None:
    request = Brave("key", Locale.parse(locale)).first_request(QUERY, 20)
    assert request.params["country"] == country
    assert request.params["search_lang"] == lang


def test_first_request_sends_the_key_in_a_header_never_in_the_url() -> None:
    request = Brave("secret-key", FR_CA).first_request(QUERY, 20)
    assert request.method == "GET" and request.url == ENDPOINT
    assert request.headers["X-Subscription-Token"] == "secret-key"
    assert "secret-key" not in str(dict(request.params))
    assert request.params["text_decorations"] == "false"
    assert request.params["offset"] == "0"
    # The results and the blocks the report shows beside them; Brave leaves out any type not named.
    assert set(request.params["result_filter"].split(",")) == {"web", "infobox", "faq", "news", "videos"}


def test_offset_counts_pages_and_stops_when_brave_has_no_more() -> None:
    engine = Brave("key", FR_CA)
    first = engine.first_request(QUERY, 30)
    page = parse_response(response("brave", "results.json"))
    second = engine.next_request(QUERY, page, first, 15)
    assert second is not None
    assert (second.params["offset"], second.params["count"], second.offset) == ("1", "15", 15)
    last = parse_response(response("brave", "page2.json", url=f"{ENDPOINT}?offset=1&count=15"))
    assert last.next_page is None
    assert engine.next_request(QUERY, last, second, 30) is None


def test_offset_never_passes_nine() -> None:
    engine = Brave("key", FR_CA)
    page = parse_response(response("brave", "results.json"))
    ninth = engine.first_request(QUERY, 10)
    ninth = type(ninth)(ninth.method, ninth.url, {**ninth.params, "offset": "9"}, headers=ninth.headers)
    assert engine.next_request(QUERY, page, ninth, 90) is None


def test_missing_key_makes_the_engine_unavailable() -> None:
    refused = Brave(None, FR_CA, key_env="MY_BRAVE").unavailable()
    assert refused is not None and refused.status is EngineStatus.AUTH_ERROR
    assert refused.detail.startswith("MY_BRAVE is not set")
    assert "brave" in refused.detail
    assert Brave("key", FR_CA).unavailable() is None


def test_results_are_plain_text_and_skip_items_without_a_url() -> None:
    parsed = parse_response(response("brave", "results.json"))
    assert parsed.status is EngineStatus.OK
    assert len(parsed.results) == 20  # a video cluster entry without URL is skipped
    assert [r.position for r in parsed.results] == list(range(1, 21))
    first = parsed.results[0]
    assert first.url == "https://noemiegagnon.ca/"
    assert first.title == "Noémie Gagnon — Conseillère en données à Québec"
    assert first.snippet.startswith("Noémie Gagnon accompagne")  # `<strong>` removed
    assert parsed.next_page is not None


def test_positions_continue_on_later_pages() -> None:
    parsed = parse_response(response("brave", "page2.json", url=f"{ENDPOINT}?q=x&count=15&offset=1"))
    assert parsed.results[0].position == 16


def test_no_web_section_is_a_genuine_empty_page() -> None:
    parsed = parse_response(response("brave", "empty.json"))
    assert parsed.status is EngineStatus.EMPTY


def test_401_is_an_auth_error() -> None:
    parsed = parse_response(response("brave", "error_401.json", 401))
    assert parsed.status is EngineStatus.AUTH_ERROR
    assert "SUBSCRIPTION_TOKEN_INVALID" in parsed.detail


def test_429_with_month_remaining_is_a_rate_limit() -> None:
    headers = {**RATE_HEADERS, "x-ratelimit-remaining": "0, 1500"}
    parsed = parse_response(response("brave", "error_rate.json", 429, headers))
    assert parsed.status is EngineStatus.RATE_LIMITED
    assert "retry after 1 s" in parsed.detail


def test_429_with_nothing_left_this_month_is_quota_exhausted() -> None:
    headers = {**RATE_HEADERS, "x-ratelimit-remaining": "1, 0"}
    parsed = parse_response(response("brave", "error_rate.json", 429, headers))
    assert parsed.status is EngineStatus.QUOTA_EXHAUSTED
    assert "14 days" in parsed.detail
    quota = parse_response(response("brave", "error_quota.json", 429))  # the error code says it too
    assert quota.status is EngineStatus.QUOTA_EXHAUSTED


def test_retry_after_is_recorded_when_given() -> None:
    parsed = parse_response(Fetched.of_text("", status=429, headers={"retry-after": "7"}))
    assert parsed.status is EngineStatus.RATE_LIMITED and "retry after 7 s" in parsed.detail


@pytest.mark.parametrize(
    ("body", "expected"),
    [("", "empty body"), ("<html>maintenance</html>", "not a JSON object"), ('{"results": []}', "`web`")],
)
def test_bodies_that_are_not_brave_answers_are_parse_failures(body: str, expected: str) -> None:
    parsed = parse_response(Fetched.of_text(body))
    assert parsed.status is EngineStatus.PARSE_FAILURE
    assert expected in parsed.detail


def test_requests_are_paced_at_the_free_plans_one_a_second() -> None:
    waits: list[float] = []
    now = [0.0]

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    async def public(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    def answer(request: httpx.Request) -> httpx.Response:
        offset, count = int(request.url.params["offset"]), int(request.url.params["count"])
        results = [
            {"title": f"t{i}", "url": f"https://r{i}.example/"} for i in range(offset * count, offset * count + count)
        ]
        body = {"type": "search", "query": {"more_results_available": True}, "web": {"results": results}}
        return httpx.Response(200, json=body)

    async def run() -> int:
        policy = HttpPolicy(api_interval=0.0)
        transport = httpx.MockTransport(answer)
        async with HttpClient(
            policy, transport=transport, resolver=public, sleep=sleep, clock=lambda: now[0]
        ) as client:
            serp = await collect_serp(client, Brave("k", FR_CA), QUERY, 30)
            return len(serp.results)

    assert asyncio.run(run()) == 30
    assert waits == [1.0]
