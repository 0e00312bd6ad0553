"""DuckDuckGo's HTML endpoint: no key, POST a form, scrape `div.result.web-result` blocks.

Facts (DESIGN.md section 4): links are wrapped as `//duckduckgo.com/l/?uddg=<target>`; ads carry
`result--ad` and point at `duckduckgo.com/y.js`; HTTP 202 is its rate limit and `form#challenge-form` its
CAPTCHA; the next page is a POST of the hidden fields of the `div.nav-link` form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from auditor.engines.base import Engine, EngineRequest, Locale, http_status_page
from auditor.engines.spec import EngineSettings, EngineSpec
from auditor.identify.urls import unwrap
from auditor.models import EngineStatus, ParsedPage, Query, SearchResult
from auditor.net.fetched import Fetched

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
else:
    from auditor.engines.soup import BeautifulSoup  # bs4 is imported on the first parse, not with the registry

ENDPOINT = "https://html.duckduckgo.com/html/"
NAME = "duckduckgo_html"


def region_for_locale(locale: str) -> str:
    """DuckDuckGo's `kl` is region-language: fr-CA -> ca-fr, en-US -> us-en."""
    language, region = locale.split("-")
    return f"{region.lower()}-{language.lower()}"


class DuckDuckGoHtml(Engine):
    name = NAME
    kind = "html"
    rate_limit_statuses = frozenset({202})

    def __init__(self, region: str) -> None:
        self.region = region

    def first_request(self, query: Query, depth: int) -> EngineRequest:
        return EngineRequest("POST", ENDPOINT, form={"q": query.text, "kl": self.region, "b": ""})

    def next_request(
        self, query: Query, page: ParsedPage, previous: EngineRequest, fetched: int
    ) -> EngineRequest | None:
        if not page.next_page:
            return None
        return EngineRequest("POST", ENDPOINT, form=dict(page.next_page), offset=fetched)

    def parse(self, response: Fetched) -> ParsedPage:
        return parse_page(response)


def parse_page(response: Fetched) -> ParsedPage:
    # Results first; what the status code or a challenge form says counts only when none parses.
    soup = BeautifulSoup(response.text, "lxml")
    results = tuple(_results(soup))
    if results and response.code == 200:
        return ParsedPage(EngineStatus.OK, results, next_page=_next_page(soup))
    if response.code == 202:
        return ParsedPage(EngineStatus.BLOCKED, detail="HTTP 202: DuckDuckGo's rate limit (too many requests)")
    early = http_status_page(response, NAME)
    if early is not None:
        return early
    if soup.select_one("form#challenge-form") is not None:
        return ParsedPage(EngineStatus.BLOCKED, detail="DuckDuckGo answered with a CAPTCHA (challenge form)")
    if soup.select_one(".no-results") is not None:
        return ParsedPage(EngineStatus.EMPTY, detail="DuckDuckGo found no results")
    if not soup.get_text(strip=True):
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="empty body")
    return ParsedPage(
        EngineStatus.PARSE_FAILURE,
        detail="the page has content but no result block parsed (DuckDuckGo's markup may have changed)",
    )


def _results(soup: BeautifulSoup) -> list[SearchResult]:
    found: list[SearchResult] = []
    for block in soup.select("div.result.web-result, div.result.results_links"):
        if "result--ad" in (block.get("class") or []):
            continue
        link = block.select_one("a.result__a")
        if link is None:
            continue
        url = unwrap(_absolute(str(link.get("href") or "")))
        if "duckduckgo.com/y.js" in url:
            continue
        snippet = block.select_one(".result__snippet")
        found.append(
            SearchResult(
                position=len(found) + 1,
                url=url,
                title=_text(link),
                snippet=_text(snippet) if snippet is not None else "",
            )
        )
    return found


def _next_page(soup: BeautifulSoup) -> dict[str, str] | None:
    # From page 2 on, a "Previous" form comes first in its own div.nav-link; following it would go back a page
    # (and on the last page it is the only form left).
    for form in soup.select("div.nav-link form"):
        button = form.select_one("input[type=submit]")
        label = str(button.get("value") or "").strip().lower() if button is not None else ""
        if label.startswith(("prev", "préc")):
            continue
        fields = {
            str(field.get("name")): str(field.get("value") or "") for field in form.select("input[type=hidden][name]")
        }
        if fields:
            return fields
    return None


def _absolute(href: str) -> str:
    return "https:" + href if href.startswith("//") else href


def _text(tag: Tag) -> str:
    # No separator between text nodes: DuckDuckGo bolds the query words (`(<b>Émilie</b>)`), and a separator
    # would print `( Émilie )`; the markup's own whitespace is kept, then collapsed.
    return " ".join(tag.get_text().split())


class DuckDuckGoSettings(EngineSettings):
    region: str | None = None
    """DuckDuckGo's `kl` (e.g. `ca-fr`); derived from person.locale when unset."""


def _build(settings: DuckDuckGoSettings, locale: Locale, env: Mapping[str, str]) -> DuckDuckGoHtml:
    return DuckDuckGoHtml(settings.region or region_for_locale(locale.tag))


ENGINE = EngineSpec(
    name=NAME,
    label="DuckDuckGo",
    kind="html",
    settings=DuckDuckGoSettings,
    build=_build,
    parser=parse_page,
    cost="free",
    limits="blocks after about 5-7 quick requests (HTTP 202)",
    page_markers=("result__a", "challenge-form", "html.duckduckgo.com", "duckduckgo.com/l/?uddg"),
)
