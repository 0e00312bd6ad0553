"""Whose is each search result? Pure: a result and what is known of the person in, an ownership out."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from auditor.identify.names import mentions_name
from auditor.identify.networks import NetworkMatch, Registry
from auditor.models import ClassifiedResult, Ownership, SearchResult


@dataclass(frozen=True)
class Identity:
    """What the classifier knows of the person."""

    names: tuple[str, ...]
    """The name and its configured aliases."""
    site_host: str
    """Normalised host of the professional site."""
    old_site_hosts: frozenset[str]
    profiles: Mapping[tuple[str, str], str]
    """(network, handle) of each configured profile -> its network key in the config."""
    site_links: frozenset[str] = frozenset()
    """Normalised URLs the site links to (a profile it links to is probably the person's)."""
    site_link_keys: frozenset[str] = frozenset()
    """`Registry.same_page_key` of each of `site_links`, so a profile linked as /ETremblay matches /etremblay."""


def build_identity(
    registry: Registry,
    *,
    name: str,
    aliases: Iterable[str],
    site: str,
    old_sites: Iterable[str],
    profiles: Mapping[str, str],
    site_links: Iterable[str] = (),
) -> Identity:
    configured: dict[tuple[str, str], str] = {}
    for key, url in profiles.items():
        found = registry.match(url)
        if found is not None and found.handle is not None:
            configured[(found.network.key, found.handle)] = key
    links = frozenset(site_links)
    keys = set()
    for link in links:
        with contextlib.suppress(ValueError):
            keys.add(registry.same_page_key(link))
    return Identity(
        names=(name, *aliases),
        site_host=_host(registry.normalize(site)),
        old_site_hosts=frozenset(_host(registry.normalize(u)) for u in old_sites),
        profiles=configured,
        site_links=links,
        site_link_keys=frozenset(keys),
    )


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _on_host(host: str, site_host: str) -> bool:
    return host == site_host or host.endswith("." + site_host)


def classify(result: SearchResult, *, engine: str, query: str, registry: Registry, who: Identity) -> ClassifiedResult:
    def out(
        ownership: Ownership,
        reason: str,
        normalized: str = "",
        found: NetworkMatch | None = None,
        profile: str | None = None,
    ) -> ClassifiedResult:
        return ClassifiedResult(
            engine=engine,
            query=query,
            position=result.position,
            url=result.url,
            normalized_url=normalized,
            title=result.title,
            snippet=result.snippet,
            network=found.network.key if found else None,
            ownership=ownership,
            profile=profile,
            reason=reason,
        )

    try:
        normalized = registry.normalize(result.url)
        found = registry.match(result.url)
    except ValueError:
        return out(Ownership.OTHER, "not an http(s) URL")
    host = _host(normalized)
    named = mentions_name(f"{result.title} {result.snippet}", who.names)
    if _on_host(host, who.site_host):
        return out(Ownership.SITE, "your site", normalized)
    if found is not None and found.handle is not None:
        key = who.profiles.get((found.network.key, found.handle))
        if key is not None:
            return out(Ownership.PROFILE, f"your {found.network.label} profile", normalized, found, key)
        if normalized in who.site_links or f"{found.network.key}:{found.handle}" in who.site_link_keys:
            return out(Ownership.PROBABLE_PROFILE, "your site links to this profile", normalized, found)
        if named:
            return out(Ownership.NAMESAKE, f"another {found.network.label} profile with your name", normalized, found)
        return out(Ownership.OTHER, f"a {found.network.label} profile of someone else", normalized, found)
    if any(_on_host(host, old) for old in who.old_site_hosts):
        return out(Ownership.MENTION, "your former site", normalized, found)
    if named:
        return out(Ownership.MENTION, "a page that names you", normalized, found)
    return out(Ownership.OTHER, "does not name you", normalized, found)
