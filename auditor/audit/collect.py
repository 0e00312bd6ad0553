"""Collect: send the planned requests through the HTTP layer and hand back plain data (the only network stage).

Each response is passed to `on_raw` as it arrives, so it is stored with the audit before anything is parsed;
so is each failure, so that a replay of the audit (`auditor rescore`) sees the same failure. `merge_pages`
is the pure step from parsed pages to a `Serp`, shared by collection, rescoring and resuming.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import httpx

from auditor.engines.base import Engine, EngineRequest, EngineResponse
from auditor.errors import FetchError, FetchRefused, ResponseTooLarge, attempts_of
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult, Serp
from auditor.net.browser import BrowserFetcher, BrowserUnavailable
from auditor.net.client import FetchResult, HttpClient
from auditor.net.redaction import redact
from auditor.verify.answers import StoredAnswers
from auditor.verify.pages import PageFetch


@dataclass(frozen=True)
class RawResponse:
    """A response as received, or the reason none came, for the history (rescoring, resuming, evidence)."""

    kind: str
    """`engine`, `profile` or `site`."""
    url: str
    """The final URL after redirects; the requested URL when no response came."""
    status_code: int | None
    body: bytes
    engine: str | None = None
    query: str | None = None
    page: int | None = None
    """Engine responses: the 1-based page of the query."""
    subject: str | None = None
    """Profile and site responses: the profile's key in the config, or `site`."""
    requested_url: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    """The response's headers as received (the store keeps only those parsers read)."""
    error: str = ""
    """Why no response came (timeout, refused, too large ...); `status_code` is then None."""
    attempts: int | None = None
    """Requests sent on the wire for it, retries and redirect hops included (what counts against a budget);
    None when not known (rows stored before migration 003)."""
    redirects: tuple[str, ...] | None = None
    """Every URL visited before `url`, for the answers whose chain a replay reads (links followed from a
    profile); None when not recorded."""


RawSink = Callable[[RawResponse], None]


@dataclass(frozen=True)
class Reuse:
    """What an interrupted run of the same audit already received (`auditor audit --resume`)."""

    engine_responses: Mapping[tuple[str, str, int], EngineResponse] = field(default_factory=dict)
    """(engine, query text, page) -> stored response; reused only when it parses to a status that counts."""
    pages: Mapping[str, PageFetch] = field(default_factory=dict)
    """`site` -> the stored page."""
    profiles: StoredAnswers = field(default_factory=StoredAnswers)
    """What profile gathering asked and got: API answers, profile pages, links followed."""
    candidates: Mapping[str, PageFetch] = field(default_factory=dict)
    """A namesake's page (`identify.candidates`), by the key it was filed under."""

    def engine_pages(self, engine: str, query: str) -> dict[int, EngineResponse]:
        return {page: r for (e, q, page), r in self.engine_responses.items() if (e, q) == (engine, query)}


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
    return Serp(engine, query, status, tuple(results[:depth]), detail, sent)


async def collect_serp(
    client: HttpClient,
    engine: Engine,
    query: Query,
    depth: int,
    on_raw: RawSink,
    stored: Mapping[int, EngineResponse] | None = None,
    browser: BrowserFetcher | None = None,
) -> Serp:
    """Every page of `query` on `engine` until `depth` results, the engine's last page, or a failure.

    `stored` holds pages an interrupted run already received (by page number): one that parses to a status
    that counts is used as it is and not requested again. `browser` renders the pages of `kind = "browser"`
    engines.
    """
    refused = engine.unavailable()
    if refused is not None:
        # Nothing is sent (its key is not set): the engine fails with that reason and costs nothing.
        return Serp(engine.name, query, refused.status, (), refused.detail, 0)
    pages: list[ParsedPage] = []
    sent = 0  # requests sent on the wire, retries and redirect hops included: the engine's `requests` (issue 8)
    request: EngineRequest | None = engine.first_request(query, depth)
    for number in range(1, max_pages(depth) + 1):
        if request is None:
            break
        page = _stored_page(engine, stored, number)
        if page is None:
            page, attempts = await _fetch_page(client, engine, query, request, number, on_raw, browser)
            sent += attempts
        else:
            sent += 1  # sent by the interrupted run this audit resumes
        pages.append(page)
        so_far = merge_pages(engine.name, query, depth, pages)
        if not so_far.status.counts_in_score or page.status is EngineStatus.EMPTY or len(so_far.results) >= depth:
            break
        request = engine.next_request(query, page, request, len(so_far.results))
    return merge_pages(engine.name, query, depth, pages, requests=sent)


def _stored_page(engine: Engine, stored: Mapping[int, EngineResponse] | None, number: int) -> ParsedPage | None:
    response = stored.get(number) if stored else None
    if response is None:
        return None
    page = engine.parse(response)
    return page if page.status.counts_in_score else None


async def _fetch_page(
    client: HttpClient,
    engine: Engine,
    query: Query,
    request: EngineRequest,
    number: int,
    on_raw: RawSink,
    browser: BrowserFetcher | None = None,
) -> tuple[ParsedPage, int]:
    """The parsed page and the requests it took (retries and redirect hops included)."""
    full = str(httpx.URL(request.url, params=request.params)) if request.params else request.url
    asked = redact(full)
    try:
        if engine.kind == "browser":
            result = await _render(browser, full)
        else:
            result = await client.fetch(
                request.url,
                method=request.method,
                kind=engine.kind,
                params=request.params or None,
                form=request.form,
                json=request.json_body,
                headers=request.headers or None,
                extra_retry_statuses=engine.rate_limit_statuses,
                interval=engine.min_interval,
            )
    except (FetchError, FetchRefused, ResponseTooLarge, BrowserUnavailable) as exc:
        error = f"{exc}: {exc.tip}" if isinstance(exc, BrowserUnavailable) else str(exc)
        attempts = attempts_of(exc)
        on_raw(
            RawResponse(
                "engine", asked, None, b"", engine.name, query.text, number, requested_url=asked, error=error,
                attempts=attempts,
            )
        )  # fmt: skip
        return ParsedPage(EngineStatus.NETWORK_ERROR, detail=error), attempts
    on_raw(
        RawResponse(
            "engine", redact(result.url), result.status_code, result.body, engine.name, query.text, number,
            requested_url=asked, headers=result.headers, attempts=result.attempts,
        )
    )  # fmt: skip
    parsed = engine.parse(EngineResponse(result.status_code, result.text, result.headers, redact(result.url)))
    return parsed, result.attempts


async def _render(browser: BrowserFetcher | None, url: str) -> FetchResult:
    """A results page rendered by the browser (browser engines); Chromium starts on the first one."""
    if browser is None:
        raise FetchError("browser", "this engine needs the browser fetcher, and none was given")
    return await browser.fetch(url)


async def fetch_page(client: HttpClient, url: str, kind: str, on_raw: RawSink, subject: str | None = None) -> PageFetch:
    """A profile or site page, robots.txt respected; failures become `PageFetch.error`, never exceptions.

    `subject` names the page in the history (the profile's key, or `site`), so a replay finds it again.
    """
    subject = subject or (kind if kind == "site" else None)
    try:
        result: FetchResult = await client.fetch(url, respect_robots=True)
    except FetchRefused as exc:
        error = f"refused: {exc}"
    except ResponseTooLarge as exc:
        error = str(exc)
    except FetchError as exc:
        error = f"{exc.kind}: {exc}"
    else:
        on_raw(
            RawResponse(
                kind, redact(result.url), result.status_code, result.body, subject=subject, requested_url=url,
                headers=result.headers, attempts=result.attempts,
            )
        )  # fmt: skip
        return PageFetch(url, result.url, result.status_code, result.text, result.headers)
    on_raw(RawResponse(kind, url, None, b"", subject=subject, requested_url=url, error=error))
    return PageFetch(url, error=error)
