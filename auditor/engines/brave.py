"""Brave Search API: GET JSON with the key in `X-Subscription-Token`.

Facts (DESIGN.md section 4): `count` at most 20 and `offset` (a page number, in pages of `count`) at most 9;
`country` and `search_lang`; results at `web.results[i].title/url/description`; descriptions carry `<strong>`
unless `text_decorations=false`. Every answer has `X-RateLimit-Limit/Remaining/Reset` whose values are
"per second, per month" pairs; a 429 whose monthly remaining is 0 means the month's quota is spent, any other
429 means slow down. Errors are `{"type": "ErrorResponse", "error": {"code", "detail", "status"}}`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from auditor.engines.base import EngineRequest, KeyedEngine, Locale, more, url_int
from auditor.engines.features import brave_features
from auditor.engines.jsonapi import api_results, json_object, not_json, short, table
from auditor.engines.spec import Budget, EngineSpec, KeyedSettings, api_key
from auditor.models import EngineStatus, ParsedPage, Query
from auditor.net.fetched import Fetched

NAME = "brave"
LABEL = "Brave Search"
ENDPOINT = "https://api.search.brave.com/res/v1/web/search"
MAX_COUNT = 20
MAX_OFFSET = 9
QUOTA_CODES = frozenset({"QUOTA_LIMITED", "QUOTA_EXCEEDED"})
AUTH_CODES = frozenset({"SUBSCRIPTION_TOKEN_INVALID", "SUBSCRIPTION_NOT_FOUND", "OPTION_NOT_IN_PLAN"})


def count_for_depth(depth: int) -> int:
    """The page size that reaches `depth` in the fewest requests, with every page full: 10, 20, 15 for 30."""
    return math.ceil(depth / math.ceil(depth / MAX_COUNT))


class Brave(KeyedEngine):
    name = NAME
    kind = "api"
    key_label = "your Brave Search API key"
    min_interval = 1.0  # the free plan's 1 request a second; faster earns a 429

    def __init__(self, api_key: str | None, locale: Locale, key_env: str = "BRAVE_API_KEY") -> None:
        super().__init__(api_key, key_env)
        self.country = locale.region
        self.search_lang = locale.language

    def requests_for(self, depth: int) -> int:
        return math.ceil(depth / count_for_depth(depth))

    def _request(self, query: Query, count: int, offset: int) -> EngineRequest:
        params = {
            "q": query.text,
            "count": str(count),
            "offset": str(offset),
            "country": self.country,
            "search_lang": self.search_lang,
            "text_decorations": "false",
            # The organic results and the blocks beside them that the report shows (knowledge panel, questions,
            # stories, videos); Brave leaves out of an answer any type its filter does not name.
            "result_filter": "web,infobox,faq,news,videos",
        }
        headers = {"Accept": "application/json", "X-Subscription-Token": self.api_key}
        return EngineRequest("GET", ENDPOINT, params=params, headers=headers, offset=offset * count)

    def first_request(self, query: Query, depth: int) -> EngineRequest:
        return self._request(query, count_for_depth(depth), 0)

    def next_request(
        self, query: Query, page: ParsedPage, previous: EngineRequest, fetched: int
    ) -> EngineRequest | None:
        offset = int(previous.params["offset"]) + 1
        if not page.next_page or offset > MAX_OFFSET:
            return None
        return self._request(query, int(previous.params["count"]), offset)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_response(response)


def parse_response(response: Fetched) -> ParsedPage:
    data = json_object(response.text)
    if response.code >= 400:
        return _error(response, data)
    if data is None:
        return not_json(LABEL, response.text)
    if data.get("type") != "search" and "web" not in data:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="JSON without Brave's `web` results")
    web = data.get("web")
    items = web.get("results") if isinstance(web, dict) else []
    if not isinstance(items, list):
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="`web.results` is not a list")
    query = table(data, "query")
    offset = _offset(response.url)
    results = tuple(api_results(items, offset, url="url", title="title", snippet="description"))
    if results:
        more_pages = more(bool(query.get("more_results_available")))
        return ParsedPage(EngineStatus.OK, results, next_page=more_pages, features=brave_features(data))
    if items:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="`web.results` holds no result with a URL")
    return ParsedPage(EngineStatus.EMPTY, detail="Brave found no results")


def _error(response: Fetched, data: dict[str, Any] | None) -> ParsedPage:
    code = response.code
    error = data.get("error") if data else None
    error = error if isinstance(error, dict) else {}
    error_code = str(error.get("code") or "")
    said = f": {error_code} {short(error.get('detail') or '')}".rstrip() if error_code else ""
    monthly_left = _monthly(response.headers.get("x-ratelimit-remaining", ""))
    if error_code in QUOTA_CODES or (code == 429 and monthly_left == 0):
        reset = _monthly(response.headers.get("x-ratelimit-reset", ""))
        when = f"; the quota renews in {math.ceil(reset / 86400)} days" if reset else ""
        detail = f"HTTP {code} from Brave: this month's quota is used up{when}"
        return ParsedPage(EngineStatus.QUOTA_EXHAUSTED, detail=detail)
    if code == 429:
        retry = response.headers.get("retry-after") or response.headers.get("x-ratelimit-reset", "").split(",")[0]
        wait = f"; retry after {retry.strip()} s" if retry.strip() else ""
        return ParsedPage(EngineStatus.RATE_LIMITED, detail=f"HTTP 429 from Brave (rate limit){wait}{said}")
    if code in (401, 403) or error_code in AUTH_CODES:
        return ParsedPage(EngineStatus.AUTH_ERROR, detail=f"HTTP {code} from Brave: the key was refused{said}")
    return ParsedPage(EngineStatus.NETWORK_ERROR, detail=f"HTTP {code} from Brave{said}")


def _monthly(header: str) -> int | None:
    """The second value of a Brave "per second, per month" header: `"1, 0"` -> 0."""
    parts = [p.strip() for p in header.split(",")]
    return int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else None


def _offset(url: str) -> int:
    # Positions continue across pages; the request URL says which page this is (offset counts pages).
    return url_int(url, "offset") * url_int(url, "count", MAX_COUNT)


class BraveSettings(KeyedSettings):
    api_key_env: str = "BRAVE_API_KEY"
    monthly_budget: Budget | None = 1000  # about what the included monthly credit buys


def _build(settings: BraveSettings, locale: Locale, env: Mapping[str, str]) -> Brave:
    return Brave(api_key(settings, env), locale, settings.api_key_env)


def _looks_like_brave(data: dict[str, Any]) -> bool:
    return data.get("type") in ("search", "ErrorResponse") or isinstance(data.get("web"), dict)


ENGINE = EngineSpec(
    name=NAME,
    label=LABEL,
    kind="api",
    settings=BraveSettings,
    build=_build,
    parser=parse_response,
    cost="about 1000 queries a month on the included credit",
    limits="1 request a second (free)",
    json_shape=_looks_like_brave,
)
