"""Links found in a page, and whether one of them points at the person's site. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from auditor.identify.urls import is_http_url, unwrap
from auditor.models import LinkBack, Verdict

EVIDENCE_MAX = 300


@dataclass(frozen=True)
class PageLink:
    """One outgoing link of a page."""

    href: str
    """Absolute, unwrapped target."""
    rel: frozenset[str]
    html: str
    """The element as it appeared, truncated: the evidence shown in the report."""


def page_links(html: str, base_url: str) -> list[PageLink]:
    """Every `a[href]` and `link[href]` of the page, absolute and unwrapped, non-http ones dropped."""
    soup = BeautifulSoup(html, "lxml")
    found: list[PageLink] = []
    for tag in soup.select("a[href], link[href]"):
        href = str(tag.get("href") or "").strip()
        absolute = unwrap(urljoin(base_url, href))
        if not is_http_url(absolute):
            continue
        rel_value = tag.get("rel") or []
        rel = frozenset(r.lower() for r in (rel_value if isinstance(rel_value, list) else str(rel_value).split()))
        found.append(PageLink(absolute, rel, str(tag)[:EVIDENCE_MAX]))
    return found


def jsonld_objects(html: str) -> Iterator[dict[str, object]]:
    """Every JSON-LD object of the page, `@graph` members included; broken blocks are skipped."""
    soup = BeautifulSoup(html, "lxml")
    for script in soup.select('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


@dataclass(frozen=True)
class SiteTarget:
    """What counts as a link to the person's site."""

    url: str
    old_urls: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        return _host(self.url)

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme


def linkback_from_links(
    links: Iterable[PageLink], target: SiteTarget, *, source: str, final_url: str, status_code: int | None
) -> LinkBack:
    """The verdict from a page's links: the best link wins (linked over wrong target over nothing)."""
    wrong: tuple[PageLink, str] | None = None
    for link in links:
        host = _host(link.href)
        if host == target.host or host.endswith("." + target.host):
            if urlsplit(link.href).scheme == "http" and target.scheme == "https":
                wrong = wrong or (link, f"links to {link.href} over http while your site is https")
                continue
            return LinkBack(
                Verdict.LINKED,
                f"links to {link.href}",
                link.html,
                source,
                "nofollow" in link.rel,
                final_url,
                status_code,
            )
        for old in target.old_urls:
            old_host = _host(old)
            if host == old_host or host.endswith("." + old_host):
                wrong = wrong or (link, f"links to your former site {link.href}")
    if wrong is not None:
        link, reason = wrong
        return LinkBack(Verdict.WRONG_TARGET, reason, link.html, source, "nofollow" in link.rel, final_url, status_code)
    return LinkBack(
        Verdict.NOT_LINKED, f"no link to {target.host} on the page", "", source, False, final_url, status_code
    )
