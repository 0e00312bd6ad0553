"""Bing's own results page, rendered by headless Chromium (Bing's Web Search API was retired in August 2025).

Organic results are `li.b_algo` items of `ol#b_results`, each with an `h2 a` title link and a `.b_caption p`
snippet; ads are `li.b_ad`; links may be wrapped as `bing.com/ck/a?...&u=a1<base64url of the target>`. A bot
challenge (Bing's "one last step" page, a Turnstile frame, `/turing/captcha`) means blocked, never zero. The
markup changes often, so every selector is in `SELECTORS` below.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urljoin, urlsplit

from auditor.engines.base import (
    EngineRequest,
    Locale,
    OffsetPagedEngine,
    http_status_page,
    more,
    url_int,
)
from auditor.engines.spec import EngineSettings, EngineSpec
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult
from auditor.net.fetched import Fetched

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
else:
    from auditor.engines.soup import BeautifulSoup  # bs4 is imported on the first parse, not with the registry

NAME = "browser_bing"
ORIGIN = "https://www.bing.com"
ENDPOINT = f"{ORIGIN}/search"
PAGE = 10

SELECTORS = {
    "organic": "#b_results > li.b_algo",
    "link": "h2 a[href]",
    "snippet": ".b_caption p, p.b_lineclamp2, p.b_lineclamp3, .b_snippet",
    "ads": "li.b_ad",
    "next": "a.sb_pagN",
    "no_results": "li.b_no",
    "challenge": "#turingCaptcha, #b_captcha, form[action*='captcha'], iframe[src*='challenges.cloudflare.com']",
}
BLOCK_TEXT = ("solve the challenge", "one last step", "verify you are a human", "dernière étape")


class BrowserBing(OffsetPagedEngine):
    name = NAME
    kind = "browser"
    page_size = PAGE

    def __init__(self, locale: Locale) -> None:
        self.locale = locale

    def request_at(self, query: Query, offset: int) -> EngineRequest:
        params = {
            "q": query.text,
            "setlang": self.locale.language,
            "cc": self.locale.region,
            "mkt": self.locale.tag,
            "first": str(offset + 1),
        }
        return EngineRequest("GET", ENDPOINT, params=params, offset=offset)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_page(response)


def parse_page(response: Fetched) -> ParsedPage:
    soup = BeautifulSoup(response.text, "lxml")
    text = " ".join(soup.get_text(" ").split())
    lowered = text.lower()
    if (
        "/captcha" in urlsplit(response.url).path
        or soup.select_one(SELECTORS["challenge"]) is not None
        or any(words in lowered for words in BLOCK_TEXT)
    ):
        return ParsedPage(EngineStatus.BLOCKED, detail="Bing showed a bot challenge instead of results")
    early = http_status_page(response, NAME)
    if early is not None:
        return early
    results = tuple(_results(soup, max(url_int(response.url, "first", 1) - 1, 0)))
    if results:
        return ParsedPage(EngineStatus.OK, results, next_page=more(soup.select_one(SELECTORS["next"]) is not None))
    if soup.select_one(SELECTORS["no_results"]) is not None:
        return ParsedPage(EngineStatus.EMPTY, detail="Bing found no results")
    if not text:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="empty page")
    return ParsedPage(
        EngineStatus.PARSE_FAILURE,
        detail="the page has content but no organic block (li.b_algo) parsed: Bing's markup may have changed",
    )


def _results(soup: BeautifulSoup, offset: int) -> list[SearchResult]:
    ads = {id(tag) for tag in soup.select(SELECTORS["ads"])}
    found: list[SearchResult] = []
    seen: set[str] = set()
    for block in soup.select(SELECTORS["organic"]):
        if any(id(parent) in ads for parent in block.parents):
            continue
        link = block.select_one(SELECTORS["link"])
        if link is None:
            continue
        url = unwrap_bing(urljoin(ORIGIN + "/", str(link.get("href") or "")))
        if not url.startswith(("http://", "https://", "javascript:")) or url in seen:
            continue
        seen.add(url)
        snippet = block.select_one(SELECTORS["snippet"])
        found.append(SearchResult(offset + len(found) + 1, url, _text(link), _text(snippet) if snippet else ""))
    return found


def unwrap_bing(url: str) -> str:
    """`https://www.bing.com/ck/a?!&&p=...&u=a1aHR0cHM6...` -> the target; any other URL as it is."""
    parts = urlsplit(url)
    if not (parts.hostname or "").endswith("bing.com") or not parts.path.startswith("/ck/a"):
        return url
    wrapped = dict(parse_qsl(parts.query)).get("u", "")
    if not wrapped.startswith("a1"):
        return url
    encoded = wrapped[2:]
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return url


def _text(tag: Tag) -> str:
    # No separator: Bing puts the query's words in <strong>, and a separator would print `( Émilie )`.
    return " ".join(tag.get_text().split())


def _build(settings: EngineSettings, locale: Locale, env: Mapping[str, str]) -> BrowserBing:
    return BrowserBing(locale)


ENGINE = EngineSpec(
    name=NAME,
    label="Bing (browser)",
    kind="browser",
    settings=EngineSettings,
    build=_build,
    parser=parse_page,
    cost="free",
    limits="bot challenges after a few pages",
    page_markers=("b_algo", 'id="b_results"', "www.bing.com/ck/a", "turingCaptcha"),
)
