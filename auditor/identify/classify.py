"""Whose is each search result? Pure: a result and what is known of the person in, an ownership out.

The order of the rules (DESIGN.md section 3, issue 4):
1. not an http(s) URL: `other`;
2. on the site's host (under its path, when it was given with one): `site`; one of the configured profiles:
   `profile` (the config beats any label);
3. a label the user gave: `me` makes it a confirmed profile (`profile`, counted in the score), `not-me` makes
   it a `namesake` when it carries the name or is a profile or site in the name, else `other`;
4. an unconfigured profile on a network: `probable_profile` when the site links to it, or when it carries
   the name and its page links to the site (`page_checks`, fetched by the pipeline); `namesake` when it
   carries the name; else `other`;
5. the former site: `mention`;
6. a site whose domain is the name (emilietremblayrh.ca): `probable_profile` when either site links to the
   other, else `namesake` (another person's own site: a page *about* the person is on someone else's domain);
7. a page that carries the name: `mention` when something ties it to the person (it links to the site or to a
   configured profile, or one of the person's qualifiers is written near the name), else `namesake` (someone
   of that name), with the words that tell them apart as evidence; anything else: `other`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from auditor.identify.labels import Decision
from auditor.identify.links import in_site
from auditor.identify.names import distinguishing_words, mentions_name, name_in_domain, qualifier_near_name
from auditor.identify.networks import NetworkMatch, Registry
from auditor.identify.urls import domain_label
from auditor.models import ClassifiedResult, Ownership, SearchResult


@dataclass(frozen=True)
class PageCheck:
    """What fetching a candidate page said of its link to the person's site."""

    links_to_site: bool
    evidence: str = ""
    """The anchor (or redirect) that links to the site; why the page could not be read; or ""."""
    readable: bool = True
    """False when the page could not be fetched or read: whether it links is then unknown."""
    links_to_profile: str = ""
    """The config key of a configured profile the page links to (when it does not link to the site)."""


@dataclass(frozen=True)
class Identity:
    """What the classifier knows of the person."""

    names: tuple[str, ...]
    """The name and its configured aliases."""
    site_host: str
    """Normalised host of the professional site."""
    old_site_hosts: frozenset[str]
    profiles: Mapping[tuple[str, str], str]
    """(network, account) of each configured profile -> its network key in the config."""
    site_links: frozenset[str] = frozenset()
    """Normalised URLs the site links to (a profile it links to is probably the person's)."""
    site_link_keys: frozenset[str] = frozenset()
    """`Registry.same_page_key` of each of `site_links`, so a profile linked as /ETremblay matches /etremblay."""
    page_checks: Mapping[str, PageCheck] = field(default_factory=dict)
    """Same-page key -> what its fetched page said (only the few candidates the pipeline fetched)."""
    labels: Mapping[str, Decision] = field(default_factory=dict)
    """Same-page key -> the user's decision (`auditor label`)."""
    qualifiers: tuple[str, ...] = ()
    """Words that tell the person apart (`person.qualifiers`: a city, a trade): near the name, a mention."""
    site_url: str = ""
    """The site as configured: when it has a path (example.edu/~jdoe/), only the pages under it are the site."""
    old_site_urls: tuple[str, ...] = ()


def build_identity(
    registry: Registry,
    *,
    name: str,
    aliases: Iterable[str],
    site: str,
    old_sites: Iterable[str],
    profiles: Mapping[str, str],
    site_links: Iterable[str] = (),
    page_checks: Mapping[str, PageCheck] | None = None,
    labels: Mapping[str, Decision | str] | None = None,
    qualifiers: Iterable[str] = (),
) -> Identity:
    """`labels` maps URLs (any spelling) to decisions; they are keyed here as `same_page_key`s."""
    configured: dict[tuple[str, str], str] = {}
    for key, url in profiles.items():
        found = registry.match(url)
        if found is not None and found.account is not None:
            configured[(found.network.key, found.account)] = key
    links = frozenset(site_links)
    keys = set()
    for link in links:
        with contextlib.suppress(ValueError):
            keys.add(registry.same_page_key(link))
    decided: dict[str, Decision] = {}
    for url, decision in (labels or {}).items():
        with contextlib.suppress(ValueError):
            decided[registry.same_page_key(url)] = Decision(decision)
    return Identity(
        names=(name, *aliases),
        site_host=_host(registry.normalize(site)),
        old_site_hosts=frozenset(_host(registry.normalize(u)) for u in old_sites),
        profiles=configured,
        site_links=links,
        site_link_keys=frozenset(keys),
        page_checks=dict(page_checks or {}),
        labels=decided,
        qualifiers=tuple(qualifiers),
        site_url=registry.normalize(site),
        old_site_urls=tuple(registry.normalize(u) for u in old_sites),
    )


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _on_host(host: str, site_host: str) -> bool:
    return host == site_host or host.endswith("." + site_host)


def _is_site(normalized: str, host: str, who: Identity) -> bool:
    # A site given with a path is only the pages under it: the rest of its host is other people's.
    return in_site(normalized, who.site_url) if who.site_url else _on_host(host, who.site_host)


def _is_former_site(normalized: str, host: str, who: Identity) -> bool:
    if who.old_site_urls:
        return any(in_site(normalized, old) for old in who.old_site_urls)
    return any(_on_host(host, old) for old in who.old_site_hosts)


def page_key(normalized: str, found: NetworkMatch | None) -> str:
    """`Registry.same_page_key` from a match already made (no second parse)."""
    if found is not None and found.account is not None:
        return f"{found.network.key}:{found.account}"
    return normalized


def in_name_domain(host: str, names: Iterable[str]) -> bool:
    """The host's registrable domain is the name written out (emilietremblayrh.ca, tremblay-emilie.com)."""
    label = domain_label(host)
    return bool(label) and name_in_domain(label, names)


@dataclass(frozen=True)
class _Verdict:
    ownership: Ownership
    reason: str
    evidence: str = ""
    code: str = ""
    params: Mapping[str, str] = field(default_factory=dict)


def classify(result: SearchResult, *, engine: str, query: str, registry: Registry, who: Identity) -> ClassifiedResult:
    def out(
        verdict: _Verdict,
        normalized: str = "",
        found: NetworkMatch | None = None,
        profile: str | None = None,
        label: Decision | None = None,
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
            ownership=verdict.ownership,
            profile=profile,
            reason=verdict.reason,
            label=label.value if label else None,
            evidence=verdict.evidence,
            reason_code=verdict.code,
            reason_params=dict(verdict.params),
        )

    try:
        normalized = registry.normalize(result.url)
        found = registry.match(result.url)
    except ValueError:
        return out(_Verdict(Ownership.OTHER, "not an http(s) URL"))
    host = _host(normalized)
    if _is_site(normalized, host, who):
        return out(_Verdict(Ownership.SITE, "your site"), normalized)
    if found is not None and found.account is not None:
        key = who.profiles.get((found.network.key, found.account))
        if key is not None:
            # A page of the profile (a tab, a section) is the profile's: the result's URL says which page ranked.
            reason = f"your {found.network.label} profile" + (
                f" (this page of it: {found.subpage})" if found.subpage else ""
            )
            return out(_Verdict(Ownership.PROFILE, reason), normalized, found, key)
    text = f"{result.title} {result.snippet}".strip()
    named = mentions_name(text, who.names)
    personal = found is None and in_name_domain(host, who.names)
    label = who.labels.get(page_key(normalized, found))
    if label is Decision.ME:
        confirmed = _Verdict(Ownership.PROFILE, "you confirmed it is yours (auditor label)")
        return out(confirmed, normalized, found, None, label)
    if label is Decision.NOT_ME:
        # Namesake pressure measures the attention other people with the name hold: a disowned page that
        # carries the name (or is a profile or a site in the name) is exactly that; any other is just a page.
        person_page = named or personal or (found is not None and found.is_profile)
        ownership = Ownership.NAMESAKE if person_page else Ownership.OTHER
        return out(_Verdict(ownership, "you marked it as not you (auditor label)"), normalized, found, None, label)
    verdict = _unlabelled(normalized, host, found, named, personal, who, text)
    if not text and verdict.ownership is Ownership.OTHER:
        # `auditor classify URL` without --title: nothing said the name is absent, only that nothing was shown.
        verdict = _Verdict(Ownership.OTHER, f"{verdict.reason} (no title or snippet to look for your name in)")
    return out(verdict, normalized, found)


def _unlabelled(
    normalized: str, host: str, found: NetworkMatch | None, named: bool, personal: bool, who: Identity, text: str
) -> _Verdict:
    key = page_key(normalized, found)
    linked_from_site = normalized in who.site_links or key in who.site_link_keys
    check = who.page_checks.get(key)
    links_back = check is not None and check.links_to_site
    evidence = check.evidence if check is not None else ""
    if found is not None and found.is_profile:
        label = found.network.label
        if linked_from_site:
            return _Verdict(Ownership.PROBABLE_PROFILE, f"your site links to this {label} profile")
        if named and links_back:
            reason = f"it carries your name and links to your site: {evidence}"
            return _Verdict(Ownership.PROBABLE_PROFILE, reason, evidence)
        if named:
            return _Verdict(Ownership.NAMESAKE, f"another {label} profile with your name{_unlinked(check)}")
        return _Verdict(Ownership.OTHER, f"a {label} profile that does not carry your name")
    if _is_former_site(normalized, host, who):
        return _Verdict(Ownership.MENTION, "your former site")
    if personal:
        if linked_from_site:
            return _Verdict(Ownership.PROBABLE_PROFILE, "a site in your name that your site links to")
        if links_back:
            reason = f"a site in your name that links to your site: {evidence}"
            return _Verdict(Ownership.PROBABLE_PROFILE, reason, evidence)
        unlinked = f"your site does not link to it{_unlinked(check)}"
        return _Verdict(Ownership.NAMESAKE, f"a site in your name that is not yours: {unlinked}")
    if named:
        return _named_page(text, check, who)
    return _Verdict(Ownership.OTHER, "does not name you")


def _named_page(text: str, check: PageCheck | None, who: Identity) -> _Verdict:
    """A page that carries the name is about the person only with evidence of it: a link to the site or to
    a configured profile (from its fetched page), or one of the person's qualifiers near the name. Without
    any, it is about someone else of that name, told apart by the words around the name."""
    # The codes and params let the report word each reason in its language (report/reasons.py, RESULT).
    if check is not None and check.links_to_site:
        reason = f"a page that names you and links to your site: {check.evidence}"
        return _Verdict(Ownership.MENTION, reason, check.evidence, "names_you_links_site")
    if check is not None and check.links_to_profile:
        network = check.links_to_profile
        reason = f"a page that names you and links to your {network} profile: {check.evidence}"
        return _Verdict(Ownership.MENTION, reason, check.evidence, "names_you_links_profile", {"network": network})
    qualifier = qualifier_near_name(text, who.names, who.qualifiers)
    if qualifier is not None:
        reason = f"a page that names you with {qualifier!r}, one of your qualifiers"
        return _Verdict(Ownership.MENTION, reason, qualifier, "names_you_with_qualifier", {"qualifier": qualifier})
    words = ", ".join(distinguishing_words(text, who.names))
    unlinked = _unlinked(check)
    params = {"unknown": check.evidence} if check is not None and not check.readable else {}
    if words:
        reason = f"a page about someone with your name ({words}){unlinked}"
        return _Verdict(Ownership.NAMESAKE, reason, words, "namesake_words", {"words": words, **params})
    reason = f"a page with your name and nothing that ties it to you{unlinked}"
    return _Verdict(Ownership.NAMESAKE, reason, "", "namesake_nothing", params)


def _unlinked(check: PageCheck | None) -> str:
    if check is None:
        return ""
    if not check.readable:
        return f" (whether it links to your site is unknown: {check.evidence})"
    return ", and it does not link to your site"
