"""Mojeek's Search API: an independent index, JSON, the key in the `api_key` parameter (redacted in logs).

Facts (DESIGN.md section 4 and Mojeek's API documentation): GET `https://api.mojeek.com/search?q=&fmt=json&s=&t=`
where `s` is the 1-based first result and `t` the page size; `lb` boosts a language and `rb` a region. The
answer is wrapped in `response`: `status` is "OK" or "ERROR: <message>" (e.g. "ERROR: Daily Limit Reached."),
`head` describes the search (`results` is the total) and `results[i].title/url/desc` are the results.
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
    url_int,
)
from auditor.engines.jsonapi import (
    api_results,
    integer,
    json_object,
    not_json,
    retry_after,
    short,
    table,
)
from auditor.engines.spec import EngineSpec, KeyedSettings, api_key
from auditor.models import EngineStatus, ParsedPage, Query
from auditor.net.fetched import Fetched

NAME = "mojeek"
LABEL = "Mojeek"
ENDPOINT = "https://api.mojeek.com/search"
PAGE = 10
QUOTA_WORDS = ("limit reached", "limit exceeded", "quota")
KEY_WORDS = ("key", "unauthori", "not authori")


class Mojeek(KeyedEngine, OffsetPagedEngine):
    name = NAME
    kind = "api"
    page_size = PAGE
    min_interval = 1.0  # no documented rate: stay as polite as with a web page

    key_label = "your Mojeek API key"

    def __init__(self, api_key: str | None, locale: Locale, key_env: str = "MOJEEK_API_KEY") -> None:
        super().__init__(api_key, key_env)
        self.locale = locale

    def request_at(self, query: Query, offset: int) -> EngineRequest:
        params = {
            "q": query.text,
            "fmt": "json",
            "s": str(offset + 1),
            "t": str(PAGE),
            "lb": self.locale.language.upper(),
            "rb": self.locale.region,
            "api_key": self.api_key,
        }
        return EngineRequest("GET", ENDPOINT, params=params, offset=offset)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_response(response)


def parse_response(response: Fetched) -> ParsedPage:
    data = json_object(response.text)
    body = data.get("response") if data else None
    status = str(body.get("status") or "") if isinstance(body, dict) else ""
    if status.upper().startswith("ERROR"):
        return _error(response.code, status, response.headers)
    if response.code >= 400:
        return _error(response.code, "", response.headers)
    if data is None:
        return not_json(LABEL, response.text)
    if not isinstance(body, dict):
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="JSON without Mojeek's `response` envelope")
    items = body.get("results")
    head = table(body, "head")
    if not items:
        if items is None and not head:
            return ParsedPage(EngineStatus.PARSE_FAILURE, detail="Mojeek's `response` holds no `results`")
        return ParsedPage(EngineStatus.EMPTY, detail="Mojeek found no results")
    if not isinstance(items, list):
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="`response.results` is not a list")
    start = integer(head.get("start"), url_int(response.url, "s", 1))
    offset = max(start - 1, 0)
    results = tuple(api_results(items, offset, url="url", title="title", snippet="desc"))
    if not results:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="`response.results` holds no result with a URL")
    total = head.get("results")
    has_next = isinstance(total, int) and offset + len(items) < total
    return ParsedPage(EngineStatus.OK, results, next_page=more(has_next))


def _error(code: int, status: str, headers: Mapping[str, str]) -> ParsedPage:
    message = short(status.partition(":")[2].strip() or status)
    said = f": {message}" if message else ""
    lowered = message.lower()
    if any(word in lowered for word in QUOTA_WORDS):
        return ParsedPage(EngineStatus.QUOTA_EXHAUSTED, detail=f"Mojeek: the key's limit is used up{said}")
    if code == 429:
        return ParsedPage(EngineStatus.RATE_LIMITED, detail=f"HTTP 429 from Mojeek{retry_after(headers)}{said}")
    if code in (401, 403) or any(word in lowered for word in KEY_WORDS):
        return ParsedPage(EngineStatus.AUTH_ERROR, detail=f"Mojeek refused the key{said}")
    return ParsedPage(EngineStatus.NETWORK_ERROR, detail=f"HTTP {code} from Mojeek{said}")


class MojeekSettings(KeyedSettings):
    api_key_env: str = "MOJEEK_API_KEY"


def _build(settings: MojeekSettings, locale: Locale, env: Mapping[str, str]) -> Mojeek:
    return Mojeek(api_key(settings, env), locale, settings.api_key_env)


def _looks_like_mojeek(data: dict[str, Any]) -> bool:
    response = data.get("response")
    return isinstance(response, dict) and ("head" in response or "status" in response)


ENGINE = EngineSpec(
    name=NAME,
    label=LABEL,
    kind="api",
    settings=MojeekSettings,
    build=_build,
    parser=parse_response,
    cost="paid plans",
    limits="a daily limit per key",
    json_shape=_looks_like_mojeek,
)
