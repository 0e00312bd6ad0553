"""An audit's stored answers as a fetcher: the one reuse mechanism of `auditor rescore` and `--resume`.

`auditor rescore` runs an audit's collection again against `replayed(records)`, which answers every request
from the history and sends nothing, so today's parsers re-read what was received then. `auditor audit
--resume` runs it against `resumed(records, live, engines)`, which answers what an interrupted run already
received and is worth keeping, and sends the rest. When a request was answered more than once (a failed page
asked again by a resume), the latest answer wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from auditor.engines.base import Engine
from auditor.identify.urls import normalize
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, Request, RequestKey, request_key
from auditor.net.replay import NOT_STORED, ReplayFetcher
from auditor.store.raw import RawRecord

__all__ = ["NOT_STORED", "page_records", "replayed", "resumed", "reused_counts"]

GATHERED = ("profile", "profile_link")
"""The kinds of record profile gathering reads back (`verify.gather`)."""


def stored_answers(records: Iterable[RawRecord]) -> list[tuple[RequestKey, Fetched]]:
    """Every stored answer under what was asked for it, in the order they were stored."""
    return [
        (request_key(r.kind, r.requested_url, r.engine, r.query, r.page), r)
        for r in sorted(records, key=lambda r: r.id)
    ]


def replayed(records: Iterable[RawRecord]) -> ReplayFetcher:
    """Complete: every request answered as it was then, and one with nothing stored fails as `NOT_STORED`."""
    return ReplayFetcher(stored_answers(records))


def resumed(records: Iterable[RawRecord], live: Fetcher, engines: Sequence[Engine]) -> ReplayFetcher:
    """What a resumed audit need not ask again is answered from `records`; the rest goes to `live`.

    Kept: an engine page that parses to a status that counts, and any other answer unless it failed or
    answered "try later" (a server error, a rate limit), so that those are asked again.
    """
    by_name = {engine.name: engine for engine in engines}

    def keep(request: Request, fetched: Fetched) -> bool:
        if request.kind == "engine":
            engine = by_name.get(request.engine or "")
            return engine is not None and fetched.answered and engine.parse(fetched).status.counts_in_score
        return worth_keeping(fetched)

    return ReplayFetcher(stored_answers(records), live=live, keep=keep)


def reused_counts(records: Sequence[RawRecord]) -> tuple[int, bool, int, int]:
    """For the resume's announcement: answered engine pages, whether the site's page is kept, the profiles'
    answers kept, and the namesakes' pages kept (latest answer of each request)."""
    latest = {key: r for key, r in stored_answers(records) if isinstance(r, RawRecord)}
    kept = [r for r in latest.values() if r.kind != "engine" and worth_keeping(r)]
    engine_pages = sum(1 for r in latest.values() if r.kind == "engine" and r.page and r.answered)
    site = any(r.kind == "site" for r in kept)
    return (
        engine_pages,
        site,
        sum(1 for r in kept if r.kind in GATHERED),
        sum(1 for r in kept if r.kind == "candidate" and r.subject),
    )


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


def worth_keeping(fetched: Fetched) -> bool:
    return fetched.answered and not _try_later(fetched.status_code)


def _try_later(status: int | None) -> bool:
    # A server error or a rate limit; not LinkedIn's 999, its answer to every logged-out visitor.
    return status is None or status == 429 or 500 <= status < 600
