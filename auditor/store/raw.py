"""Raw responses as they are kept: only what a replay needs, and nothing secret.

The body is kept whole (compressed) because parsers read it; the headers are cut down to those parsers read;
URLs have their secret-bearing parameters blanked; request headers (API keys travel there) are never kept;
and any known secret value still present anywhere (an API echoing its key in a body) is replaced.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from auditor.net.fetched import Fetched
from auditor.net.fetcher import Request
from auditor.net.redaction import MIN_SECRET_LENGTH, REDACTED, redact, scrub_body, scrub_text

KEPT_HEADERS = frozenset(
    {
        "content-type",  # the charset the body is decoded with
        "content-language",
        "retry-after",  # rate-limit details shown to the user
        "location",
        "link",
        "refresh",
        "x-robots-tag",  # a page's noindex may come as a header
        "date",
        "last-modified",
    }
)
KEPT_HEADER_PREFIXES = ("x-ratelimit-",)
"""Quota headers of the APIs (Brave's `X-RateLimit-Remaining`...)."""
__all__ = ["MIN_SECRET_LENGTH", "REDACTED", "scrub_body", "scrub_text"]


def kept_headers(headers: Mapping[str, str], secrets: Iterable[str] = ()) -> dict[str, str]:
    """The response headers worth keeping, lower-cased, URLs redacted, secret values replaced."""
    kept = {}
    for name, value in headers.items():
        key = name.lower()
        if key in KEPT_HEADERS or key.startswith(KEPT_HEADER_PREFIXES):
            if key == "location":
                value = _redact_url(value)
            kept[key] = scrub_text(value, secrets)
    return dict(sorted(kept.items()))


def safe_url(url: str, secrets: Iterable[str] = ()) -> str:
    return scrub_text(_redact_url(url), secrets)


def _redact_url(url: str) -> str:
    try:
        return redact(url)
    except Exception:  # a malformed Location header is kept as text, still scrubbed of known secrets
        return url


def request_key(kind: str, *, engine: str | None, query: str | None, page: int | None, subject: str | None) -> str:
    """Names one request of an audit's plan; a later response with the same key supersedes an earlier one."""
    if kind == "engine":
        return f"engine|{engine}|{query}|{page}"
    return f"{kind}|{subject}" if kind != "site" else "site"


@dataclass(frozen=True, kw_only=True)
class RawRecord(Fetched):
    """One stored answer (or stored failure) of an audit, as read back: what was fetched, and under what it
    was filed. `body` is decompressed (empty for a failure or a link followed); `requested_url` and `url`
    have their secrets redacted."""

    id: int
    kind: str
    """`engine`, `profile`, `profile_link`, `site` or `candidate`."""
    engine: str | None = None
    query: str | None = None
    page: int | None = None
    subject: str | None = None
    """The profile's key in the config, `site`, or a namesake page's key; None for profile rows stored
    before migration 002."""
    request_key: str = ""

    @classmethod
    def filed(cls, id: int, asked: Request, fetched: Fetched) -> RawRecord:
        """`fetched` as the history files it under `asked` (before the store redacts and cuts it down)."""
        answer = {f.name: getattr(fetched, f.name) for f in fields(Fetched)}
        answer["requested_url"] = fetched.requested_url or asked.asked
        return cls(
            **answer,
            id=id,
            kind=asked.kind,
            engine=asked.engine,
            query=asked.query,
            page=asked.page,
            subject=asked.subject,
            request_key=request_key(
                asked.kind, engine=asked.engine, query=asked.query, page=asked.page, subject=asked.subject
            ),
        )


def stored_redirects(chain: tuple[str, ...] | None, requested_url: str, url: str) -> tuple[str, ...]:
    """The redirect chain of a stored answer. A row stored before its chain was kept (migration 005) shows
    one hop from the URL asked to the final one, which is where the chain led."""
    if chain is not None:
        return chain
    return (requested_url,) if url != requested_url else ()


def headers_to_json(headers: Mapping[str, str]) -> str:
    return json.dumps(dict(headers), ensure_ascii=False, sort_keys=True)


def headers_from_json(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    data = json.loads(text)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def redirects_to_json(urls: Iterable[str], secrets: Iterable[str] = ()) -> str:
    secrets = tuple(secrets)
    return json.dumps([safe_url(url, secrets) for url in urls], ensure_ascii=False)


def redirects_from_json(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    data = json.loads(text)
    return tuple(str(url) for url in data) if isinstance(data, list) else None
