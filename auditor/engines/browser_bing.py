"""Bing's own results page, rendered by headless Chromium (Bing's Web Search API was retired in August 2025).

Results are found by structure: a title link in an `h2` (or an `h2` in its link) within the results column
`ol#b_results` (`li.b_algo` items, `.b_caption p` snippets); ads (`li.b_ad`), answers and the pager never
count. Results are read first: `empty` needs Bing's own no-results item (`li.b_no`), `blocked` a challenge
page with no result (Bing's "one last step" page, a Turnstile frame, `/turing/captcha`), anything else
without a result is a `parse_failure`. Links may be wrapped as `bing.com/ck/a?...&u=a1<base64url of the
target>`. The markup changes often, so every selector is in `SELECTORS` below.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from auditor.engines.base import (
    EngineRequest,
    Locale,
    OffsetPagedEngine,
    http_status_page,
    more,
    url_int,
)
from auditor.engines.page_features import Blocks, page_features
from auditor.engines.soup import results_column
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

SELECTORS: dict[str, Any] = {
    "column": ("#b_results", "#b_content"),
    "not_results": "li.b_ad, .b_ad, .b_pag, .b_ans, #b_context, .b_adBottom",
    "snippet": ".b_caption p, p.b_lineclamp2, p.b_lineclamp3, .b_snippet",
    "ads": "li.b_ad",
    "next": "a.sb_pagN",
    "no_results": "li.b_no",
    "challenge": "#turingCaptcha, #b_captcha, form[action*='captcha'], iframe[src*='challenges.cloudflare.com']",
}
BLOCKS = Blocks(
    panel="#b_context .b_entityTP, #b_context .b_entityTitle, .b_entityTP",
    panel_title=".b_entityTitle, h2",
    panel_description=".b_entitySubTitle, .b_entityDescription, .b_snippet",
    questions="#relatedQnAListDisplay .df_qntext, .b_rrsr .df_qntext, .df_qntext",
    question_text=".df_qntext",
    overview="#b_copilot_answer, .b_copilot_answer",
    stories="#ans_news a.title[href], .b_nwsAns a[href]",
    images="#imagesAns a[href], .b_imgAns a[href]",
    videos="#vidAns a[href], .b_vidAns a[href]",
)
BLOCK_TEXT = ("solve the challenge", "one last step", "verify you are a human", "dernière étape")
NO_RESULTS_TEXT = ("there are no results for", "il n’existe aucun résultat pour", "il n'existe aucun résultat pour")


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
    # Results first: a good page whose snippets quote "one last step" is a good page.
    soup = BeautifulSoup(response.text, "lxml")
    column = _column(soup)
    results = tuple(_results(column, max(url_int(response.url, "first", 1) - 1, 0))) if column is not None else ()
    if results and response.code < 400:
        has_next = more(soup.select_one(SELECTORS["next"]) is not None)
        features = page_features(soup, BLOCKS, _feature_target)
        return ParsedPage(EngineStatus.OK, results, next_page=has_next, features=features)
    if _blocked(soup, column, response.url):
        return ParsedPage(EngineStatus.BLOCKED, detail="Bing showed a bot challenge instead of results")
    early = http_status_page(response, NAME)
    if early is not None:
        return early
    if _says_no_results(soup):
        return ParsedPage(EngineStatus.EMPTY, detail="Bing found no results")
    if not " ".join(soup.get_text(" ").split()):
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="empty page")
    return ParsedPage(
        EngineStatus.PARSE_FAILURE,
        detail="browser_bing: the page has content but no organic result (li.b_algo, or an h2 title link in "
        "#b_results) parsed: Bing's markup may have changed",
    )


def _column(soup: BeautifulSoup) -> Tag | None:
    return results_column(soup, SELECTORS["column"])


def _blocked(soup: BeautifulSoup, column: Tag | None, url: str) -> bool:
    """A challenge page. Wording is read outside the results column only, never in a snippet."""
    if "/captcha" in urlsplit(url).path or soup.select_one(SELECTORS["challenge"]) is not None:
        return True
    if column is None:
        outside = soup.get_text(" ")
    else:
        inside = {id(node) for node in column.descendants}
        outside = " ".join(str(node) for node in soup.find_all(string=True) if id(node) not in inside)
    lowered = " ".join(outside.split()).lower()
    return any(words in lowered for words in BLOCK_TEXT)


def _says_no_results(soup: BeautifulSoup) -> bool:
    """Bing's own statement: its `li.b_no` item, or its words in a page with no result column."""
    if soup.select_one(SELECTORS["no_results"]) is not None:
        return True
    lowered = " ".join(soup.get_text(" ").split()).lower()
    return soup.select_one("#b_results") is None and any(words in lowered for words in NO_RESULTS_TEXT)


def _heading_links(column: Tag) -> list[Tag]:
    """Every result title link in the column, in page order: a link inside its `h2` (`li.b_algo > h2 > a`)
    or an `h2` inside its link (the newer `b_algoheader` layout)."""
    links: list[Tag] = []
    seen: set[int] = set()
    for heading in column.find_all("h2"):
        link = heading.find_parent("a", href=True) or heading.find("a", href=True)
        if link is not None and id(link) not in seen:
            seen.add(id(link))
            links.append(link)
    return links


def _results(column: Tag, offset: int) -> list[SearchResult]:
    # Identity, not equality: two tags with the same markup are equal in BeautifulSoup.
    excluded = {id(tag) for tag in column.select(SELECTORS["not_results"])}
    found: list[SearchResult] = []
    seen: set[str] = set()
    for link in _heading_links(column):
        parents = list(link.parents)
        if any(id(parent) in excluded for parent in parents):
            continue
        url = unwrap_bing(urljoin(ORIGIN + "/", str(link.get("href") or "")))
        host = urlsplit(url).hostname or ""
        if not url.startswith(("http://", "https://", "javascript:")) or host.endswith("bing.com") or url in seen:
            continue
        if not _text(link):  # a page cut short in the middle of a title
            continue
        seen.add(url)
        block = link.find_parent("li", class_="b_algo") or _own_block(link, column)
        snippet = block.select_one(SELECTORS["snippet"])
        found.append(SearchResult(offset + len(found) + 1, url, _text(link), _text(snippet) if snippet else ""))
    return found


def _own_block(link: Tag, column: Tag) -> Tag:
    """The largest element around `link` that holds no other title: its result, when no `li.b_algo` marks it."""
    block: Tag = link
    for parent in link.parents:
        if parent is column or len(parent.find_all("h2")) > 1:
            break
        block = parent
    return block


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


def _feature_target(href: str) -> str | None:
    """A link of a block beyond the results: unwrapped; Bing's own pages (more searches) are none."""
    url = unwrap_bing(urljoin(ORIGIN + "/", href))
    if not url.startswith(("http://", "https://")) or (urlsplit(url).hostname or "").endswith("bing.com"):
        return None
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
