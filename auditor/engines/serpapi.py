"""SerpApi: Google's (or Bing's) results page as JSON, the key in the `api_key` parameter (redacted in logs).

Facts (DESIGN.md section 4): GET `https://serpapi.com/search.json?engine=google&q=&num=&start=&hl=&gl=`, or
`engine=bing` with `first` (1-based), `count`, `mkt` and `cc`; results at
`organic_results[i].position/title/link/snippet` (ads are in `ads`, never read); 401 is a bad key; 429 is
either throughput or an account out of searches, which only the body's `error` text tells apart. A query
Google has no result for answers 200 with `error` "Google hasn't returned any results for this query."
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from auditor.engines.base import (
    EngineRequest,
    KeyedEngine,
    Locale,
    OffsetPagedEngine,
    more,
    url_int,
)
from auditor.engines.features import serpapi_features
from auditor.engines.jsonapi import http_url, json_object, not_json, plain, retry_after, short, table
from auditor.engines.spec import Budget, EngineSpec, KeyedSettings, api_key
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult
from auditor.net.fetched import Fetched

NAME = "serpapi"
LABEL = "SerpApi"
ENDPOINT = "https://serpapi.com/search.json"
PAGE = 10
UPSTREAMS = ("google", "bing")
# The body's `error` text is what separates the cases one status code shares.
QUOTA_WORDS = ("run out of searches", "out of searches", "plan searches", "searches for the month")
EMPTY_WORDS = ("hasn't returned any results", "has not returned any results")
KEY_WORDS = ("invalid api key", "api key")


class SerpApi(KeyedEngine, OffsetPagedEngine):
    name = NAME
    kind = "api"
    min_interval = 0.2  # an hourly throughput per plan: a steady pace stays inside it
    page_size = PAGE
    key_label = "your SerpApi key"

    def __init__(
        self, api_key: str | None, locale: Locale, upstream: str = "google", key_env: str = "SERPAPI_API_KEY"
    ) -> None:
        if upstream not in UPSTREAMS:
            raise ValueError(f"serpapi engine must be one of {', '.join(UPSTREAMS)}, not {upstream!r}")
        super().__init__(api_key, key_env)
        self.upstream = upstream
        self.locale = locale

    def request_at(self, query: Query, offset: int) -> EngineRequest:
        params = {"engine": self.upstream, "q": query.text}
        if self.upstream == "google":
            params |= {"hl": self.locale.language, "gl": self.locale.region.lower()}
            params |= {"num": str(PAGE), "start": str(offset)}
        else:
            params |= {"mkt": self.locale.tag, "cc": self.locale.region}
            params |= {"count": str(PAGE), "first": str(offset + 1)}
        params["api_key"] = self.api_key
        return EngineRequest("GET", ENDPOINT, params=params, offset=offset)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_response(response, (self.upstream,))


def parse_response(response: Fetched, upstreams: tuple[str, ...] = UPSTREAMS) -> ParsedPage:
    """`upstreams`: the SerpApi engines the answer may come from (the one that was asked, when known)."""
    data = json_object(response.text)
    if data is None:
        if response.code >= 400:
            return _error(response.code, "", response.headers)
        return not_json(LABEL, response.text)
    error = data.get("error")
    if response.code >= 400:
        return _error(response.code, str(error or ""), response.headers)
    answered = table(data, "search_parameters").get("engine")
    if answered is not None and answered not in upstreams:
        # Another SerpApi engine (Scholar, News, ...) has other fields and 0-based positions: none of it is a
        # web ranking of this query.
        return ParsedPage(
            EngineStatus.PARSE_FAILURE,
            detail=f"serpapi: the answer comes from SerpApi's {short(answered)!r} engine, "
            f"not {' or '.join(repr(u) for u in upstreams)}",
        )
    items = data.get("organic_results")
    if isinstance(items, list) and items:
        results = tuple(_results(items, _offset(data, response.url)))
        if not results:
            return ParsedPage(EngineStatus.PARSE_FAILURE, detail="`organic_results` holds no result with a link")
        pagination = data.get("serpapi_pagination")
        has_next = isinstance(pagination, dict) and bool(pagination.get("next"))
        return ParsedPage(EngineStatus.OK, results, next_page=more(has_next), features=serpapi_features(data))
    if isinstance(error, str):
        if any(word in error.lower() for word in EMPTY_WORDS):
            return ParsedPage(EngineStatus.EMPTY, detail=short(error))
        return _error(200, error, response.headers)
    state = str(table(data, "search_information").get("organic_results_state") or "")
    if "empty" in state.lower():
        return ParsedPage(EngineStatus.EMPTY, detail=f"SerpApi returned no organic results ({short(state)})")
    return ParsedPage(EngineStatus.PARSE_FAILURE, detail="JSON without SerpApi's `organic_results`")


def _results(items: list[Any], offset: int) -> list[SearchResult]:
    # Ranks come from the order on the page: `position` is 0-based on some SerpApi engines and may skip.
    found: list[SearchResult] = []
    for item in items:
        link = http_url(item.get("link")) if isinstance(item, dict) else None
        if link is None:
            continue
        found.append(SearchResult(offset + len(found) + 1, link, plain(item.get("title")), plain(item.get("snippet"))))
    return found


def _offset(data: dict[str, Any], url: str) -> int:
    params = data.get("search_parameters")
    params = params if isinstance(params, dict) else {}
    if params.get("engine") == "bing":
        first = params.get("first")
        return int(first) - 1 if isinstance(first, int | str) and str(first).isdigit() and int(first) > 0 else 0
    start = params.get("start")
    if isinstance(start, int | str) and str(start).isdigit():
        return int(start)
    return url_int(url, "start") or max(url_int(url, "first", 1) - 1, 0)


def _error(code: int, error: str, headers: Mapping[str, str]) -> ParsedPage:
    said = f": {short(error)}" if error else ""
    lowered = error.lower()
    if any(word in lowered for word in QUOTA_WORDS):
        return ParsedPage(EngineStatus.QUOTA_EXHAUSTED, detail=f"HTTP {code} from SerpApi: out of searches{said}")
    if code == 429:
        detail = f"HTTP 429 from SerpApi (throughput limit){retry_after(headers)}{said}"
        return ParsedPage(EngineStatus.RATE_LIMITED, detail=detail)
    if code in (401, 403) or any(word in lowered for word in KEY_WORDS):
        return ParsedPage(EngineStatus.AUTH_ERROR, detail=f"HTTP {code} from SerpApi: the key was refused{said}")
    return ParsedPage(EngineStatus.NETWORK_ERROR, detail=f"HTTP {code} from SerpApi{said}")


class SerpapiSettings(KeyedSettings):
    api_key_env: str = "SERPAPI_API_KEY"
    monthly_budget: Budget | None = 100  # the free plan's searches a month
    engine: Literal["google", "bing"] = "google"
    """Which results page SerpApi reads for you."""


def _build(settings: SerpapiSettings, locale: Locale, env: Mapping[str, str]) -> SerpApi:
    return SerpApi(api_key(settings, env), locale, settings.engine, settings.api_key_env)


def _looks_like_serpapi(data: dict[str, Any]) -> bool:
    return "search_metadata" in data or "organic_results" in data


def _remarks(settings: SerpapiSettings) -> tuple[str, ...]:
    return (f"reads {settings.engine} results",)


ENGINE = EngineSpec(
    name=NAME,
    label="SerpApi (Google)",
    kind="api",
    settings=SerpapiSettings,
    build=_build,
    parser=parse_response,
    cost="100 searches a month free, then paid plans",
    limits="hourly throughput per plan",
    json_shape=_looks_like_serpapi,
    remarks=_remarks,
)
