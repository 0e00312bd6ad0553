"""One way to ask for a page, whoever answers: the HTTP client, the browser, or a replay of the history.

`Fetcher.send(request)` never raises for what the web does: a failure is a `Fetched` with `error` set, worded
as the history records it. Every caller stores failures as data and reads them back the same way, so a
failure that is a value keeps a live fetch, a resumed one and a replayed one on one path, with no exception
types to translate between them.

`Request` says what is asked and how to send it, and carries the labels the history files the answer under
(kind, engine, query, page, subject); `RecordingFetcher` is the one place where answers reach the history.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from auditor.errors import FetchError, FetchRefused, ResponseTooLarge
from auditor.net.fetched import Fetched
from auditor.net.redaction import redact, scrub_body, scrub_text

Describe = Callable[[Exception], str]
"""How a failed request is worded in the history (each kind of page has its words, kept as they were)."""

RequestKey = tuple[str, str, str | None, str | None, int | None]


def plain_words(exc: Exception) -> str:
    """An engine's failure: the message, and the tip when there is one (no browser could start)."""
    tip = getattr(exc, "tip", None)
    return f"{exc}: {tip}" if tip else str(exc)


def page_words(exc: Exception) -> str:
    """A site's or a namesake's page that could not be fetched."""
    if isinstance(exc, FetchRefused):
        return f"refused: {exc}"
    if isinstance(exc, FetchError):
        return f"{exc.kind}: {exc}"
    return str(exc)


@dataclass(frozen=True, eq=False)
class Request:
    url: str
    kind: str
    """What it is in the history: `engine`, `profile`, `profile_link`, `site` or `candidate`."""
    via: str = "html"
    """`html` (paced as a page), `api` (paced as an API), `browser` (rendered by Chromium)."""
    method: str = "GET"
    params: Mapping[str, str] | None = None
    form: Mapping[str, str] | None = None
    json: Mapping[str, object] | None = None
    headers: Mapping[str, str] | None = None
    """Sent, never logged nor stored: API keys travel here or in a redacted parameter."""
    respect_robots: bool = False
    retry_statuses: frozenset[int] = frozenset()
    interval: float | None = None
    wait_for: str | None = None
    """Browser only: a CSS selector that marks the content as rendered."""
    screenshot: bool = False
    """Browser only: keep a picture of the rendered page as evidence (results pages)."""
    engine: str | None = None
    query: str | None = None
    page: int | None = None
    subject: str | None = None
    """The profile's key, `site`, or a namesake page's key."""
    keep_body: bool = True
    """False when only where the answer led is read (a link followed): the history keeps no body."""
    describe: Describe = field(default=page_words)

    @property
    def full_url(self) -> str:
        if not self.params:
            return self.url
        import httpx  # only a request with parameters needs it: the store reads requests without sending them

        return str(httpx.URL(self.url, params=self.params))

    @property
    def asked(self) -> str:
        """The URL asked, secrets blanked: what the history files it under."""
        return redact(self.full_url)

    def key(self) -> RequestKey:
        return request_key(self.kind, self.asked, self.engine, self.query, self.page)

    def failed(self, exc: Exception, attempts: int) -> Fetched:
        return Fetched.failure(self.asked, self.describe(exc), reached=failed_hop(exc), attempts=attempts)


def request_key(kind: str, asked: str, engine: str | None, query: str | None, page: int | None) -> RequestKey:
    """What makes two requests the same one: kind and URL asked; for engines also the page of the query (a
    POST asks every page at one URL)."""
    if kind == "engine":
        return (kind, redact(asked), engine, query, page)
    return (kind, redact(asked), None, None, None)


class Fetcher(Protocol):
    async def send(self, request: Request) -> Fetched: ...


Sink = Callable[[Request, Fetched], None]


class RecordingFetcher:
    """Hands every answer `inner` gives, and every failure, to `sink` (the history) before the caller sees it."""

    def __init__(self, inner: Fetcher, sink: Sink) -> None:
        self._inner = inner
        self._sink = sink

    async def send(self, request: Request) -> Fetched:
        fetched = await self._inner.send(request)
        self._sink(request, fetched if request.keep_body else replace(fetched, body=b""))
        return fetched


class ScrubbingFetcher:
    """Answers of `inner` with every known secret replaced, in the body and everywhere else: an API that
    echoes its request into its answer would otherwise carry its key into the parsed results, the stored
    audit and the reports. What the history keeps and what the parsers read are then the same bytes."""

    def __init__(self, inner: Fetcher, secrets: tuple[str, ...]) -> None:
        self._inner = inner
        self._secrets = secrets

    async def send(self, request: Request) -> Fetched:
        fetched = await self._inner.send(request)
        if not self._secrets:
            return fetched
        text = lambda value: scrub_text(value, self._secrets)  # noqa: E731
        return replace(
            fetched,
            requested_url=text(fetched.requested_url),
            url=text(fetched.url),
            headers={name: text(value) for name, value in fetched.headers.items()},
            body=scrub_body(fetched.body, self._secrets),
            redirects=tuple(text(url) for url in fetched.redirects),
            error=text(fetched.error),
        )


_LAST_URL = re.compile(r"(https?://\S+)$")


def failed_hop(exc: Exception) -> str:
    """The URL a timeout or connection failure happened at: the HTTP layer ends those messages with it."""
    if not isinstance(exc, FetchError) or exc.kind not in ("timeout", "connection"):
        return ""
    found = _LAST_URL.search(str(exc).strip())
    return found.group(1) if found else ""


FAILURES = (FetchError, FetchRefused, ResponseTooLarge)
