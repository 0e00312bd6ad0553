"""A profile page's HTML (fetched, or rendered by the browser) to `ProfileData`. Pure.

Every anchor counts as a link (DESIGN.md section 5: rel=me, any anchor to the site, JSON-LD `sameAs`); the
ones in the network's website field, or marked rel="me", are *declared*: those are followed when they
redirect. Names and headlines come from the network's own markup first, then schema.org, microformats
and og: tags.
"""

from __future__ import annotations

from collections.abc import Iterable

from bs4 import BeautifulSoup

from auditor.identify.links import EVIDENCE_MAX, jsonld_objects, tag_links
from auditor.identify.names import mentions_name
from auditor.verify.evidence import FoundLink, ProfileData
from auditor.verify.pages import clean_name

# The element holding a profile's own website, per network (the rest of the page is the network's chrome).
WEBSITE_SELECTORS: dict[str, str] = {
    "github": 'li[itemprop="url"] a[href]',
    "x": 'a[data-testid="UserUrl"][href]',
    "linkedin": "a.top-card-link[href]",
    "stackoverflow": 'a[rel~="me"][href]',
}
# Shown only once a JavaScript profile has rendered: its presence says the page is the profile, not a wall.
RENDERED_MARKERS: dict[str, str] = {
    "x": '[data-testid="UserName"]',
    "bluesky": '[data-testid="profileHeaderDisplayName"]',
}
NAME_SELECTORS = (
    '[data-testid="UserName"]',
    '[data-testid="profileHeaderDisplayName"]',
    '[itemprop="name"]',
    ".p-name",
    ".top-card-layout__title",
)
HEADLINE_SELECTORS = (
    '[data-testid="UserDescription"]',
    '[data-testid="profileHeaderDescription"]',
    ".p-note",
    '[itemprop="description"]',
    ".top-card-layout__headline",
)
HEADLINE_MAX = 300


def _text(value: str) -> str:
    return " ".join(value.split())


def _first_text(soup: BeautifulSoup, selectors: Iterable[str]) -> str | None:
    for selector in selectors:
        tag = soup.select_one(selector)
        if tag is not None and tag.get_text(strip=True):
            return _text(tag.get_text(" ", strip=True))
    return None


def _meta(soup: BeautifulSoup, *selectors: str) -> str | None:
    for selector in selectors:
        tag = soup.select_one(selector)
        if tag is not None and _text(str(tag.get("content", ""))):
            return _text(str(tag.get("content", "")))
    return None


def page_identity(soup: BeautifulSoup) -> tuple[str | None, str | None]:
    """(display name, headline) as the page shows them; None where it shows nothing usable."""
    name = _first_text(soup, NAME_SELECTORS) or _meta(soup, 'meta[property="og:title"][content]')
    if name is None:
        heading = soup.find("h1")
        name = _text(heading.get_text(" ", strip=True)) if heading is not None else None
    headline = _first_text(soup, HEADLINE_SELECTORS) or _meta(
        soup, 'meta[property="og:description"][content]', 'meta[name="description" i][content]'
    )
    return clean_name(name), (headline[:HEADLINE_MAX] if headline else None)


def parse_profile_page(network: str, html: str, base_url: str, *, source: str = "html") -> ProfileData:
    """The links and identity of a profile page. `network` is the registry key (for its website field)."""
    soup = BeautifulSoup(html, "lxml")
    website = WEBSITE_SELECTORS.get(network)
    declared_tags = {id(tag) for tag in soup.select(website)} if website else set()
    links: list[FoundLink] = []
    for tag in soup.select("a[href], link[href]"):
        found = tag_links([tag], base_url)
        if not found:
            continue
        link = found[0]
        links.append(
            FoundLink(
                link.href,
                link.html,
                nofollow="nofollow" in link.rel,
                declared=id(tag) in declared_tags or "me" in link.rel,
                via=link.raw,
            )
        )
    for item in jsonld_objects(html):
        for key in ("sameAs", "url"):
            values = item.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and value.startswith(("http://", "https://")):
                    evidence = f'JSON-LD {key}: "{value}"'[:EVIDENCE_MAX]
                    links.append(FoundLink(value, evidence, declared=True))
    name, headline = page_identity(soup)
    where = "the page rendered by the browser" if source == "browser" else "the page"
    return ProfileData(source, tuple(links), where, name, headline)


def rendered_profile(network: str, html: str, names: Iterable[str]) -> bool:
    """Whether a page rendered by the browser shows the profile itself (its marker, else the person's name):
    a login wall or a shell that never filled in must not read as a profile without a link."""
    soup = BeautifulSoup(html, "lxml")
    marker = RENDERED_MARKERS.get(network)
    if marker is not None and soup.select_one(marker) is not None:
        return True
    return mentions_name(soup.get_text(" ", strip=True), names)
