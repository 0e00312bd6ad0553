"""Gathering: the I/O behind each profile's verdict, ending in plain `ProfileEvidence`.

Per profile, the cheapest reliable source (DESIGN.md section 5): the network's public API where it has one
(`apis.py`), else the HTML page, else, for networks marked `needs_js`, the page rendered by the browser. An
API that cannot answer now (rate limit, server error) falls back to the page, and the evidence says so.
Then the links that need following are followed through the HTTP layer (at most `MAX_REDIRECTS` hops, each
one SSRF-checked there): shorteners (t.co, lnkd.in, bit.ly ...) and the profile's own website field when it
is some other domain; and pages of the person's site that a profile links to are fetched, since a link to a
page that answers 404 is a wrong target.

The browser is created only when a profile needs it and closed by `aclose`; when Chromium cannot start,
those profiles are `unverifiable` with that reason. Every answer, and every failure, is handed to `on_raw`
(kind `profile` for what a verdict is read from, `profile_link` for links followed, with its redirect chain),
so it is stored with the audit.

Given `answers` (`verify.answers`), a request answered before is not sent again: a resumed audit reuses what
the interrupted run received, and a rescore, which sends nothing, rebuilds the same evidence from it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from typing import Protocol
from urllib.parse import urlsplit

from auditor.audit.collect import RawResponse, RawSink
from auditor.errors import FetchError, FetchRefused, ResponseTooLarge
from auditor.identify.links import SiteTarget, is_shortener, on_host, url_host
from auditor.identify.networks import Network, Registry, default_registry
from auditor.net.browser import BrowserFetcher, BrowserUnavailable
from auditor.net.client import FetchResult, HttpClient
from auditor.net.redaction import redact
from auditor.verify.answers import Failed, StoredAnswers, StoredFailure
from auditor.verify.apis import API_LABELS, ApiCall, api_call, parse_api
from auditor.verify.evidence import FoundLink, ProfileData, ProfileEvidence, Resolution
from auditor.verify.htmlprofile import RENDERED_MARKERS, parse_profile_page, rendered_profile
from auditor.verify.pages import PageFetch, decode_html
from auditor.verify.profiles import page_problem

MAX_FOLLOWED = 5
"""Links followed per profile: a page with fifty shortened links is not worth fifty requests."""
MAX_TARGETS = 3
"""Pages of the person's site checked per profile."""


class Browser(Protocol):
    """What gathering needs of `BrowserFetcher` (tests pass a fake)."""

    async def fetch(self, url: str, *, wait_for: str | None = None) -> FetchResult: ...

    async def aclose(self) -> None: ...


BrowserFactory = Callable[[], Browser]


class NoBrowser(Exception):
    """A profile needs JavaScript and Chromium could not be started (the message says why, for the reason)."""


FAILURES = (FetchError, FetchRefused, ResponseTooLarge, StoredFailure, NoBrowser)
"""What asking for a profile's page, API answer or link may raise: each becomes evidence of a failure."""


def _ignore(raw: RawResponse) -> None:
    pass


def fetch_error_text(exc: Exception) -> str:
    """A failed request in the words a reason uses ("page too large", "redirect loop", "timeout" ...)."""
    if isinstance(exc, ResponseTooLarge):
        return f"page too large ({exc})"
    if isinstance(exc, FetchRefused):
        return f"refused: {exc}"
    if isinstance(exc, StoredFailure | NoBrowser):
        return str(exc)  # a stored failure was recorded in these words already
    if isinstance(exc, FetchError):
        kind = {"redirect_loop": "redirect loop", "too_many_redirects": "too many redirects"}.get(exc.kind, exc.kind)
        text = str(exc)
        return text if text.lower().startswith(kind) or kind in text.lower()[:40] else f"{kind}: {text}"
    return str(exc)


class ProfileGatherer:
    """Use as `async with ProfileGatherer(client, site=..., names=...) as gatherer: await gatherer.gather(k, u)`.

    `client` is None only with `answers` that are complete (a rescore): nothing can be sent then.
    """

    def __init__(
        self,
        client: HttpClient | None,
        *,
        site: SiteTarget,
        names: Sequence[str],
        on_raw: RawSink = _ignore,
        registry: Registry | None = None,
        browser_factory: BrowserFactory | None = None,
        answers: StoredAnswers | None = None,
    ) -> None:
        if client is None and not (answers is not None and answers.complete):  # complete, even with none
            raise ValueError("gathering without an HTTP client needs complete stored answers")
        self._client = client
        self._site = site
        self._names = tuple(names)
        self._on_raw = on_raw
        self._registry = registry or default_registry()
        self._browser_factory = browser_factory or self._default_browser
        self._answers = answers or StoredAnswers()
        self._browser: Browser | None = None
        self._browser_error = ""
        # One rendered page at a time: the browser starts on first use, and two first uses must not race.
        self._browser_lock = asyncio.Lock()
        self._followed: dict[str, asyncio.Task[Resolution]] = {}

    async def __aenter__(self) -> ProfileGatherer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._browser is not None:
            await self._browser.aclose()
            self._browser = None

    @property
    def client(self) -> HttpClient:
        if self._client is None:  # excluded by __init__: complete answers never let a request through
            raise RuntimeError("no HTTP client: this gathering replays stored answers only")
        return self._client

    def _default_browser(self) -> Browser:
        return BrowserFetcher(self.client.policy, self.client.pacer)

    async def _ask(
        self, kind: str, key: str, url: str, send: Callable[[], Awaitable[FetchResult]], *, keep_body: bool = True
    ) -> FetchResult:
        """The stored answer to this request if there is one, else `send()`'s, recorded. Raises `FAILURES`."""
        stored = self._answers.lookup(kind, url)
        if isinstance(stored, Failed):
            raise StoredFailure(stored)
        if stored is not None:
            return stored  # stored already, with the audit this run resumes or replays
        try:
            result = await send()
        except FAILURES as exc:
            self._record(kind, key, url, None, error=fetch_error_text(exc), reached=_failed_hop(exc))
            raise
        self._record(kind, key, url, result, keep_body=keep_body)
        return result

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
        try:
            # No robots.txt here: a public API is published for programs, paced at the API's own rate.
            result = await self._ask(
                "profile", key, call.url, lambda: self.client.fetch(call.url, kind="api", headers=call.headers)
            )
        except FAILURES as exc:
            notes.append(f"the {label} could not be reached ({fetch_error_text(exc)}); the page was read instead")
            return None
        answer = parse_api(call, result.status_code, result.headers, result.text)
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
        try:
            result = await self._ask("profile", key, url, lambda: self.client.fetch(url, respect_robots=True))
        except FAILURES as exc:
            return ProfileEvidence(network.key, url, "html", final_url=url, error=fetch_error_text(exc))
        return self._judge_page(network, url, result, "html")

    async def _from_browser(self, key: str, network: Network, url: str) -> ProfileEvidence:
        try:
            result = await self._ask("profile", key, url, lambda: self._render(network, url))
        except FAILURES as exc:
            return ProfileEvidence(network.key, url, "browser", final_url=url, error=fetch_error_text(exc))
        evidence = self._judge_page(network, url, result, "browser")
        visible = rendered_profile(network.key, evidence_text(result), self._names)
        return replace(evidence, profile_visible=visible)

    async def _render(self, network: Network, url: str) -> FetchResult:
        """The profile rendered by the browser, robots.txt permitting. Raises `FAILURES`."""
        try:  # a host out of reach raises FetchError: the profile fails as a network failure
            allowed = await self.client.allowed_by_robots(url)
        except (FetchRefused, ResponseTooLarge):
            allowed = False
        if not allowed:
            raise FetchRefused(f"robots.txt of {url_host(url)} does not allow fetching {url}")
        async with self._browser_lock:
            if self._browser_error:  # tried once already: Chromium is not started again for every profile
                raise NoBrowser(self._no_browser(network, self._browser_error))
            if self._browser is None:
                self._browser = self._browser_factory()
            try:
                return await self._browser.fetch(url, wait_for=RENDERED_MARKERS.get(network.key))
            except (BrowserUnavailable, ImportError) as exc:
                self._browser_error = str(exc) or type(exc).__name__
                raise NoBrowser(self._no_browser(network, exc)) from None

    @staticmethod
    def _no_browser(network: Network, why: object) -> str:
        return f"{network.label} needs JavaScript and no browser could be started ({why})"

    def _judge_page(self, network: Network, url: str, result: FetchResult, source: str) -> ProfileEvidence:
        page = PageFetch(url, result.url, result.status_code, evidence_text(result), result.headers)
        problem = page_problem(network, page, url, self._registry)
        if problem:
            return ProfileEvidence(network.key, url, source, None, result.url, result.status_code, problem=problem)
        data = parse_profile_page(network.key, page.text, result.url, source=source)
        return ProfileEvidence(network.key, url, source, data, result.url, result.status_code)

    # -- links ---------------------------------------------------------------------------------------------

    def _on_site_or_former(self, url: str) -> bool:
        site = self._site
        return on_host(url, site.host) or any(on_host(url, url_host(old)) for old in site.old_urls if url_host(old))

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
        return on_host(href, self._site.host) and parts.scheme == self._site.scheme and parts.path.strip("/") != ""

    def _follow(self, key: str, href: str, *, respect_robots: bool = False) -> asyncio.Task[Resolution]:
        # Shared across profiles: two profiles linking to one page cost one request.
        if href not in self._followed:
            self._followed[href] = asyncio.ensure_future(self._resolve(key, href, respect_robots))
        return self._followed[href]

    async def _resolve(self, key: str, href: str, respect_robots: bool) -> Resolution:
        def send() -> Awaitable[FetchResult]:
            return self.client.fetch(href, kind="html", respect_robots=respect_robots)

        try:
            # Where the link leads is all that is read of the answer: its body is not kept.
            result = await self._ask("profile_link", key, href, send, keep_body=False)
        except FAILURES as exc:
            error = fetch_error_text(exc)
            reached = _failed_hop(exc)
            if reached and reached != href and self._on_site_or_former(reached):
                # The chain got as far as the site, which did not answer: where the link leads is known.
                return Resolution(href, (reached,), None, note=f"{reached} did not answer: {error}")
            return Resolution(href, error=error)
        chain = (*result.redirects[1:], result.url) if result.redirects else ()
        if not chain and is_shortener(href):
            # A shortener that does not redirect (a dead or unknown code) says nothing of where it led.
            return Resolution(href, (), result.status_code, f"{url_host(href)} answered HTTP {result.status_code}")
        return Resolution(href, chain, result.status_code)

    def _record(
        self,
        kind: str,
        key: str,
        requested: str,
        result: FetchResult | None,
        *,
        error: str = "",
        reached: str = "",
        keep_body: bool = True,
    ) -> None:
        if result is None:
            # A chain that timed out part-way is stored at the URL it reached: a replay tells the same story.
            raw = RawResponse(kind, redact(reached or requested), None, b"", subject=key, requested_url=requested,
                              error=error)  # fmt: skip
        else:
            body = result.body if keep_body else b""
            raw = RawResponse(kind, redact(result.url), result.status_code, body, subject=key,
                              requested_url=requested, headers=result.headers, attempts=result.attempts,
                              redirects=result.redirects)  # fmt: skip
        self._on_raw(raw)


def evidence_text(result: FetchResult) -> str:
    """The body as text, whatever its declared or undeclared encoding."""
    return decode_html(result.body, result.headers.get("content-type", ""))


_LAST_URL = re.compile(r"(https?://\S+)$")


def _failed_hop(exc: Exception) -> str:
    """The URL a timeout or connection failure happened at: the HTTP layer ends those messages with it."""
    if isinstance(exc, StoredFailure):
        return exc.reached
    if not isinstance(exc, FetchError) or exc.kind not in ("timeout", "connection"):
        return ""
    found = _LAST_URL.search(str(exc).strip())
    return found.group(1) if found else ""


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _with_notes(evidence: ProfileEvidence, notes: list[str]) -> ProfileEvidence:
    if not notes:
        return evidence
    return replace(evidence, notes=(*notes, *evidence.notes))
