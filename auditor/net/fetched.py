"""What one request gave, as plain data: the answer, or the reason there is none.

The same value travels from the HTTP layer (or the browser, or a replay of the history) to the parsers and
verdicts, and is what the store keeps (`store.raw.RawRecord` adds its id and what was asked). Importing it
pulls in no HTTP client, so parsers and verdicts stay pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from auditor.net.text import decode_text


@dataclass(frozen=True)
class Fetched:
    requested_url: str
    """The URL asked, secrets redacted where it came from an engine's request."""
    url: str = ""
    """The final URL after redirects (a consent wall or a /sorry/ page shows here); with no answer, the last
    URL a redirect chain reached, or the URL asked."""
    status_code: int | None = None
    """None when no response came (`error` says why)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-case names."""
    body: bytes = b""
    redirects: tuple[str, ...] = ()
    """Every URL visited before `url`, in order."""
    error: str = ""
    """Why no response came, in the words the history records ("timeout: ...", "refused: ...")."""
    attempts: int | None = 1
    """Requests sent on the wire for it, retries and redirect hops included (what an API may bill); None when
    not known (rows stored before migration 003)."""
    screenshot: bytes = b""
    """A rendered page's picture (PNG, shrunk and capped: `net.screenshot`), when one was asked for."""
    screenshot_error: str = ""
    """Why a picture that was asked for could not be taken or kept."""

    @cached_property
    def text(self) -> str:
        """The body as text, decoded once by the one decoder (`net.text`)."""
        return decode_text(self.body, self.headers.get("content-type", ""))

    @property
    def code(self) -> int:
        """`status_code` for code that reads answered responses only (parsers): 0 when there is none."""
        return self.status_code or 0

    @property
    def answered(self) -> bool:
        """A response came back, whatever its status code."""
        return not self.error and self.status_code is not None

    @property
    def ok(self) -> bool:
        return self.answered and self.status_code == 200

    @property
    def reached(self) -> str:
        """Where a failed redirect chain stopped ("" when it failed at the URL asked)."""
        return self.url if self.error and self.url != self.requested_url else ""

    @classmethod
    def of_text(
        cls,
        text: str,
        *,
        status: int = 200,
        url: str = "",
        headers: Mapping[str, str] | None = None,
        requested_url: str = "",
    ) -> Fetched:
        """An answer built from text (tests, `auditor parse`): UTF-8 bytes, declared as such unless `headers`
        declare a type; `requested_url` is `url` unless it redirected."""
        kept = dict(headers or {})
        if not any(name.lower() == "content-type" for name in kept):
            kept["content-type"] = "text/html; charset=utf-8"
        return cls(requested_url or url, url, status, kept, text.encode("utf-8"))

    @classmethod
    def failure(cls, requested_url: str, error: str, *, reached: str = "", attempts: int | None = 0) -> Fetched:
        return cls(requested_url, reached or requested_url, None, {}, b"", (), error, attempts)
