"""The sandbox's request and response as plain data, so every renderer is a function of data to data."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One request as the client meant it: the real scheme and host, not the sandbox's address."""

    method: str
    scheme: str
    """`https` or `http`, from `X-Forwarded-Proto`."""
    host: str
    """The virtual host, lower-cased, without its port."""
    path: str
    raw_query: str = ""
    query: Mapping[str, str] = field(default_factory=dict)
    """First value of each query-string parameter."""
    form: Mapping[str, str] = field(default_factory=dict)
    """First value of each urlencoded form field of a POST."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Request headers, lower-case names (API keys travel in some: Brave's, Serper's)."""
    body: bytes = b""
    """The raw body (Serper's JSON)."""

    @property
    def url(self) -> str:
        """The real URL the client asked for."""
        return urlunsplit((self.scheme, self.host, self.path, self.raw_query, ""))

    @property
    def path_with_query(self) -> str:
        return self.path + (f"?{self.raw_query}" if self.raw_query else "")

    def param(self, name: str, default: str = "") -> str:
        """A form field, else a query parameter (DuckDuckGo and SearXNG take both)."""
        return self.form.get(name, self.query.get(name, default))

    def absolute(self, location: str) -> str:
        """`location` as an absolute URL on the real host: the client only ever sees real URLs."""
        parts = urlsplit(location)
        if parts.scheme:
            return location
        if location.startswith("//"):
            return f"{self.scheme}:{location}"
        return urlunsplit((self.scheme, self.host, parts.path or "/", parts.query, parts.fragment))


@dataclass(frozen=True)
class Response:
    """What the sandbox sends back. `reset` closes the connection without an answer."""

    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    reason: str | None = None
    """Status line text; None lets the server pick the standard one (LinkedIn's 999 has its own)."""
    reset: bool = False
    stream: Callable[[], Iterator[bytes]] | None = None
    """A body sent chunk by chunk, without Content-Length, until the iterator ends (then the connection
    closes): a body too big to build in memory, or one that drips. `body` is then ignored."""
    declared_length: int | None = None
    """A Content-Length other than the body's: more than is sent makes a truncated body."""


def html(body: str, status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, body.encode("utf-8"), HTML, headers)


def text(body: str, status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, body.encode("utf-8"), TEXT, headers)


def json_response(data: Any, status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, json.dumps(data, indent=2).encode("utf-8"), JSON, headers)


def redirect(location: str, status: int = 301) -> Response:
    """`location` must already be absolute (see `Request.absolute`)."""
    return Response(status, b"", HTML, (("Location", location),))


def script_json(data: object) -> str:
    """JSON safe inside a <script> element: `</` would close it early."""
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def display(url: str) -> str:
    """`https://github.com/etremblay/` -> `github.com/etremblay`, as pages show a link."""
    return url.split("://", 1)[-1].rstrip("/")
