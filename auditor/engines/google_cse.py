"""Google's Custom Search JSON API: `key` and `cx` parameters (`key` is redacted in logs).

Facts (DESIGN.md section 4): GET `https://www.googleapis.com/customsearch/v1?q=&start=&num=&lr=&gl=` with
`start` 1-based and at most 91 (`start + num` may not pass 100) and `num` at most 10; results at
`items[i].title/link/snippet`, position `queries.request[0].startIndex + i`; no `items` means no results.
Errors are Google's `{"error": {"code", "message", "status", "errors": [{"reason"}]}}`: 403
`dailyLimitExceeded` or 429 `RESOURCE_EXHAUSTED` when the quota is spent, 400 `API_KEY_INVALID` for a bad key.
Closed to new customers; existing ones can use it until 2027-01-01 (`CLOSES`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from auditor.engines.base import (
    EngineRequest,
    KeyedEngine,
    Locale,
    OffsetPagedEngine,
    more,
)
from auditor.engines.jsonapi import http_url, json_object, not_json, plain, retry_after, short, table
from auditor.engines.spec import EngineSpec, KeyedSettings, api_key
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult
from auditor.net.fetched import Fetched

NAME = "google_cse"
LABEL = "Google Custom Search"
ENDPOINT = "https://www.googleapis.com/customsearch/v1"
PAGE = 10
MAX_START = 91
CLOSES = dt.date(2027, 1, 1)
QUOTA_REASONS = frozenset({"dailyLimitExceeded", "quotaExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
KEY_REASONS = frozenset({"keyInvalid", "API_KEY_INVALID", "keyExpired", "accessNotConfigured", "SERVICE_DISABLED"})


def closing_notice(today: dt.date) -> str:
    """What to tell a user who configured google_cse, before and after the API closes."""
    if today >= CLOSES:
        return f"google_cse: Google closed the Custom Search JSON API on {CLOSES.isoformat()}; expect refused keys"
    return (
        f"google_cse: Google closes the Custom Search JSON API to existing customers on {CLOSES.isoformat()} "
        "(it takes no new ones): plan another engine"
    )


class GoogleCse(KeyedEngine, OffsetPagedEngine):
    name = NAME
    kind = "api"
    min_interval = 1.0  # the default quota is 100 queries per 100 seconds
    page_size = PAGE
    max_offset = MAX_START - 1
    key_label = "your Google API key"

    def __init__(self, api_key: str | None, cx: str, locale: Locale, key_env: str = "GOOGLE_CSE_KEY") -> None:
        super().__init__(api_key, key_env)
        self.cx = cx
        self.locale = locale

    def request_at(self, query: Query, offset: int) -> EngineRequest:
        start = offset + 1  # the API counts results from 1
        params = {
            "q": query.text,
            "cx": self.cx,
            "start": str(start),
            "num": str(PAGE),
            "lr": f"lang_{self.locale.language}",
            "gl": self.locale.region.lower(),
            "hl": self.locale.language,
            "key": self.api_key,
        }
        return EngineRequest("GET", ENDPOINT, params=params, offset=offset)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_response(response)


def parse_response(response: Fetched) -> ParsedPage:
    data = json_object(response.text)
    if data is not None and isinstance(data.get("error"), dict):
        return _error(response.code, data["error"], response.headers)
    if response.code >= 400:
        return _error(response.code, {}, response.headers)
    if data is None:
        return not_json(LABEL, response.text)
    if data.get("kind") != "customsearch#search":
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="JSON that is not a Custom Search answer (`kind`)")
    queries = table(data, "queries")
    items = data.get("items")
    if not items:
        return ParsedPage(EngineStatus.EMPTY, detail="Google Custom Search found no results")
    if not isinstance(items, list):
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="`items` is not a list")
    results = tuple(_results(items, _start_index(queries) - 1))
    if not results:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="`items` holds no result with a link")
    return ParsedPage(EngineStatus.OK, results, next_page=more(bool(queries.get("nextPage"))))


def _start_index(queries: Mapping[str, Any]) -> int:
    request = queries.get("request")
    first = request[0] if isinstance(request, list) and request and isinstance(request[0], dict) else {}
    start = first.get("startIndex")
    return start if isinstance(start, int) and start > 0 else 1


def _results(items: list[Any], offset: int) -> list[SearchResult]:
    found: list[SearchResult] = []
    for index, item in enumerate(items):
        link = http_url(item.get("link")) if isinstance(item, dict) else None
        if link is None:
            continue
        found.append(SearchResult(offset + index + 1, link, plain(item.get("title")), plain(item.get("snippet"))))
    return found


def _error(code: int, error: Mapping[str, Any], headers: Mapping[str, str]) -> ParsedPage:
    reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
    reasons |= {str(d.get("reason")) for d in error.get("details") or [] if isinstance(d, dict) and d.get("reason")}
    status = str(error.get("status") or "")
    message = short(error.get("message") or "")
    said = f": {message}" if message else ""
    where = f"HTTP {code} from Google Custom Search"
    # A day's quota (100 free queries, or the billed cap) is spent until midnight Pacific; a per-minute limit
    # only asks to slow down. Both come as 429 RESOURCE_EXHAUSTED today, as 403 with a reason before.
    if reasons & QUOTA_REASONS or "per day" in message.lower():
        return ParsedPage(EngineStatus.QUOTA_EXHAUSTED, detail=f"{where}: the daily quota is used up{said}")
    if code == 429 or reasons & RATE_REASONS or status == "RESOURCE_EXHAUSTED":
        return ParsedPage(EngineStatus.RATE_LIMITED, detail=f"{where}{retry_after(headers)}{said}")
    if reasons & KEY_REASONS or "api key" in message.lower() or code in (401, 403):
        return ParsedPage(EngineStatus.AUTH_ERROR, detail=f"{where}: the key or cx was refused{said}")
    return ParsedPage(EngineStatus.NETWORK_ERROR, detail=f"{where}{said}")


class GoogleCseSettings(KeyedSettings):
    api_key_env: str = "GOOGLE_CSE_KEY"
    cx: str = ""
    """The programmable search engine's id."""


def _build(settings: GoogleCseSettings, locale: Locale, env: Mapping[str, str]) -> GoogleCse:
    return GoogleCse(api_key(settings, env), settings.cx, locale, settings.api_key_env)


def _looks_like_google_cse(data: dict[str, Any]) -> bool:
    return str(data.get("kind", "")).startswith("customsearch#") or isinstance(data.get("error"), dict)


def _problem(settings: GoogleCseSettings) -> str | None:
    if settings.cx.strip():
        return None
    return "audit.engines lists google_cse but engines.google_cse.cx (its engine id) is not set"


ENGINE = EngineSpec(
    name=NAME,
    label=LABEL,
    kind="api",
    settings=GoogleCseSettings,
    build=_build,
    parser=parse_response,
    cost="100 queries a day free, then $5 per 1000",
    limits="existing customers only",
    json_shape=_looks_like_google_cse,
    notices=lambda today: (closing_notice(today),),
    problem=_problem,
)
