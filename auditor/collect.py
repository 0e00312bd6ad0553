"""Collect: send the planned requests through the HTTP layer and hand back plain data (the only network stage).

Each response is passed to `on_raw` as it arrives, so it is stored with the audit before anything is parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.engines.base import Engine, EngineRequest, EngineResponse
from auditor.errors import FetchRefused, ResponseTooLarge
from auditor.http import FetchError, FetchResult, HttpClient, redact
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult, Serp
from auditor.verify.pages import PageFetch


@dataclass(frozen=True)
class RawResponse:
    """A response as received, for the history (rescoring, evidence)."""

    kind: str
    """`engine`, `profile` or `site`."""
    url: str
    status_code: int | None
    body: bytes
    engine: str | None = None
    query: str | None = None


RawSink = Callable[[RawResponse], None]


def max_pages(depth: int) -> int:
    # Engines give about 10 results a page; one spare page covers pages shortened by dropped ads.
    return depth // 10 + 1


async def collect_serp(client: HttpClient, engine: Engine, query: Query, depth: int, on_raw: RawSink) -> Serp:
    """Every page of `query` on `engine` until `depth` results, the engine's last page, or a failure."""
    results: list[SearchResult] = []
    seen: set[str] = set()
    request: EngineRequest | None = engine.first_request(query, depth)
    sent = 0
    for page_number in range(1, max_pages(depth) + 1):
        if request is None or len(results) >= depth:
            break
        page = await _fetch_page(client, engine, query, request, on_raw)
        sent += 1
        if not page.status.counts_in_score:
            # A failed later page still fails the whole query: a partial view would read as a drop.
            where = f" (page {page_number})" if page_number > 1 else ""
            return Serp(engine.name, query, page.status, (), f"{page.detail}{where}", sent)
        for item in page.results:
            if item.url in seen:
                continue
            seen.add(item.url)
            results.append(SearchResult(len(results) + 1, item.url, item.title, item.snippet, item.sources))
        if page.status is EngineStatus.EMPTY:
            break
        request = engine.next_request(query, page, request, len(results))
    status = EngineStatus.OK if results else EngineStatus.EMPTY
    detail = "" if results else "no results"
    return Serp(engine.name, query, status, tuple(results[:depth]), detail, sent)


async def _fetch_page(
    client: HttpClient, engine: Engine, query: Query, request: EngineRequest, on_raw: RawSink
) -> ParsedPage:
    try:
        result = await client.fetch(
            request.url,
            method=request.method,
            kind=engine.kind,
            params=request.params or None,
            form=request.form,
            headers=request.headers or None,
            extra_retry_statuses=engine.rate_limit_statuses,
        )
    except (FetchError, FetchRefused, ResponseTooLarge) as exc:
        return ParsedPage(EngineStatus.NETWORK_ERROR, detail=str(exc))
    on_raw(RawResponse("engine", redact(result.url), result.status_code, result.body, engine.name, query.text))
    return engine.parse(EngineResponse(result.status_code, result.text, result.headers, result.url))


async def fetch_page(client: HttpClient, url: str, kind: str, on_raw: RawSink) -> PageFetch:
    """A profile or site page, robots.txt respected; failures become `PageFetch.error`, never exceptions."""
    try:
        result: FetchResult = await client.fetch(url, respect_robots=True)
    except FetchRefused as exc:
        return PageFetch(url, error=f"refused: {exc}")
    except ResponseTooLarge as exc:
        return PageFetch(url, error=str(exc))
    except FetchError as exc:
        return PageFetch(url, error=f"{exc.kind}: {exc}")
    on_raw(RawResponse(kind, result.url, result.status_code, result.body))
    return PageFetch(url, result.url, result.status_code, result.text, result.headers)
