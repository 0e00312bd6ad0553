"""An audit replayed from its stored responses. Pure: records in, plain data out.

Two users: `auditor rescore` re-parses every stored response with today's parsers, and `auditor audit
--resume` reuses what an interrupted run already received so that it is not requested (nor paid for) twice.
When a request was answered more than once (a failed page asked again by a resume), the latest answer wins.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence

from auditor.audit.collect import Reuse, merge_pages
from auditor.engines.base import Engine, EngineResponse
from auditor.identify.links import SiteTarget
from auditor.identify.networks import Registry
from auditor.identify.urls import normalize
from auditor.models import EngineStatus, ParsedPage, Query, Serp
from auditor.net.bodies import decode_body
from auditor.net.client import FetchResult
from auditor.store.raw import RawRecord
from auditor.verify.answers import NOT_STORED, Failed, StoredAnswers
from auditor.verify.evidence import ProfileEvidence
from auditor.verify.gather import ProfileGatherer
from auditor.verify.pages import PageFetch

GATHERED = ("profile", "profile_link")
"""The kinds of record profile gathering reads back (`verify.gather`)."""


def engine_pages(records: Iterable[RawRecord]) -> dict[tuple[str, str], list[RawRecord]]:
    """(engine, query) -> its pages in page order, the latest record of each page."""
    latest: dict[tuple[str, str, int], RawRecord] = {}
    for record in sorted(records, key=lambda r: r.id):
        if record.kind == "engine" and record.engine and record.query is not None and record.page:
            latest[(record.engine, record.query, record.page)] = record
    grouped: dict[tuple[str, str], list[RawRecord]] = {}
    for (engine, query, _), record in sorted(latest.items(), key=lambda item: item[0]):
        grouped.setdefault((engine, query), []).append(record)
    return grouped


def page_records(records: Iterable[RawRecord], profiles: Mapping[str, str]) -> dict[str, RawRecord]:
    """Profile key or `site` -> the latest record of that page.

    Profile rows stored before migration 002 carry no key: they are matched to a profile by URL.
    """
    by_url = {normalize(url): key for key, url in profiles.items()}
    found: dict[str, RawRecord] = {}
    for record in sorted(records, key=lambda r: r.id):
        if record.kind == "site":
            found["site"] = record
        elif record.kind == "profile":
            subject = record.subject or by_url.get(normalize(record.requested_url)) or by_url.get(normalize(record.url))
            if subject:
                found[subject] = record
    return found


def engine_response(record: RawRecord) -> EngineResponse:
    text = decode_body(record.body, record.headers.get("content-type", ""))
    return EngineResponse(record.status_code or 0, text, dict(record.headers), record.url)


def parse_record(engine: Engine, record: RawRecord) -> ParsedPage:
    if not record.answered:
        return ParsedPage(EngineStatus.NETWORK_ERROR, detail=record.error or NOT_STORED)
    return engine.parse(engine_response(record))


def page_fetch(url: str, record: RawRecord | None) -> PageFetch:
    """The `PageFetch` that collection made of this page, rebuilt from its record."""
    if record is None:
        return PageFetch(url, error=NOT_STORED)
    if not record.answered:
        return PageFetch(url, error=record.error or NOT_STORED)
    text = decode_body(record.body, record.headers.get("content-type", ""))
    return PageFetch(url, record.url, record.status_code, text, dict(record.headers))


def replay_serps(
    engines: Sequence[Engine],
    queries: Sequence[Query],
    depth: int,
    records: Sequence[RawRecord],
    unsent: Mapping[str, tuple[EngineStatus, str]] | None = None,
) -> list[Serp]:
    """Every engine's answer to every query, re-parsed from the stored pages (in collection's order).

    `unsent` gives, for an engine that stored nothing at all because it never sent anything (its key was not
    set, its budget was spent), the status and reason it failed with then; it fails the same way again.
    """
    pages = engine_pages(records)
    asked = {engine for engine, _ in pages}
    serps = []
    for engine in engines:
        for query in queries:
            if engine.name not in asked and unsent and engine.name in unsent:
                status, detail = unsent[engine.name]
                serps.append(Serp(engine.name, query, status, (), detail, 0))
                continue
            stored = pages.get((engine.name, query.text), [])
            parsed = [parse_record(engine, r) for r in stored]
            if not parsed:
                parsed = [ParsedPage(EngineStatus.NETWORK_ERROR, detail=NOT_STORED)]
            sent = sum(1 if r.attempts is None else r.attempts for r in stored)
            serps.append(merge_pages(engine.name, query, depth, parsed, requests=sent))
    return serps


def profile_answers(records: Iterable[RawRecord], *, complete: bool) -> StoredAnswers:
    """What profile gathering asked and got (API answers, pages, links followed), for it to ask no more.

    `complete` (a rescore): every stored answer and failure, and nothing else may be sent. Otherwise (a
    resume): only the answers worth keeping, so that failures and "try later" answers are asked again.
    """
    latest: dict[tuple[str, str], RawRecord] = {}
    for record in sorted(records, key=lambda r: r.id):
        if record.kind in GATHERED:
            latest[(record.kind, record.requested_url)] = record
    answers: dict[tuple[str, str], FetchResult | Failed] = {}
    for request, record in latest.items():
        if _worth_keeping(record) or (complete and record.answered):
            answers[request] = fetch_result(record)
        elif complete:
            reached = record.url if record.url != record.requested_url else ""
            answers[request] = Failed(record.error or NOT_STORED, reached)
    return StoredAnswers(answers, complete=complete)


def replay_profiles(
    profiles: Mapping[str, str],
    site: SiteTarget,
    names: Sequence[str],
    records: Sequence[RawRecord],
    registry: Registry,
) -> dict[str, ProfileEvidence]:
    """Each profile's evidence gathered again from the stored answers alone (API, page, links followed and
    their redirect chains), through the same code as an audit; nothing is sent."""
    answers = profile_answers(records, complete=True)

    async def gather_all() -> dict[str, ProfileEvidence]:
        async with ProfileGatherer(None, site=site, names=names, registry=registry, answers=answers) as gatherer:
            return {key: await gatherer.gather(key, url) for key, url in profiles.items()}

    return asyncio.run(gather_all())


def fetch_result(record: RawRecord) -> FetchResult:
    """The answer as the HTTP layer gave it. A row stored before its redirect chain was kept (migration 005)
    shows one hop from the URL asked to the final one, which is where the chain led."""
    redirects = record.redirects
    if redirects is None:
        redirects = (record.requested_url,) if record.url != record.requested_url else ()
    return FetchResult(
        record.url, record.status_code or 0, dict(record.headers), record.body, redirects, record.attempts or 1
    )


def reusable(records: Sequence[RawRecord], site: str) -> Reuse:
    """What a resumed audit need not ask again: every answered engine page (collection reuses those that parse
    to a status that counts), the site's page, the profiles' answers and links followed, and the namesakes'
    pages, each unless it failed or answered "try later".
    """
    responses = {
        (engine, query, record.page or 0): engine_response(record)
        for (engine, query), stored in engine_pages(records).items()
        for record in stored
        if record.answered
    }
    stored_site = page_records(records, {}).get("site")
    pages = {}
    if stored_site is not None and _worth_keeping(stored_site):
        pages["site"] = page_fetch(site, stored_site)
    candidates = {
        r.subject: page_fetch(r.requested_url, r)
        for r in sorted(records, key=lambda r: r.id)
        if r.kind == "candidate" and r.subject and _worth_keeping(r)
    }
    return Reuse(responses, pages, profile_answers(records, complete=False), candidates)


def _worth_keeping(record: RawRecord) -> bool:
    return record.answered and not _try_later(record.status_code)


def _try_later(status: int | None) -> bool:
    # A server error or a rate limit; not LinkedIn's 999, its answer to every logged-out visitor.
    return status is None or status == 429 or 500 <= status < 600
