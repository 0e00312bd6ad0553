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
