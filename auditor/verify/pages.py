"""A fetched page as plain data, so verdicts are computed by pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bs4 import BeautifulSoup


@dataclass(frozen=True)
class PageFetch:
    """What fetching one page gave: a response, or the reason there is none."""

    requested_url: str
    final_url: str = ""
    status_code: int | None = None
    text: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str = ""
    """Set when no usable response came back (timeout, refused, too large ...)."""

    @property
    def ok(self) -> bool:
        return not self.error and self.status_code == 200


def display_name(html: str) -> str | None:
    """The name a profile page shows: schema.org or microformats markup first (GitHub's `itemprop=name`,
    h-card's `p-name`), then og:title, the first h1, <title>."""
    soup = BeautifulSoup(html, "lxml")
    for selector in ('[itemprop="name"]', ".p-name"):
        tag = soup.select_one(selector)
        if tag is not None and tag.get_text(strip=True):
            return " ".join(tag.get_text(" ", strip=True).split())
    og = soup.select_one('meta[property="og:title"][content]')
    if og is not None and str(og.get("content", "")).strip():
        return str(og["content"]).strip()
    for found in (soup.find("h1"), soup.find("title")):
        if found is not None and found.get_text(strip=True):
            return " ".join(found.get_text(" ", strip=True).split())
    return None
