"""Links found in a page or written in a text, the person's site as a link target, link shorteners. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from auditor.identify.suffixes import split_host
from auditor.identify.urls import is_http_url, unwrap

if TYPE_CHECKING:  # imported where used: parsing HTML is not every command's business
    from bs4 import Tag

EVIDENCE_MAX = 300


@dataclass(frozen=True)
class PageLink:
    """One outgoing link of a page."""

    href: str
    """Absolute, unwrapped target."""
    rel: frozenset[str]
    html: str
    """The element as it appeared, truncated: the evidence shown in the report."""
    raw: str = ""
    """The absolute href before unwrapping, when it was an exit page (l.facebook.com/l.php?u=...)."""


def page_links(html: str, base_url: str) -> list[PageLink]:
    """Every `a[href]` and `link[href]` of the page, absolute and unwrapped, non-http ones dropped."""
    from bs4 import BeautifulSoup

    return tag_links(BeautifulSoup(html, "lxml").select("a[href], link[href]"), base_url)


def tag_links(tags: Iterable[Tag], base_url: str) -> list[PageLink]:
    """`PageLink`s of the given elements (those with an http(s) `href`)."""
    found: list[PageLink] = []
    for tag in tags:
        href = str(tag.get("href") or "").strip()
        joined = urljoin(base_url, href)
        absolute = unwrap(joined)
        if not is_http_url(absolute):
            continue
        rel_value: object = tag.get("rel") or []
        values = rel_value if isinstance(rel_value, list) else str(rel_value).split()
        rel = frozenset(str(r).lower() for r in values)
        found.append(PageLink(absolute, rel, str(tag)[:EVIDENCE_MAX], joined if joined != absolute else ""))
    return found


def jsonld_objects(html: str) -> Iterator[dict[str, object]]:
    """Every JSON-LD object of the page, `@graph` members included; broken blocks are skipped."""
    from bs4 import BeautifulSoup

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
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def url_host(url: str) -> str:
    """The host of `url`, lower-case, without `www.`; "" when there is none."""
    return _host(url)


def on_host(url: str, host: str) -> bool:
    """`url` is on `host` or one of its subdomains (`www.` ignored on both sides)."""
    mine = _host(url)
    base = host.lower().removeprefix("www.")
    return bool(mine and base) and (mine == base or mine.endswith("." + base))


# Hosts whose links are redirects to somewhere else: the link is followed to see where it ends.
SHORTENERS = frozenset(
    {
        "t.co",
        "lnkd.in",
        "bit.ly",
        "bitly.com",
        "ow.ly",
        "buff.ly",
        "tinyurl.com",
        "goo.gl",
        "is.gd",
        "rebrand.ly",
        "cutt.ly",
        "shorturl.at",
        "rb.gy",
        "tiny.cc",
        "t.ly",
        "dlvr.it",
        "fb.me",
        "l.facebook.com",
        "lm.facebook.com",
        "l.instagram.com",
        "trib.al",
        "s.id",
        "v.gd",
    }
)


def is_shortener(url: str) -> bool:
    return _host(url) in SHORTENERS


_TEXT_URL = re.compile(
    r"(?<![\w@/.-])(?:https?://[^\s<>\"']+|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?:/[^\s<>\"']*)?)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}»\"'…"


def urls_in_text(text: str) -> list[str]:
    """URLs written as plain text (a Bluesky bio, a GitHub bio): `https://x.ca/a` and bare `x.ca/a` alike.

    A bare name counts only when it ends in a real public suffix, so `Node.js` is not taken for a site.
    """
    found: list[str] = []
    for match in _TEXT_URL.finditer(text):
        token = match.group(0).rstrip(_TRAILING)
        url = token if "://" in token else f"https://{token}"
        if "://" not in token and not _has_public_suffix(_host(url)):
            continue
        if is_http_url(url) and url not in found:
            found.append(url)
    return found


def _has_public_suffix(host: str) -> bool:
    parts = split_host(host)  # tldextract's bundled list, never fetched
    return bool(parts.domain and parts.suffix)


def site_root(site: str) -> tuple[str, str]:
    """(host without `www.`, path prefix) of a site as the person gave it. The prefix is "" for a whole host
    (`https://example.com/`); a site at a path (a university `~user` page, `sites.google.com/view/me`, a
    Linktree) keeps it, without its trailing slash or a last file name (`/~jdoe/index.html` -> `/~jdoe`)."""
    try:
        path = unquote(urlsplit(site).path)
    except ValueError:
        return "", ""
    segments = [segment for segment in path.split("/") if segment]
    if segments and "." in segments[-1] and not segments[-1].startswith(("~", "@")):
        segments.pop()
    return _host(site), "/".join(["", *segments]) if segments else ""


def in_site(url: str, site: str) -> bool:
    """`url` is a page of `site`. A whole-host site takes its subdomains too (as `on_host`); a site at a path
    takes only its own host and the pages under that path: another link on the same host is someone else's."""
    host, prefix = site_root(site)
    if not host:
        return False
    if not prefix:
        return on_host(url, host)
    if _host(url) != host:
        return False
    try:
        path = unquote(urlsplit(url).path).rstrip("/")
    except ValueError:
        return False
    return path == prefix or path.startswith(prefix + "/")


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

    @property
    def label(self) -> str:
        """How the site is named in a reason: its host, and its path when it was given with one."""
        host, prefix = site_root(self.url)
        return host + prefix

    def covers(self, url: str) -> bool:
        """`url` is a page of the site (under its path, when it was given with one)."""
        return in_site(url, self.url)

    def covers_former(self, url: str) -> bool:
        """`url` is a page of one of the former sites."""
        return any(in_site(url, old) for old in self.old_urls)
