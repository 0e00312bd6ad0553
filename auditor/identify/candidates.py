"""Which results are worth a look at their page, and what that page says of the person's site. Pure.

A profile that carries the person's name is either hers (unconfigured: a probable profile to confirm) or a
namesake's; the page tells them apart when it links to her site (DESIGN.md section 3). The pipeline fetches
the few best-ranked such results (through the same polite HTTP client, robots.txt respected) and hands the
pages to `check_page`; classification then reads the `PageCheck`s, and stays pure.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from auditor.identify.classify import PageCheck
from auditor.identify.links import PageLink, in_site, page_links
from auditor.identify.networks import Registry
from auditor.models import ClassifiedResult, Ownership
from auditor.net.fetched import Fetched

MAX_CANDIDATES = 5
"""Pages fetched per audit at most: the best-ranked ones decide the first page of results, and each costs a
polite request (at least a second apart per host) on every audit."""
EVIDENCE_MAX = 200


@dataclass(frozen=True)
class Candidate:
    """A result whose page is fetched to see whether it links to the person's site."""

    key: str
    """`Registry.same_page_key`: what the page's check is filed under (and its subject in the history)."""
    url: str
    """The URL as the engine gave it (the normalised form drops `www.`, which some hosts need)."""


def pick_candidates(
    results: Iterable[ClassifiedResult], registry: Registry, limit: int = MAX_CANDIDATES
) -> tuple[Candidate, ...]:
    """The best-ranked namesakes (profiles or sites in the person's name) that no label decided, one per
    page, on networks whose logged-out HTML can show a link: a login wall (LinkedIn, Facebook, Instagram) or
    a JavaScript shell (X, Threads, TikTok ...) would answer nothing either way."""
    best: dict[str, tuple[int, int, str]] = {}
    for order, result in enumerate(results):
        if result.ownership is not Ownership.NAMESAKE or result.label is not None:
            continue
        network = registry.by_key.get(result.network or "")
        if network is not None and (network.needs_login or network.needs_js):
            continue
        try:
            key = registry.same_page_key(result.url)
        except ValueError:
            continue
        seen = best.get(key)
        if seen is None or (result.position, order) < seen[:2]:
            best[key] = (result.position, order, result.url)
    ranked = sorted(best.items(), key=lambda item: item[1][:2])
    return tuple(Candidate(key, url) for key, (_, _, url) in ranked[:limit])


def check_page(
    page: Fetched,
    site: str,
    old_sites: Iterable[str] = (),
    profiles: Mapping[str, str] | None = None,
    registry: Registry | None = None,
) -> PageCheck:
    """Does the fetched page link to the person's site (or redirect there, or link to a former site)? And,
    given the configured `profiles` and the `registry` to compare them, to which of them does it link?"""
    if not page.ok:
        why = page.error or f"HTTP {page.status_code}"
        return PageCheck(False, f"the page could not be read ({why})"[:EVIDENCE_MAX], readable=False)
    # A site given with a path (example.edu/~jdoe/) is linked only under that path.
    if page.url and in_site(page.url, site):
        return PageCheck(True, f"it redirects to your site ({page.url})"[:EVIDENCE_MAX])
    links = page_links(page.text, page.url or page.requested_url)
    for link in links:
        if in_site(link.href, site):
            return PageCheck(True, link.html[:EVIDENCE_MAX])
    for link in links:
        if any(in_site(link.href, old) for old in old_sites):
            return PageCheck(True, f"a link to your former site: {link.html}"[:EVIDENCE_MAX])
    profile = _linked_profile(links, profiles or {}, registry)
    if profile is not None:
        key, html = profile
        return PageCheck(False, html[:EVIDENCE_MAX], links_to_profile=key)
    return PageCheck(False)


def _linked_profile(
    links: list[PageLink], profiles: Mapping[str, str], registry: Registry | None
) -> tuple[str, str] | None:
    """(config key, the anchor) of the first link to one of the configured profiles."""
    if registry is None or not profiles:
        return None
    wanted: dict[str, str] = {}
    for key, url in profiles.items():
        with contextlib.suppress(ValueError):
            wanted[registry.same_page_key(url)] = key
    for link in links:
        try:
            found = wanted.get(registry.same_page_key(link.href))
        except ValueError:
            continue
        if found is not None:
            return found, link.html
    return None
