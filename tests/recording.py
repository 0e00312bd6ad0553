"""A live fetcher for tests that keeps what an audit would store, as the records a replay reads back."""

from __future__ import annotations

from collections.abc import Callable

from auditor.net.client import HttpClient
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, RecordingFetcher, Request
from auditor.net.routing import Browser, RoutingFetcher
from auditor.store.raw import RawRecord


def recording(
    client: HttpClient, browser_factory: Callable[[], Browser] | None = None
) -> tuple[RoutingFetcher, Fetcher, list[RawRecord]]:
    """The routing fetcher (close it for the browser), the recording one to hand out, and what it recorded."""
    raws: list[RawRecord] = []

    def keep(asked: Request, fetched: Fetched) -> None:
        raws.append(RawRecord.filed(len(raws) + 1, asked, fetched))

    web = RoutingFetcher(client, browser_factory)
    return web, RecordingFetcher(web, keep), raws


def filed(
    kind: str,
    url: str,
    status_code: int | None,
    body: bytes,
    engine: str | None = None,
    query: str | None = None,
    page: int | None = None,
    *,
    subject: str | None = None,
    requested_url: str = "",
    headers: dict[str, str] | None = None,
    error: str = "",
    attempts: int | None = None,
    redirects: tuple[str, ...] = (),
) -> tuple[Request, Fetched]:
    """What `Store.save_raw` is given for one answer: what was asked, and what came back (`attempts` None:
    not known, as in rows stored before migration 003)."""
    asked = requested_url or url
    request = Request(asked, kind, engine=engine, query=query, page=page, subject=subject)
    return request, Fetched(asked, url, status_code, headers or {}, body, redirects, error, attempts)


def refiled(record: RawRecord) -> tuple[Request, Fetched]:
    """A recorded answer as `Store.save_raw` is given it."""
    asked = Request(
        record.requested_url,
        record.kind,
        engine=record.engine,
        query=record.query,
        page=record.page,
        subject=record.subject,
    )
    return asked, record
