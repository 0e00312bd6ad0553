"""Google's own results page, rendered by headless Chromium (no key; the user's own browser, in effect).

Facts (DESIGN.md section 4): organic results are `div.g` blocks under `div#search`, each with an `h3` title
inside its link; without JavaScript links are wrapped as `/url?q=<target>`; ads sit apart in `#tads` and
`#bottomads`. A consent wall (a redirect to consent.google.com), a `/sorry/` redirect or "unusual traffic"
text means blocked, never zero. The markup changes often, so every selector is in `SELECTORS` below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from auditor.engines.base import (
    EngineRequest,
    Locale,
    OffsetPagedEngine,
    http_status_page,
    more,
    url_int,
)
from auditor.engines.spec import EngineSettings, EngineSpec
from auditor.identify.urls import unwrap
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult
from auditor.net.fetched import Fetched

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
else:
    from auditor.engines.soup import BeautifulSoup  # bs4 is imported on the first parse, not with the registry

NAME = "browser_google"
ORIGIN = "https://www.google.com"
ENDPOINT = f"{ORIGIN}/search"
PAGE = 10

SELECTORS = {
    "organic": "#search div.g, #rso div.g",
    "link": "a[href]:has(h3)",
    "title": "h3",
    "snippet": "div.VwiC3b, div[data-sncf], div.IsZvec, span.aCOpRe",
    "ads": "#tads, #bottomads, #tvcap, [data-text-ad]",
    "next": "a#pnnext",
    "no_results": "#topstuff .card-section, #botstuff .card-section",
    "consent": "form[action*='consent.google.'], #cnsw, div[data-consent-dialog]",
    "captcha": "form#captcha-form, #recaptcha, div.g-recaptcha",
}
BLOCK_TEXT = ("unusual traffic", "trafic inhabituel")
NO_RESULTS_TEXT = ("did not match any documents", "ne correspond à aucun document", "aucun document ne correspond")
CONSENT_HOST = "consent.google."


class BrowserGoogle(OffsetPagedEngine):
    name = NAME
    kind = "browser"
    page_size = PAGE

    def __init__(self, locale: Locale) -> None:
        self.locale = locale

    def request_at(self, query: Query, offset: int) -> EngineRequest:
        params = {"q": query.text, "hl": self.locale.language, "gl": self.locale.region.lower()}
        if offset:
            params["start"] = str(offset)
        return EngineRequest("GET", ENDPOINT, params=params, offset=offset)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_page(response)


def parse_page(response: Fetched) -> ParsedPage:
    final = urlsplit(response.url)
    soup = BeautifulSoup(response.text, "lxml")
    if CONSENT_HOST in (final.hostname or "") or soup.select_one(SELECTORS["consent"]) is not None:
        return ParsedPage(EngineStatus.BLOCKED, detail="Google showed its consent wall (consent.google.com)")
    text = " ".join(soup.get_text(" ").split())
    lowered = text.lower()
    if final.path.startswith("/sorry/") or soup.select_one(SELECTORS["captcha"]) is not None:
        return ParsedPage(EngineStatus.BLOCKED, detail="Google's /sorry/ page: unusual traffic from this network")
    if any(words in lowered for words in BLOCK_TEXT):
        return ParsedPage(EngineStatus.BLOCKED, detail="Google says it sees unusual traffic from this network")
    early = http_status_page(response, NAME)
    if early is not None:
        return early
    results = tuple(_results(soup, url_int(response.url, "start")))
    if results:
        return ParsedPage(EngineStatus.OK, results, next_page=more(soup.select_one(SELECTORS["next"]) is not None))
    if soup.select_one(SELECTORS["no_results"]) is not None or any(w in lowered for w in NO_RESULTS_TEXT):
        return ParsedPage(EngineStatus.EMPTY, detail="Google found no results")
    if not text:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="empty page")
    return ParsedPage(
        EngineStatus.PARSE_FAILURE,
        detail="the page has content but no organic block (div.g under #search) parsed: "
        "Google's markup may have changed",
    )


def _results(soup: BeautifulSoup, offset: int) -> list[SearchResult]:
    # Identity, not equality: two tags with the same markup are equal in BeautifulSoup.
    excluded = {id(tag) for tag in soup.select(SELECTORS["ads"])}
    blocks = soup.select(SELECTORS["organic"])
    inside = excluded | {id(block) for block in blocks}
    found: list[SearchResult] = []
    seen: set[str] = set()
    for block in blocks:
        # A div.g inside another (sitelinks, nested cards) belongs to the outer result; ads never count.
        if id(block) in excluded or any(id(parent) in inside for parent in block.parents):
            continue
        link = _own(block, SELECTORS["link"], inside)
        title = link.select_one(SELECTORS["title"]) if link is not None else None
        if link is None or title is None:
            continue
        url = _target(str(link.get("href") or ""))
        if url is None or url in seen:
            continue
        seen.add(url)
        snippet = _own(block, SELECTORS["snippet"], inside)
        found.append(SearchResult(offset + len(found) + 1, url, _text(title), _text(snippet) if snippet else ""))
    return found


def _own(block: Tag, selector: str, blocks: set[int]) -> Tag | None:
    """The first match of `selector` in `block` that is not inside a block nested in it (a sitelink's)."""
    for found in block.select(selector):
        owner = next(parent for parent in found.parents if id(parent) in blocks)
        if owner is block:
            return found
    return None


def _target(href: str) -> str | None:
    """The result's real URL: `/url?q=` unwrapped; Google's own links (more searches, maps) are no result."""
    url = unwrap(urljoin(ORIGIN + "/", href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") and not url.startswith("javascript:"):
        return None
    if (parts.hostname or "") in ("www.google.com", "google.com") and parts.path in ("/search", "/url", "/"):
        return None
    return url


def _text(tag: Tag) -> str:
    # No separator: Google puts the query's words in <em>, and a separator would print `( Émilie )`.
    return " ".join(tag.get_text().split())


def _build(settings: EngineSettings, locale: Locale, env: Mapping[str, str]) -> BrowserGoogle:
    return BrowserGoogle(locale)


ENGINE = EngineSpec(
    name=NAME,
    label="Google (browser)",
    kind="browser",
    settings=EngineSettings,
    build=_build,
    parser=parse_page,
    cost="free",
    limits="consent walls and /sorry/ CAPTCHAs after a few pages",
    page_markers=('id="rso"', "/url?q=", "consent.google.", "/sorry/index", "captcha-form"),
)
