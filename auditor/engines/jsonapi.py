"""Small pure helpers shared by the JSON API engines (Brave, SerpApi, Serper, Mojeek, Google CSE)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from html import unescape
from typing import Any

from auditor.models import EngineStatus, ParsedPage, SearchResult

_TAG = re.compile(r"<[^>]*>")
MAX_DETAIL = 200


def json_object(text: str) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def not_json(engine_label: str, text: str) -> ParsedPage:
    """A body that is not the JSON object an API always answers with."""
    if not text.strip():
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail=f"{engine_label} answered with an empty body")
    return ParsedPage(EngineStatus.PARSE_FAILURE, detail=f"{engine_label}'s answer is not a JSON object")


def plain(value: object) -> str:
    """Text without markup: APIs bold the query's words (`<strong>`) and escape entities in snippets."""
    if not isinstance(value, str):
        return ""
    return " ".join(unescape(_TAG.sub("", value)).split())


def short(value: object) -> str:
    """An engine's error message, on one line and bounded, for a status detail."""
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def http_url(value: object) -> str | None:
    """`value` when it is an absolute http(s) URL string."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return value
    return None


def retry_after(headers: Mapping[str, str]) -> str:
    """`; Retry-After N` when the answer said how long to wait (recorded in the status detail)."""
    value = headers.get("retry-after", "").strip()
    return f"; Retry-After {value}" if value else ""


def table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is a JSON object, else an empty one: answers vary, parsers must not crash."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def integer(value: object, default: int) -> int:
    """`value` when it is a whole number (not a bool), else `default`."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def api_results(items: list[Any], offset: int, *, url: str, title: str, snippet: str) -> list[SearchResult]:
    """Results from an API's list of items, numbered after `offset`; items without an http(s) URL in `url`
    are dropped (and do not take a position). `title` and `snippet` name the fields, which differ by API."""
    found: list[SearchResult] = []
    for item in items:
        target = http_url(item.get(url)) if isinstance(item, dict) else None
        if target is None:
            continue
        found.append(SearchResult(offset + len(found) + 1, target, plain(item.get(title)), plain(item.get(snippet))))
    return found
