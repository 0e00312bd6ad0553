"""The engine interface: build a request, parse a response (pure), say what a response means.

One module per engine implements it. Engines never send anything themselves: `collect` does, through the
one HTTP layer, so that pacing, retries, size caps and sandbox routing apply to every engine alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor.models import EngineStatus, ParsedPage, Query


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
    offset: int = 0
    """How many results earlier pages held: positions on this page start after it."""


@dataclass(frozen=True)
class EngineResponse:
    """What came back, as plain data, so parsers stay pure and testable from saved files."""

    status_code: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    url: str = ""


class Engine(ABC):
    """A search backend. Subclasses set `name`, `kind` and implement the three methods."""

    name: str
    kind: str = "api"
    """`html` for scraped pages (paced 1 s a host by default), `api` for documented APIs."""
    rate_limit_statuses: frozenset[int] = frozenset()
    """Status codes that mean "slow down" for this engine beyond 429 (DuckDuckGo's 202): retried with backoff."""

    @abstractmethod
    def first_request(self, query: Query, depth: int) -> EngineRequest:
        """The request for the first page of `query`."""

    @abstractmethod
    def next_request(
        self, query: Query, page: ParsedPage, previous: EngineRequest, fetched: int
    ) -> EngineRequest | None:
        """The request for the page after `previous`, or None when the engine has no more."""

    @abstractmethod
    def parse(self, response: EngineResponse) -> ParsedPage:
        """Turn one response into a status and results. Pure: no I/O, no clock."""


def http_status_page(response: EngineResponse, engine: str) -> ParsedPage | None:
    """The status that the HTTP status code alone decides, shared by every engine; None means look further."""
    code = response.status_code
    if code == 429:
        retry = response.headers.get("retry-after", "")
        detail = f"HTTP 429 from {engine}" + (f"; Retry-After {retry}" if retry else "")
        return ParsedPage(EngineStatus.RATE_LIMITED, detail=detail)
    if code in (401, 403):
        return ParsedPage(EngineStatus.AUTH_ERROR, detail=f"HTTP {code} from {engine}")
    if code >= 400:
        return ParsedPage(EngineStatus.NETWORK_ERROR, detail=f"HTTP {code} from {engine}")
    return None
