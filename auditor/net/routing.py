"""The live fetcher of an audit: plain requests to the HTTP client, `via="browser"` ones to Chromium.

The browser is made only when a request first needs it and closed by `aclose`. When Chromium cannot start,
it is not tried again for every page: each later browser request fails with the same reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlsplit

from auditor.errors import FetchError, FetchRefused, ResponseTooLarge
from auditor.net.browser import BrowserFetcher
from auditor.net.client import HttpClient
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, Request

BrowserFactory = Callable[[], "Browser"]


class Browser(Fetcher, Protocol):
    """What routing needs of `BrowserFetcher` (tests pass a fake)."""

    start_error: Exception | None
    """Why Chromium could not start, once it failed to."""

    async def aclose(self) -> None: ...


class RoutingFetcher:
    def __init__(self, client: HttpClient, browser_factory: BrowserFactory | None = None) -> None:
        self.client = client
        self._browser_factory = browser_factory or (lambda: BrowserFetcher(client.policy, client.pacer))
        self._browser: Browser | None = None
        self._browser_error: Exception | None = None
        self._starting = asyncio.Lock()

    async def __aenter__(self) -> RoutingFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._browser is not None:
            await self._browser.aclose()
            self._browser = None

    async def send(self, request: Request) -> Fetched:
        if request.via != "browser":
            return await self.client.send(request)
        if request.respect_robots:
            try:
                allowed = await self._allowed(request.full_url)
            except FetchError as exc:  # the host is out of reach: a network failure, not a robots.txt refusal
                return request.failed(exc, exc.attempts)
            if not allowed:
                refused = FetchRefused(f"robots.txt of {_host(request.url)} does not allow fetching {request.url}")
                return request.failed(refused, 0)
        if self._browser_error is not None:  # tried once already: Chromium is not started again for every page
            return request.failed(self._browser_error, 0)
        async with self._starting:
            if self._browser is None:
                self._browser = self._browser_factory()
        fetched = await self._browser.send(request)
        if fetched.error and self._browser_error is None:
            self._browser_error = self._browser.start_error
        return fetched

    async def _allowed(self, url: str) -> bool:
        """Raises FetchError when the host could not be reached at all (`HttpClient.allowed_by_robots`)."""
        try:
            return await self.client.allowed_by_robots(url)
        except (FetchRefused, ResponseTooLarge):
            return False


def _host(url: str) -> str:
    """As the profile's reason has always named it: lower-case, without `www.`."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")
