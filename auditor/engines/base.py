"""The engine interface: build a request, parse a response (pure), say what a response means.

One module per engine implements it. Engines never send anything themselves: `collect` does, through the
one HTTP layer (or the browser fetcher for `kind = "browser"`), so that pacing, retries, size caps and sandbox
routing apply to every engine alike.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from auditor.models import EngineStatus, ParsedPage, Query
from auditor.net.fetched import Fetched


@dataclass(frozen=True)
class EngineRequest:
    """One request an engine wants sent."""

    method: str
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    """Query-string parameters."""
    form: Mapping[str, str] | None = None
    """Form fields for a POST (DuckDuckGo's HTML endpoint)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Sent, never logged nor stored: API keys travel here or in a redacted parameter."""
    offset: int = 0
    """How many results earlier pages held: positions on this page start after it."""
    json_body: Mapping[str, object] | None = None
    """A JSON body for a POST (Serper)."""


@dataclass(frozen=True)
class Locale:
    """A person's `fr-CA`, split so that each engine can spell it in its own terms."""

    language: str
    """Lower-case ISO 639-1: `fr`."""
    region: str
    """Upper-case ISO 3166-1 alpha-2: `CA`."""

    @classmethod
    def parse(cls, locale: str) -> Locale:
        language, _, region = locale.replace("_", "-").partition("-")
        return cls(language.lower(), region.upper())

    @property
    def tag(self) -> str:
        return f"{self.language}-{self.region}"


class Engine(ABC):
    """A search backend. Subclasses set `name`, `kind` and implement the three abstract methods."""

    name: str
    kind: str = "api"
    """`html` for scraped pages (paced 1 s a host by default), `api` for documented APIs, `browser` for result
    pages that Playwright renders (collect uses the browser fetcher for those)."""
    rate_limit_statuses: frozenset[int] = frozenset()
    """Status codes that mean "slow down" for this engine beyond 429 (DuckDuckGo's 202): retried with backoff."""
    min_interval: float | None = None
    """Seconds between two requests to this engine's host when its documented rate asks for it (Brave's free
    plan: 1 a second); None keeps the HTTP layer's default for `kind`."""
    page_size: int = 10
    """Results a request asks for: with the depth, it says how many requests a query costs."""

    @abstractmethod
    def first_request(self, query: Query, depth: int) -> EngineRequest:
        """The request for the first page of `query`."""

    @abstractmethod
    def next_request(
        self, query: Query, page: ParsedPage, previous: EngineRequest, fetched: int
    ) -> EngineRequest | None:
        """The request for the page after `previous`, or None when the engine has no more."""

    @abstractmethod
    def parse(self, response: Fetched) -> ParsedPage:
        """Turn one response into a status and results. Pure: no I/O, no clock."""

    def unavailable(self) -> ParsedPage | None:
        """A status that stops this engine before it sends anything (its API key is not set); None to go on."""
        return None

    def requests_for(self, depth: int) -> int:
        """Requests one query costs at `depth` when every page is full (what budgets are checked against)."""
        return math.ceil(depth / self.page_size)


class OffsetPagedEngine(Engine):
    """An engine whose pages are addressed by the 0-based offset of their first result, `page_size` apart.

    Subclasses build one page's request in `request_at`; the first and next requests follow from it, and the
    next one is asked for only while the engine says there is more (`ParsedPage.next_page`).
    """

    max_offset: int | None = None
    """The largest offset the engine accepts (Google's Custom Search stops at start=91)."""

    @abstractmethod
    def request_at(self, query: Query, offset: int) -> EngineRequest:
        """The request for the page whose first result is number `offset + 1`."""

    def first_request(self, query: Query, depth: int) -> EngineRequest:
        return self.request_at(query, 0)

    def next_request(
        self, query: Query, page: ParsedPage, previous: EngineRequest, fetched: int
    ) -> EngineRequest | None:
        offset = previous.offset + self.page_size
        if not page.next_page or (self.max_offset is not None and offset > self.max_offset):
            return None
        return self.request_at(query, offset)


class KeyedEngine(Engine):
    """An API engine that needs a key, read from the environment variable the config names."""

    key_label = "your API key"
    """What the user should put in the variable, for the message when it is unset."""

    def __init__(self, api_key: str | None, key_env: str) -> None:
        self._api_key = api_key
        self.key_env = key_env

    @property
    def api_key(self) -> str:
        return self._api_key or ""

    def unavailable(self) -> ParsedPage | None:
        return None if self._api_key else missing_key(self.name, self.key_env, self.key_label)


def http_status_page(response: Fetched, engine: str) -> ParsedPage | None:
    """The status that the HTTP status code alone decides, shared by every engine; None means look further."""
    code = response.code
    if code == 429:
        retry = response.headers.get("retry-after", "")
        detail = f"HTTP 429 from {engine}" + (f"; Retry-After {retry}" if retry else "")
        return ParsedPage(EngineStatus.RATE_LIMITED, detail=detail)
    if code in (401, 403):
        return ParsedPage(EngineStatus.AUTH_ERROR, detail=f"HTTP {code} from {engine}")
    if code >= 400:
        return ParsedPage(EngineStatus.NETWORK_ERROR, detail=f"HTTP {code} from {engine}")
    return None


def missing_key(engine: str, env_var: str, what: str) -> ParsedPage:
    """The status of an engine whose key variable is unset: one line that says what to do."""
    return ParsedPage(
        EngineStatus.AUTH_ERROR,
        detail=f"{env_var} is not set: export {env_var}=<{what}>, or remove {engine} from audit.engines",
    )


def more(flag: bool) -> Mapping[str, str] | None:
    """`ParsedPage.next_page` for engines whose continuation is just "there is another page"."""
    return {"more": "1"} if flag else None


def url_int(url: str, name: str, default: int = 0) -> int:
    """An integer query parameter of `url` (a page's start or offset), `default` when absent or not a number."""
    values = parse_qs(urlsplit(url).query).get(name)
    return int(values[0]) if values and values[0].strip().isdigit() else default
