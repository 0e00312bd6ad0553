"""Collect: ask for the planned pages through a `Fetcher` and hand back plain data.

Whether the fetcher sends the requests (an audit, recording every answer and failure as it comes, so that a
replay sees the same failure), answers some from an interrupted run (a resume), or answers all from the
history (a rescore), the code here is the same. `merge_pages` is the pure step from parsed pages to a `Serp`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from auditor.engines.base import Engine, EngineRequest
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult, Serp
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, Request, plain_words


def max_pages(depth: int) -> int:
    # Engines give about 10 results a page; one spare page covers pages shortened by dropped ads.
    return depth // 10 + 1


def merge_pages(
    engine: str, query: Query, depth: int, pages: Sequence[ParsedPage], requests: int | None = None
) -> Serp:
    """One engine's answer to one query from its pages, in page order. Pure.

    Positions run on across pages and a URL listed twice keeps its first place, up to `depth`. A failed page
    fails the whole query: a partial view would read as a drop. Pages after an empty page, or after `depth`
    was reached, are ignored, as collection would not have asked for them.
    """
    results: list[SearchResult] = []
    seen: set[str] = set()
    sent = len(pages) if requests is None else requests
    for number, page in enumerate(pages, start=1):
        if len(results) >= depth:
            break
        if not page.status.counts_in_score:
            where = f" (page {number})" if number > 1 else ""
            return Serp(engine, query, page.status, (), f"{page.detail}{where}", sent)
        for item in page.results:
            if item.url in seen:
                continue
            seen.add(item.url)
            results.append(replace(item, position=len(results) + 1))
        if page.status is EngineStatus.EMPTY:
            break
    status = EngineStatus.OK if results else EngineStatus.EMPTY
    detail = "" if results else "no results"
    features = pages[0].features if pages else ()
    return Serp(engine, query, status, tuple(results[:depth]), detail, sent, features)


async def collect_serp(
    fetcher: Fetcher,
    engine: Engine,
    query: Query,
    depth: int,
    refused: ParsedPage | None = None,
    *,
    check_key: bool = True,
) -> Serp:
    """Every page of `query` on `engine` until `depth` results, the engine's last page, or a failure.

    An engine whose key is not set (`Engine.unavailable`), or given `refused`, fails with that reason before
    it sends anything, and costs nothing. A replay passes `check_key=False`: what was sent then is in the
    history, whatever today's environment.
    """
    if refused is None and check_key:
        refused = engine.unavailable()
    if refused is not None:
        return Serp(engine.name, query, refused.status, (), refused.detail, 0)
    pages: list[ParsedPage] = []
    sent = 0  # requests sent on the wire, retries and redirect hops included: the engine's `requests` (issue 8)
    request: EngineRequest | None = engine.first_request(query, depth)
    for number in range(1, max_pages(depth) + 1):
        if request is None:
            break
        fetched = await fetcher.send(engine_request(engine, query, request, number))
        sent += 1 if fetched.attempts is None else fetched.attempts
        page = parse_answer(engine, fetched)
        pages.append(page)
        so_far = merge_pages(engine.name, query, depth, pages)
        if not so_far.status.counts_in_score or page.status is EngineStatus.EMPTY or len(so_far.results) >= depth:
            break
        request = engine.next_request(query, page, request, len(so_far.results))
    return merge_pages(engine.name, query, depth, pages, requests=sent)


def engine_request(engine: Engine, query: Query, request: EngineRequest, number: int) -> Request:
    """Page `number` of `query` as the fetcher is asked for it, and filed in the history."""
    return Request(
        request.url,
        "engine",
        via=engine.kind,
        method=request.method,
        params=request.params or None,
        form=request.form,
        json=request.json_body,
        headers=request.headers or None,
        retry_statuses=engine.rate_limit_statuses,
        interval=engine.min_interval,
        screenshot=engine.kind == "browser",
        engine=engine.name,
        query=query.text,
        page=number,
        describe=plain_words,
    )


def parse_answer(engine: Engine, fetched: Fetched) -> ParsedPage:
    if not fetched.answered:
        return ParsedPage(EngineStatus.NETWORK_ERROR, detail=fetched.error)
    return engine.parse(fetched)


async def fetch_page(fetcher: Fetcher, url: str, kind: str, subject: str | None = None) -> Fetched:
    """A site or namesake page, robots.txt respected; a failure is a `Fetched` with `error`, never an exception.

    `subject` names the page in the history (`site`, or the namesake page's key), so a replay finds it again.
    """
    subject = subject or (kind if kind == "site" else None)
    return await fetcher.send(Request(url, kind, respect_robots=True, subject=subject))
