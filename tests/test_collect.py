"""collect_serp with a fake engine over an httpx.MockTransport-backed HttpClient."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx

from auditor.audit.collect import collect_serp, fetch_page, max_pages
from auditor.engines.base import Engine, EngineRequest, http_status_page
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult, Serp
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetched import Fetched
from auditor.store.raw import RawRecord
from tests.recording import recording

QUERY = Query("Émilie Tremblay")
Page = Callable[[int], httpx.Response]


class FakeEngine(Engine):
    """GET https://engine.example/search?q=&page=N; answers are JSON lists of URLs."""

    name = "fake"
    kind = "api"

    def first_request(self, query: Query, depth: int) -> EngineRequest:
        params = {"q": query.text, "page": "1", "api_key": "SECRET"}
        return EngineRequest("GET", "https://engine.example/search", params=params)

    def next_request(
        self, query: Query, page: ParsedPage, previous: EngineRequest, fetched: int
    ) -> EngineRequest | None:
        if page.next_page is None:
            return None
        params = {**previous.params, "page": str(int(previous.params["page"]) + 1)}
        return EngineRequest("GET", previous.url, params=params, offset=fetched)

    def parse(self, response: Fetched) -> ParsedPage:
        early = http_status_page(response, self.name)
        if early is not None:
            return early
        data = json.loads(response.text)
        results = tuple(SearchResult(i, url, f"title {url}", "snippet") for i, url in enumerate(data["urls"], start=1))
        more = {"more": "yes"} if data.get("more", True) else None
        return ParsedPage(EngineStatus.OK if results else EngineStatus.EMPTY, results, next_page=more)


def urls(page: int, count: int = 10) -> list[str]:
    return [f"https://p{page}.example/{i}" for i in range(1, count + 1)]


def answer(payload: object, status: int = 200) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


class Engineroom:
    """The engine's server: `pages[n]` answers page n; remembers the pages asked."""

    def __init__(self, pages: dict[int, Callable[[], httpx.Response]]) -> None:
        self.pages = pages
        self.asked: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        self.asked.append(page)
        return self.pages[page]()


async def no_sleep(seconds: float) -> None:
    return None


async def public(host: str, port: int) -> list[str]:
    return ["93.184.215.14"]


def collect(server: Engineroom, depth: int) -> tuple[Serp, list[RawRecord]]:
    raws: list[RawRecord] = []

    async def main() -> Serp:
        nonlocal raws
        policy = HttpPolicy(html_interval=0, api_interval=0, retries=1)
        async with HttpClient(policy, transport=httpx.MockTransport(server), resolver=public, sleep=no_sleep) as client:
            _, fetcher, raws = recording(client)
            return await collect_serp(fetcher, FakeEngine(), QUERY, depth)

    return asyncio.run(main()), raws


def ok(page: int, count: int = 10, more: bool = True) -> Callable[[], httpx.Response]:
    return lambda: answer({"urls": urls(page, count), "more": more})


def test_max_pages() -> None:
    assert max_pages(10) == 2
    assert max_pages(20) == 3
    assert max_pages(30) == 4


def test_stops_at_depth() -> None:
    server = Engineroom({1: ok(1), 2: ok(2), 3: ok(3)})
    serp, raws = collect(server, depth=10)
    assert serp.status is EngineStatus.OK
    assert len(serp.results) == 10
    assert server.asked == [1]
    assert serp.requests == 1
    assert len(raws) == 1


def test_positions_are_renumbered_across_pages() -> None:
    server = Engineroom({1: ok(1), 2: ok(2), 3: ok(3)})
    serp, _ = collect(server, depth=20)
    assert server.asked == [1, 2]
    assert [r.position for r in serp.results] == list(range(1, 21))
    assert [r.url for r in serp.results] == urls(1) + urls(2)
    assert serp.engine == "fake"
    assert serp.query == QUERY


def test_short_pages_take_one_more_page_and_results_are_cut_at_depth() -> None:
    server = Engineroom({1: ok(1, 8), 2: ok(2, 8), 3: ok(3, 8), 4: ok(4, 8)})
    serp, _ = collect(server, depth=20)
    assert server.asked == [1, 2, 3]
    assert len(serp.results) == 20
    assert serp.results[-1].url == "https://p3.example/4"
    assert serp.requests == 3


def test_duplicate_urls_are_dropped() -> None:
    repeated = urls(1, 3) + urls(2, 7)  # page 2 repeats three results of page 1
    server = Engineroom({1: ok(1), 2: lambda: answer({"urls": repeated, "more": False})})
    serp, _ = collect(server, depth=20)
    assert [r.url for r in serp.results] == urls(1) + urls(2, 7)
    assert [r.position for r in serp.results] == list(range(1, 18))


def test_the_engines_last_page_ends_the_query() -> None:
    server = Engineroom({1: ok(1, 10, more=False), 2: ok(2)})
    serp, _ = collect(server, depth=20)
    assert server.asked == [1]
    assert len(serp.results) == 10
    assert serp.status is EngineStatus.OK


def test_no_results_is_empty() -> None:
    server = Engineroom({1: lambda: answer({"urls": []}), 2: ok(2)})
    serp, _ = collect(server, depth=20)
    assert serp.status is EngineStatus.EMPTY
    assert serp.results == ()
    assert server.asked == [1]


def test_a_failing_second_page_fails_the_whole_serp() -> None:
    limited = lambda: answer({"error": "slow down"}, 429)  # noqa: E731
    server = Engineroom({1: ok(1), 2: limited})
    serp, raws = collect(server, depth=20)
    assert serp.status is EngineStatus.RATE_LIMITED
    assert serp.results == ()
    assert "page 2" in serp.detail
    assert server.asked == [1, 2, 2]  # page 2 was retried once by the HTTP layer
    assert serp.requests == 3  # attempts, not pages: the retry counts against the budget too
    assert [(raw.status_code, raw.attempts) for raw in raws] == [(200, 1), (429, 2)]


def test_a_failing_first_page_does_not_name_a_page() -> None:
    server = Engineroom({1: lambda: answer({}, 403)})
    serp, _ = collect(server, depth=20)
    assert serp.status is EngineStatus.AUTH_ERROR
    assert "page" not in serp.detail


def test_network_errors_become_a_status_not_an_exception() -> None:
    def reset() -> httpx.Response:
        raise httpx.ConnectError("connection reset by peer")

    server = Engineroom({1: ok(1), 2: reset})
    serp, raws = collect(server, depth=20)
    assert serp.status is EngineStatus.NETWORK_ERROR
    assert "page 2" in serp.detail
    assert "connection" in serp.detail
    # The failure is kept too, as a record without a response, so that a replay fails the same way.
    assert [(raw.page, raw.status_code, bool(raw.error)) for raw in raws] == [(1, 200, False), (2, None, True)]
    assert "connection" in raws[1].error and "SECRET" not in raws[1].error


def test_a_too_large_answer_is_a_network_error() -> None:
    def huge() -> httpx.Response:
        body = b"[" + b" " * 6_000_000 + b"]"
        return httpx.Response(200, headers={"Content-Length": str(len(body))}, stream=httpx.ByteStream(body))

    serp, _ = collect(Engineroom({1: huge}), depth=20)
    assert serp.status is EngineStatus.NETWORK_ERROR
    assert "cap" in serp.detail


def test_raw_responses_are_handed_over_with_secrets_redacted() -> None:
    server = Engineroom({1: ok(1), 2: ok(2)})
    _, raws = collect(server, depth=20)
    assert [raw.kind for raw in raws] == ["engine", "engine"]
    assert all(raw.engine == "fake" and raw.query == "Émilie Tremblay" for raw in raws)
    assert all("SECRET" not in raw.url and "api_key=REDACTED" in raw.url for raw in raws)
    assert json.loads(raws[1].body)["urls"] == urls(2)


def fetch_site(robots: str) -> tuple[Fetched, list[RawRecord]]:
    def handler(request: httpx.Request) -> httpx.Response:
        body = robots.encode() if request.url.path == "/robots.txt" else b"<html>ok</html>"
        return httpx.Response(200, headers={"Content-Length": str(len(body))}, stream=httpx.ByteStream(body))

    raws: list[RawRecord] = []

    async def main() -> Fetched:
        nonlocal raws
        policy = HttpPolicy(html_interval=0, retries=0)
        async with HttpClient(policy, transport=httpx.MockTransport(handler), resolver=public, sleep=no_sleep) as c:
            _, fetcher, raws = recording(c)
            return await fetch_page(fetcher, "https://emilietremblay.ca/", "site")

    return asyncio.run(main()), raws


def test_fetch_page_reads_a_page() -> None:
    page, raws = fetch_site("")
    assert page.ok
    assert page.error == ""
    assert page.text == "<html>ok</html>"
    assert page.url == "https://emilietremblay.ca/"
    assert [(r.kind, r.status_code) for r in raws] == [("site", 200)]


def test_fetch_page_turns_a_refusal_into_an_error() -> None:
    page, raws = fetch_site("User-agent: *\nDisallow: /\n")
    assert not page.ok
    assert page.error.startswith("refused: robots.txt")
    assert [(r.kind, r.subject, r.status_code, r.error) for r in raws] == [("site", "site", None, page.error)]


def test_the_first_pages_blocks_beyond_the_results_are_kept() -> None:
    from auditor.audit.collect import merge_pages
    from auditor.models import FeatureKind, SerpFeature

    panel = SerpFeature(FeatureKind.KNOWLEDGE_PANEL, 1, "Émilie Tremblay")
    videos = SerpFeature(FeatureKind.VIDEOS, 2)
    first = ParsedPage(EngineStatus.OK, (SearchResult(1, "https://a.example/", "A", ""),), features=(panel,))
    second = ParsedPage(EngineStatus.OK, (SearchResult(1, "https://b.example/", "B", ""),), features=(videos,))
    serp = merge_pages("serpapi", Query("Émilie Tremblay"), 20, [first, second])
    assert serp.features == (panel,)
    failed = merge_pages("serpapi", Query("x"), 20, [first, ParsedPage(EngineStatus.RATE_LIMITED, detail="429")])
    assert failed.status is EngineStatus.RATE_LIMITED and failed.features == ()
