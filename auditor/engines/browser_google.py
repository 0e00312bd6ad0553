"""Google's own results page, rendered by headless Chromium (no key; the user's own browser, in effect).

Results are found by structure, not by one class name: an `h3` title inside its link (or, on older `li.g`
pages, a link inside its `h3`) within the results column (`#rso`, else `#search`, ...). `div.g`/`li.g` only
say which title belongs to which result (a sitelink inside a result is not one). Without JavaScript links
are wrapped as `/url?q=<target>`; ads sit apart in `#tads` and `#bottomads`. Results are read first: a page
is `empty` only when none parses and Google says "did not match any documents"; `blocked` only when none
parses and the page is a consent wall, a `/sorry/` page or says "unusual traffic" outside the results
column; anything else is a `parse_failure`. Every selector is in `SELECTORS` below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urljoin, urlsplit

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

SELECTORS: dict[str, Any] = {
    "column": ("#rso", "#search", "#ires", "#res", "#center_col"),
    "container": "div.g, li.g",
    "not_results": "#tads, #bottomads, #tvcap, [data-text-ad], #botstuff, #brs, #bres, .related-question-pair",
    "snippet": "div.VwiC3b, div[data-sncf], div.IsZvec, span.aCOpRe, span.st",
    "next": "a#pnnext",
    "no_results": "#topstuff, .card-section",
    "bottom": "#botstuff, #brs, #bres",
    "consent": "form[action*='consent.google.'], #cnsw, div[data-consent-dialog]",
    "captcha": "form#captcha-form, #recaptcha, div.g-recaptcha",
}
BLOCKS = Blocks(
    panel="#rhs .kp-wholepage, #rhs .knowledge-panel, #rhs",
    panel_title="[data-attrid='title'], .kno-ecr-pt, h2",
    panel_description="[data-attrid='subtitle'], [data-attrid='description'], .kno-rdesc",
    questions=".related-question-pair",
    question_text="[role='button']",
    overview="[data-attrid='ai_overview'], #m-x-content[data-ai-overview], div.ai-overview",
    stories="g-section-with-header[data-block='top_stories'] a[href], .top-stories a[href]",
    images="#imagebox_bigimages a[href], .image-pack a[href]",
    videos="video-voyager a[href], .video-pack a[href]",
)
BLOCK_TEXT = ("unusual traffic", "trafic inhabituel")
NO_RESULTS_TEXT = (
    "did not match any documents",
    "ne correspond à aucun document",
    "aucun document ne correspond",
    "no results found for",
    "aucun résultat trouvé pour",
)
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
    # Results first: a good page whose snippets quote "unusual traffic" is a good page, and a page whose
    # "Searches related to" box looks like a no-results card still has its results.
    soup = BeautifulSoup(response.text, "lxml")
    column = _column(soup)
    results = tuple(_results(column, url_int(response.url, "start"))) if column is not None else ()
    if results and response.code < 400:
        has_next = more(soup.select_one(SELECTORS["next"]) is not None)
        return ParsedPage(EngineStatus.OK, results, next_page=has_next, features=page_features(soup, BLOCKS, _target))
    blocked = _block(soup, column, urlsplit(response.url))
    if blocked is not None:
        return ParsedPage(EngineStatus.BLOCKED, detail=blocked)
    early = http_status_page(response, NAME)
    if early is not None:
        return early
    if _says_no_results(soup, column):
        return ParsedPage(EngineStatus.EMPTY, detail="Google found no results")
    if not " ".join(soup.get_text(" ").split()):
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="empty page")
    return ParsedPage(
        EngineStatus.PARSE_FAILURE,
        detail="browser_google: the page has content but no organic result (an h3 title in its link under "
        "#search) parsed: Google's markup may have changed",
    )


def _column(soup: BeautifulSoup) -> Tag | None:
    return results_column(soup, SELECTORS["column"])


def _block(soup: BeautifulSoup, column: Tag | None, final: SplitResult) -> str | None:
    """Why the page is a block page, or None. Wording is read outside the results column only, so that a
    snippet quoting it never blocks a page."""
    if CONSENT_HOST in (final.hostname or "") or soup.select_one(SELECTORS["consent"]) is not None:
        return "Google showed its consent wall (consent.google.com)"
    if final.path.startswith("/sorry/") or soup.select_one(SELECTORS["captcha"]) is not None:
        return "Google's /sorry/ page: unusual traffic from this network"
    if any(words in _text_outside(soup, column).lower() for words in BLOCK_TEXT):
        return "Google says it sees unusual traffic from this network"
    return None


def _text_outside(soup: BeautifulSoup, column: Tag | None) -> str:
    if column is None:
        # No results column at all: the page is not a results page, all of it may be read.
        return soup.get_text(" ")
    inside = {id(node) for node in column.descendants}
    return " ".join(str(node) for node in soup.find_all(string=True) if id(node) not in inside)


def _says_no_results(soup: BeautifulSoup, column: Tag | None) -> bool:
    """Google's own statement ("did not match any documents"), where Google puts it: its top card, or a page
    with no outbound link at all. The "Searches related to" card at the bottom says no such thing."""
    bottom = {id(tag) for tag in soup.select(SELECTORS["bottom"])}
    places: list[Tag] = [
        place
        for place in soup.select(SELECTORS["no_results"])
        if id(place) not in bottom and not any(id(parent) in bottom for parent in place.parents)
    ]
    if not any(_target(str(a.get("href") or "")) for a in soup.select("a[href]")):
        places.append(soup)
    return any(words in " ".join(place.get_text(" ").split()).lower() for place in places for words in NO_RESULTS_TEXT)


def _heading_links(column: Tag) -> list[tuple[Tag, Tag]]:
    """Every (link, title) pair in the column, in page order: an `h3` inside its link (today's layout) or a
    link inside its `h3` (older `li.g` pages)."""
    pairs: list[tuple[Tag, Tag]] = []
    seen: set[int] = set()
    for heading in column.find_all("h3"):
        link = heading.find_parent("a", href=True) or heading.find("a", href=True)
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        pairs.append((link, heading))
    return pairs


def _results(column: Tag, offset: int) -> list[SearchResult]:
    # Identity, not equality: two tags with the same markup are equal in BeautifulSoup.
    excluded = {id(tag) for tag in column.select(SELECTORS["not_results"])}
    containers = {id(tag) for tag in column.select(SELECTORS["container"])}
    found: list[SearchResult] = []
    seen: set[str] = set()
    for link, heading in _heading_links(column):
        parents = list(link.parents)
        if any(id(parent) in excluded for parent in parents):
            continue
        owners = [parent for parent in parents if id(parent) in containers]
        # A result inside another result (sitelinks, nested cards) belongs to the outer one.
        if len(owners) > 1:
            continue
        url = _target(str(link.get("href") or ""))
        # An empty title is a page cut short in the middle of a result: nothing of it was read.
        if url is None or url in seen or not _text(heading):
            continue
        seen.add(url)
        block = owners[0] if owners else _own_block(link, column)
        snippet = _own(block, SELECTORS["snippet"], containers)
        found.append(SearchResult(offset + len(found) + 1, url, _text(heading), _text(snippet) if snippet else ""))
    return found


def _own_block(link: Tag, column: Tag) -> Tag:
    """The largest element around `link` that holds no other result title: its result, when no container
    class marks it."""
    block: Tag = link
    for parent in link.parents:
        if parent is column or len(parent.find_all("h3")) > 1:
            break
        block = parent
    return block


def _own(block: Tag, selector: str, containers: set[int]) -> Tag | None:
    """The first match of `selector` in `block` that is not inside a result nested in it (a sitelink's)."""
    for found in block.select(selector):
        between = []
        for parent in found.parents:
            if parent is block:
                break
            between.append(parent)
        if not any(id(parent) in containers for parent in between):
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
