"""SearXNG's JSON API (self-hosted; can pin upstream engines such as google or bing).

Facts (DESIGN.md section 4): JSON must be enabled in the instance's settings.yml, else HTTP 403;
`unresponsive_engines` is `[[name, reason], ...]` and means degraded; `number_of_results` no longer exists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import field_validator

from auditor.engines.base import Engine, EngineRequest, Locale, http_status_page
from auditor.engines.features import searxng_features
from auditor.engines.spec import EngineSettings, EngineSpec
from auditor.identify.urls import is_http_url
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult
from auditor.net.fetched import Fetched

NAME = "searxng"


class Searxng(Engine):
    name = NAME
    kind = "api"
    min_interval = 1.0  # its upstream engines rate-limit the instance: as polite as with a web page

    def __init__(self, base_url: str, language: str, pinned_engines: tuple[str, ...] = ()) -> None:
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.pinned_engines = pinned_engines

    def _request(self, query: Query, pageno: int, offset: int) -> EngineRequest:
        params = {"q": query.text, "format": "json", "pageno": str(pageno), "language": self.language}
        if self.pinned_engines:
            params["engines"] = ",".join(self.pinned_engines)
        return EngineRequest("GET", f"{self.base_url}/search", params=params, offset=offset)

    def first_request(self, query: Query, depth: int) -> EngineRequest:
        return self._request(query, 1, 0)

    def next_request(
        self, query: Query, page: ParsedPage, previous: EngineRequest, fetched: int
    ) -> EngineRequest | None:
        if not page.results:
            return None
        pageno = int(previous.params.get("pageno", "1")) + 1
        return self._request(query, pageno, fetched)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_response(response)


def parse_response(response: Fetched) -> ParsedPage:
    if response.code == 403:
        return ParsedPage(
            EngineStatus.AUTH_ERROR,
            detail="HTTP 403: the instance refuses JSON; enable it in settings.yml (search.formats: [html, json])",
        )
    early = http_status_page(response, NAME)
    if early is not None:
        return early
    try:
        data = json.loads(response.text)
    except ValueError:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="the answer is not valid JSON")
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="JSON without a `results` list")
    results: list[SearchResult] = []
    for item in data["results"]:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        engines = item.get("engines") or ([item["engine"]] if isinstance(item.get("engine"), str) else [])
        positions = item.get("positions")
        # Upstream positions line up with `engines` only when both lists are there in full.
        kept = (
            tuple(p for p in positions if isinstance(p, int))
            if isinstance(positions, list) and len(positions) == len(engines)
            else ()
        )
        results.append(
            SearchResult(
                position=len(results) + 1,
                url=item["url"],
                title=str(item.get("title") or ""),
                snippet=str(item.get("content") or ""),
                sources=tuple(str(e) for e in engines),
                source_positions=kept if len(kept) == len(engines) else (),
            )
        )
    unresponsive = [
        f"{entry[0]} ({entry[1]})"
        for entry in data.get("unresponsive_engines") or []
        if isinstance(entry, list) and len(entry) == 2
    ]
    if results:
        detail = f"degraded: unresponsive {', '.join(unresponsive)}" if unresponsive else ""
        return ParsedPage(EngineStatus.OK, tuple(results), detail=detail, features=searxng_features(data))
    if unresponsive:
        # Nothing came back because the upstream engines failed: that is not "no results".
        return ParsedPage(EngineStatus.BLOCKED, detail=f"every upstream engine failed: {', '.join(unresponsive)}")
    return ParsedPage(EngineStatus.EMPTY, detail="SearXNG found no results")


class SearxngSettings(EngineSettings):
    url: str = ""
    """Base URL of a SearXNG instance with the JSON format enabled."""
    engines: tuple[str, ...] = ()
    """Upstream engines to pin (`google`, `bing` ...); empty means the instance's defaults."""

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not is_http_url(value):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value.rstrip("/")


def _build(settings: SearxngSettings, locale: Locale, env: Mapping[str, str]) -> Searxng:
    return Searxng(settings.url, locale.tag, settings.engines)


def _looks_like_searxng(data: dict[str, Any]) -> bool:
    return isinstance(data.get("results"), list) and ("unresponsive_engines" in data or "query" in data)


def _problem(settings: SearxngSettings) -> str | None:
    return None if settings.url else "audit.engines lists searxng but engines.searxng.url is not set"


ENGINE = EngineSpec(
    name=NAME,
    label="SearXNG",
    kind="api",
    settings=SearxngSettings,
    build=_build,
    parser=parse_response,
    cost="free (self-hosted)",
    limits="your instance's; public ones about 4 calls an hour",
    json_shape=_looks_like_searxng,
    problem=_problem,
)
