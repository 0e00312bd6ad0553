"""Serper: Google results as JSON, POSTed with the key in the `X-API-KEY` header.

Facts (DESIGN.md section 4): POST `https://google.serper.dev/search` with JSON `{q, num, gl, hl, page}`;
results at `organic[i].title/link/snippet/position`; errors are `{"message", "statusCode"}`: 401/403 a
refused key, 400 "Not enough credits" when the account is empty, 429 too many requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.engines.base import (
    EngineRequest,
    KeyedEngine,
    Locale,
    OffsetPagedEngine,
    more,
)
from auditor.engines.features import serper_features
from auditor.engines.jsonapi import api_results, integer, json_object, not_json, retry_after, short
from auditor.engines.spec import EngineSpec, KeyedSettings, api_key
from auditor.models import EngineStatus, ParsedPage, Query
from auditor.net.fetched import Fetched

NAME = "serper"
LABEL = "Serper"
ENDPOINT = "https://google.serper.dev/search"
PAGE = 10  # up to 10 results cost one credit; more cost two


class Serper(KeyedEngine, OffsetPagedEngine):
    name = NAME
    kind = "api"
    min_interval = 0.2  # a few queries a second on the entry plans
    page_size = PAGE

    key_label = "your Serper API key"

    def __init__(self, api_key: str | None, locale: Locale, key_env: str = "SERPER_API_KEY") -> None:
        super().__init__(api_key, key_env)
        self.locale = locale

    def request_at(self, query: Query, offset: int) -> EngineRequest:
        # Serper counts pages from 1, not results.
        body = {"q": query.text, "gl": self.locale.region.lower(), "hl": self.locale.language, "num": PAGE}
        body["page"] = offset // PAGE + 1
        headers = {"X-API-KEY": self.api_key, "Content-Type": "application/json"}
        return EngineRequest("POST", ENDPOINT, headers=headers, json_body=body, offset=offset)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_response(response)


def parse_response(response: Fetched) -> ParsedPage:
    data = json_object(response.text)
    message = short(data.get("message") or "") if data else ""
    code = response.code
    said = f": {message}" if message else ""
    if "credits" in message.lower():
        return ParsedPage(EngineStatus.QUOTA_EXHAUSTED, detail=f"HTTP {code} from Serper: out of credits{said}")
    if code == 429:
        wait = retry_after(response.headers)
        return ParsedPage(EngineStatus.RATE_LIMITED, detail=f"HTTP 429 from Serper{wait}{said}")
    if code in (401, 403):
        return ParsedPage(EngineStatus.AUTH_ERROR, detail=f"HTTP {code} from Serper: the key was refused{said}")
    if code >= 400:
        return ParsedPage(EngineStatus.NETWORK_ERROR, detail=f"HTTP {code} from Serper{said}")
    if data is None:
        return not_json(LABEL, response.text)
    params = data.get("searchParameters")
    items = data.get("organic")
    if not isinstance(items, list):
        if isinstance(params, dict):
            return ParsedPage(EngineStatus.EMPTY, detail="Serper found no results")
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="JSON without Serper's `organic` results")
    size, offset = _page_of(params)
    results = tuple(api_results(items, offset, url="link", title="title", snippet="snippet"))
    if results:
        # Serper says nothing about a next page: a full page means there may be one.
        return ParsedPage(EngineStatus.OK, results, next_page=more(len(items) >= size), features=serper_features(data))
    if items:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="`organic` holds no result with a link")
    return ParsedPage(EngineStatus.EMPTY, detail="Serper found no results")


def _page_of(params: object) -> tuple[int, int]:
    """(page size, results before this page) from the echoed `searchParameters`."""
    if not isinstance(params, dict):
        return PAGE, 0
    size, page = integer(params.get("num"), PAGE), integer(params.get("page"), 1)
    return size, max(page - 1, 0) * size


class SerperSettings(KeyedSettings):
    api_key_env: str = "SERPER_API_KEY"


def _build(settings: SerperSettings, locale: Locale, env: Mapping[str, str]) -> Serper:
    return Serper(api_key(settings, env), locale, settings.api_key_env)


def _looks_like_serper(data: dict[str, Any]) -> bool:
    return "searchParameters" in data or isinstance(data.get("organic"), list)


ENGINE = EngineSpec(
    name=NAME,
    label="Serper (Google)",
    kind="api",
    settings=SerperSettings,
    build=_build,
    parser=parse_response,
    cost="2500 free credits once, then prepaid credits",
    limits="one credit per page of 10",
    json_shape=_looks_like_serper,
)
