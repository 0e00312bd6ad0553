"""Gathering: the I/O behind each profile's verdict, ending in plain `ProfileEvidence`.

Per profile, the cheapest reliable source (DESIGN.md section 5): the network's public API where it has one
(`apis.py`), else the HTML page, else, for networks marked `needs_js`, the page rendered by the browser. An
API that cannot answer now (rate limit, server error) falls back to the page, and the evidence says so.
Then the links that need following are followed through the HTTP layer (at most `MAX_REDIRECTS` hops, each
one SSRF-checked there): shorteners (t.co, lnkd.in, bit.ly ...) and the profile's own website field when it
is some other domain; and pages of the person's site that a profile links to are fetched, since a link to a
page that answers 404 is a wrong target.

Everything is asked through one `Fetcher` (`net.fetcher`), filed as kind `profile` for what a verdict is
read from and `profile_link` for links followed: the live one of an audit (which records every answer), a
replay that answers what an interrupted run already received and sends the rest (a resume), or a complete
replay that sends nothing (a rescore). The code below is the same for all three.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from auditor.errors import FetchError, FetchRefused, ResponseTooLarge
from auditor.identify.links import SiteTarget, is_shortener, url_host
from auditor.identify.networks import Network, Registry, default_registry
from auditor.net.browser import BrowserUnavailable
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Describe, Fetcher, Request
from auditor.verify.apis import API_LABELS, ApiCall, api_call, parse_api
from auditor.verify.evidence import FoundLink, ProfileData, ProfileEvidence, Resolution
from auditor.verify.htmlprofile import RENDERED_MARKERS, parse_profile_page, rendered_profile
from auditor.verify.profiles import page_problem

MAX_FOLLOWED = 5
"""Links followed per profile: a page with fifty shortened links is not worth fifty requests."""
MAX_TARGETS = 3
"""Pages of the person's site checked per profile."""


def fetch_error_text(exc: Exception) -> str:
    """A failed request in the words a reason uses ("page too large", "redirect loop", "timeout" ...)."""
    if isinstance(exc, ResponseTooLarge):
        return f"page too large ({exc})"
    if isinstance(exc, FetchRefused):
        return f"refused: {exc}"
    if isinstance(exc, FetchError):
        kind = {"redirect_loop": "redirect loop", "too_many_redirects": "too many redirects"}.get(exc.kind, exc.kind)
        text = str(exc)
        return text if text.lower().startswith(kind) or kind in text.lower()[:40] else f"{kind}: {text}"
    return str(exc)


def profile_words(network: Network) -> Describe:
    """How a failed request for `network`'s profile is worded: `fetch_error_text`, and for a browser that
    could not start, which profile needed it."""

    def describe(exc: Exception) -> str:
        if isinstance(exc, BrowserUnavailable | ImportError):
            why = str(exc) or type(exc).__name__
            return f"{network.label} needs JavaScript and no browser could be started ({why})"
        return fetch_error_text(exc)

    return describe


class ProfileGatherer:
    """`await ProfileGatherer(fetcher, site=..., names=...).gather(key, url)`: everything through `fetcher`."""

    def __init__(
        self, fetcher: Fetcher, *, site: SiteTarget, names: Sequence[str], registry: Registry | None = None
    ) -> None:
        self._fetcher = fetcher
        self._site = site
        self._names = tuple(names)
        self._registry = registry or default_registry()
        self._followed: dict[str, asyncio.Task[Resolution]] = {}

    # -- one profile ---------------------------------------------------------------------------------------

    async def gather(self, key: str, url: str) -> ProfileEvidence:
        """Everything a verdict on the profile `url` needs. Never raises for anything the web does."""
        try:
            match = self._registry.match(url)
        except ValueError:
            match = None
        network = self._registry.by_key.get(key) or (match.network if match else None)
        if network is None:
            return ProfileEvidence(key, url, "html", error="not a profile URL of a known network")
        notes: list[str] = []
        evidence: ProfileEvidence | None = None
        call = api_call(network.key, match.handle if match else None, url)
        if call is not None:
            evidence = await self._from_api(key, network, url, call, notes)
        if evidence is None:
            fetch = self._from_browser if network.needs_js else self._from_page
            evidence = await fetch(key, network, url)
        if evidence.data is not None and not evidence.problem:
            evidence = await self._follow_links(key, evidence, evidence.data)
        return _with_notes(evidence, notes)

    async def _from_api(
        self, key: str, network: Network, url: str, call: ApiCall, notes: list[str]
    ) -> ProfileEvidence | None:
        """The API's evidence, or None (with a note) when the page must be read instead."""
        label = API_LABELS[call.source]
        # No robots.txt here: a public API is published for programs, paced at the API's own rate.
        asked = Request(
            call.url, "profile", via="api", headers=call.headers, subject=key, describe=profile_words(network)
        )
        result = await self._fetcher.send(asked)
        if result.error:
            notes.append(f"the {label} could not be reached ({result.error}); the page was read instead")
            return None
        answer = parse_api(call, result.code, result.headers, result.text)
        final = answer.account_url or url
        if answer.fallback:
            notes.append(f"{answer.fallback}; the page was read instead")
            return None
        if answer.problem:
            status = result.status_code
            return ProfileEvidence(
                network.key, url, call.source, final_url=final, status_code=status, problem=answer.problem
            )
        return ProfileEvidence(network.key, url, call.source, answer.data, final, result.status_code)

    async def _from_page(self, key: str, network: Network, url: str) -> ProfileEvidence:
        asked = Request(url, "profile", respect_robots=True, subject=key, describe=profile_words(network))
        result = await self._fetcher.send(asked)
        if result.error:
            return ProfileEvidence(network.key, url, "html", final_url=url, error=result.error)
        return self._judge_page(network, url, result, "html")

    async def _from_browser(self, key: str, network: Network, url: str) -> ProfileEvidence:
        asked = Request(
            url,
            "profile",
            via="browser",
            respect_robots=True,
            wait_for=RENDERED_MARKERS.get(network.key),
            subject=key,
            describe=profile_words(network),
        )
        result = await self._fetcher.send(asked)
        if result.error:
            return ProfileEvidence(network.key, url, "browser", final_url=url, error=result.error)
        evidence = self._judge_page(network, url, result, "browser")
        visible = rendered_profile(network.key, result.text, self._names)
        return replace(evidence, profile_visible=visible)

    def _judge_page(self, network: Network, url: str, result: Fetched, source: str) -> ProfileEvidence:
        problem = page_problem(network, result, url, self._registry)
        if problem:
            return ProfileEvidence(network.key, url, source, None, result.url, result.status_code, problem=problem)
        data = parse_profile_page(network.key, result.text, result.url, source=source)
        return ProfileEvidence(network.key, url, source, data, result.url, result.status_code)

    # -- links ---------------------------------------------------------------------------------------------

    def _on_site_or_former(self, url: str) -> bool:
        # A site given with a path (example.edu/~me/) is only that path: another page of the host is not hers.
        return self._site.covers(url) or self._site.covers_former(url)

    def _worth_following(self, link: FoundLink) -> bool:
        if self._on_site_or_former(link.href):
            return False
        if is_shortener(link.href):
            return True
        if not link.declared or link.via:
            return False
        try:
            known = self._registry.match(link.href)
        except ValueError:
            return False
        return known is None  # a link to another network is a profile, not a redirect to the site

    async def _follow_links(self, key: str, evidence: ProfileEvidence, data: ProfileData) -> ProfileEvidence:
        to_follow = _unique(link.href for link in data.links if self._worth_following(link))[:MAX_FOLLOWED]
        to_check = _unique(link.href for link in data.links if self._site_page(link.href))[:MAX_TARGETS]
        # Pages of the site are pages like any other: robots.txt is respected (DESIGN.md section 8). A link
        # that only redirects is not a page anyone reads, so its shortener's robots.txt is not asked.
        followed = await asyncio.gather(
            *(self._follow(key, href) for href in to_follow),
            *(self._follow(key, href, respect_robots=True) for href in to_check),
        )
        resolutions = dict(zip(to_follow, followed[: len(to_follow)], strict=True))
        targets = dict(zip(to_check, followed[len(to_follow) :], strict=True))
        if not resolutions and not targets:
            return evidence
        return replace(evidence, resolutions=resolutions, targets=targets)

    def _site_page(self, href: str) -> bool:
        """A page of the site other than its home (the home page is the site check's business), linked with
        the site's own scheme (an http link is a wrong target whatever it answers)."""
        parts = urlsplit(href)
        home = urlsplit(self._site.url).path.strip("/")
        return self._site.covers(href) and parts.scheme == self._site.scheme and parts.path.strip("/") != home

    def _follow(self, key: str, href: str, *, respect_robots: bool = False) -> asyncio.Task[Resolution]:
        # Shared across profiles: two profiles linking to one page cost one request.
        if href not in self._followed:
            self._followed[href] = asyncio.ensure_future(self._resolve(key, href, respect_robots))
        return self._followed[href]

    async def _resolve(self, key: str, href: str, respect_robots: bool) -> Resolution:
        # Where the link leads is all that is read of the answer: its body is not kept.
        asked = Request(
            href,
            "profile_link",
            respect_robots=respect_robots,
            subject=key,
            keep_body=False,
            describe=fetch_error_text,
        )
        result = await self._fetcher.send(asked)
        if result.error:
            reached = result.reached
            if reached and reached != href and self._on_site_or_former(reached):
                # The chain got as far as the site, which did not answer: where the link leads is known.
                return Resolution(href, (reached,), None, note=f"{reached} did not answer: {result.error}")
            return Resolution(href, error=result.error)
        chain = (*result.redirects[1:], result.url) if result.redirects else ()
        if not chain and is_shortener(href):
            # A shortener that does not redirect (a dead or unknown code) says nothing of where it led.
            return Resolution(href, (), result.status_code, f"{url_host(href)} answered HTTP {result.status_code}")
        return Resolution(href, chain, result.status_code)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _with_notes(evidence: ProfileEvidence, notes: list[str]) -> ProfileEvidence:
    if not notes:
        return evidence
    return replace(evidence, notes=(*notes, *evidence.notes))
