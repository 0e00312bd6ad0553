"""Gathering against the sandbox's verify scenario, through the real HTTP layer (and Chromium where a network
needs JavaScript): one case per source, redirect kind, login wall and bad input of issue 5."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence

import pytest

from auditor.identify.links import SiteTarget
from auditor.identify.networks import default_registry
from auditor.models import LinkBack, Verdict
from auditor.net.browser import BrowserFetcher, BrowserUnavailable
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, Request
from auditor.net.routing import Browser, BrowserFactory
from auditor.sandbox import DEMO_SCENARIO, Sandbox, load_scenario
from auditor.store.raw import RawRecord
from auditor.verify.decide import decide_linkback
from auditor.verify.evidence import ProfileEvidence
from auditor.verify.gather import ProfileGatherer
from tests.recording import recording

VERIFY_SCENARIO = DEMO_SCENARIO.with_name("verify.toml")
REGISTRY = default_registry()
TARGET = SiteTarget("https://noemiegagnon.ca", ("https://ngagnon-web.ca",))
NAMES = ("Noémie Gagnon", "Noemie Gagnon")
L, R, W, N, U = (
    Verdict.LINKED,
    Verdict.LINKED_VIA_REDIRECT,
    Verdict.WRONG_TARGET,
    Verdict.NOT_LINKED,
    Verdict.UNVERIFIABLE,
)

# url -> (verdict, source that decided it, words of the reason)
CASES: dict[str, tuple[Verdict, str, str]] = {
    # GitHub: the users API's `blog`, and the page when the API is rate-limited
    "https://github.com/ngagnon": (L, "api:github", "links to https://noemiegagnon.ca"),
    "https://github.com/ngagnon-nolink": (N, "api:github", "no link to noemiegagnon.ca in the website field (blog)"),
    "https://github.com/ngagnon-http": (W, "api:github", "over http while your site is https"),
    "https://github.com/ngagnon-old": (W, "api:github", "your former site https://ngagnon-web.ca"),
    "https://github.com/ngagnon-404": (W, "api:github", "a page of your site that answers 404"),
    # A page of the site robots.txt disallows is not fetched (it would answer 404): the link stands, unchecked.
    "https://github.com/ngagnon-prive": (L, "api:github", "could not be checked: refused: robots.txt of noemiegagnon"),
    "https://github.com/ngagnon-bitly": (R, "api:github", "https://bit.ly/ngagnon, which redirects to"),
    "https://github.com/ngagnon-chain": (R, "api:github", "https://noemie.page/, which redirects to"),
    "https://github.com/ngagnon-loop": (U, "api:github", "could not be followed (redirect loop"),
    "https://github.com/ngagnon-ssrf": (U, "api:github", "could not be followed (refused"),
    "https://github.com/ngagnon-limited": (L, "html", "GitHub API rate limit is used up"),
    "https://github.com/ngagnon-absent": (U, "api:github", "GitHub has no account ngagnon-absent (API: 404)"),
    "https://github.com/ngagnon-ancien": (U, "api:github", "redirects to another account (https://github.com/ngagnon)"),
    # Mastodon: fields and verified_at
    "https://mastodon.social/@ngagnon": (L, "api:mastodon", "the instance verified this link"),
    "https://mastodon.social/@ngagnon_nv": (L, "api:mastodon", "not verified by the instance yet"),
    "https://mastodon.social/@ngagnon_lent": (L, "html", "the Mastodon API answered HTTP 429"),
    "https://mastodon.social/@personne": (U, "api:mastodon", "no account @personne"),
    # Stack Exchange: website_url
    "https://stackoverflow.com/users/4242/noemie-gagnon": (L, "api:stackexchange", "links to https://noemiegagnon.ca/"),
    "https://stackoverflow.com/users/5151/ngagnon-sans": (N, "api:stackexchange", "website field (website_url)"),
    "https://stackoverflow.com/users/9999": (U, "api:stackexchange", "Stack Overflow has no user 9999"),
    # Bluesky: the description, as plain text
    "https://bsky.app/profile/ngagnon.bsky.social": (L, "api:bluesky", "links to https://noemiegagnon.ca"),
    "https://bsky.app/profile/absente.bsky.social": (U, "api:bluesky", "Bluesky has no account absente.bsky.social"),
    # Login walls and link-preview pages
    "https://www.linkedin.com/in/noemiegagnon": (U, "html", "HTTP 999: LinkedIn refuses logged-out visitors"),
    "https://www.linkedin.com/in/noemiegagnon-aw": (U, "html", "LinkedIn redirected to a login page"),
    "https://www.linkedin.com/in/noemiegagnon-public": (R, "html", "https://lnkd.in/ngagnon, which redirects to"),
    "https://www.instagram.com/noemie.gagnon": (U, "html", "Instagram redirected to a login page"),
    "https://www.facebook.com/noemiegagnon.dev": (U, "html", "Facebook hides links from logged-out visitors"),
    "https://www.facebook.com/noemiegagnon.pro": (R, "html", "through l.facebook.com's exit page"),
    # Ordinary pages and bad input
    "https://www.malt.fr/profile/noemiegagnon": (L, "html", "links to https://noemiegagnon.ca/"),
    "https://medium.com/@ngagnon": (L, "html", "links to https://noemiegagnon.ca/"),
    "https://gitlab.com/ngagnon": (U, "html", "the profile page answered 404: check its URL"),
    "https://dev.to/ngagnon": (U, "html", "page too large"),
    "https://dev.to/ngagnon_boucle": (U, "html", "redirect loop"),
    "https://dev.to/ngagnon_lent": (U, "html", "timed out"),
    "https://dev.to/ngagnon_ancien": (
        U,
        "html",
        "the profile redirects to another account (https://dev.to/ngagnon_autre)",
    ),
}
BROWSER_CASES: dict[str, tuple[Verdict, str, str]] = {
    "https://x.com/noemie_gagnon": (R, "browser", "https://t.co/"),
    "https://x.com/noemie_sans": (N, "browser", "no link to noemiegagnon.ca in the page rendered by the browser"),
    "https://x.com/noemie_ancien": (W, "browser", "which redirects to your former site https://ngagnon-web.ca"),
    "https://bsky.app/profile/ngagnon-lent.bsky.social": (L, "browser", "the Bluesky API answered HTTP 429"),
}

Found = dict[str, tuple[ProfileEvidence, LinkBack]]


def gather_all(
    sandbox: Sandbox,
    urls: Sequence[str],
    *,
    browser_factory: BrowserFactory | None = None,
    raws: list[RawRecord] | None = None,
) -> Found:
    # A short timeout and no retries: the `timeout` page costs two seconds, not forty-five.
    policy = HttpPolicy(sandbox_url=sandbox.url, time_scale=0.0, retries=0, timeout=2.0)

    async def run() -> Found:
        async with HttpClient(policy) as client:
            factory = browser_factory or (lambda: BrowserFetcher(policy, client.pacer))
            web, fetcher, recorded = recording(client, factory)
            async with web:
                found = await gather_through(fetcher, urls)
            if raws is not None:
                raws.extend(recorded)
            return found

    return asyncio.run(run())


async def gather_through(fetcher: Fetcher, urls: Sequence[str]) -> Found:
    """Every URL gathered through `fetcher`, at once, as an audit gathers them."""
    gatherer = ProfileGatherer(fetcher, site=TARGET, names=NAMES)

    async def one(url: str) -> tuple[str, tuple[ProfileEvidence, LinkBack]]:
        match = REGISTRY.match(url)
        assert match is not None
        evidence = await gatherer.gather(match.network.key, url)
        return url, (evidence, decide_linkback(match.network, evidence, TARGET))

    return dict(await asyncio.gather(*(one(url) for url in urls)))


def no_browser() -> Browser:
    raise AssertionError("no profile of these cases needs a browser: it must not be created")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(VERIFY_SCENARIO)) as running:
        yield running


@pytest.fixture(scope="module")
def found(sandbox: Sandbox) -> Found:
    return gather_all(sandbox, list(CASES), browser_factory=no_browser)


@pytest.mark.parametrize("url", sorted(CASES))
def test_verdict_source_and_reason(url: str, found: Found) -> None:
    verdict, source, words = CASES[url]
    _, linkback = found[url]
    assert (linkback.verdict, linkback.source) == (verdict, source), linkback.reason
    assert words in linkback.reason
    assert linkback.final_url


def test_evidence_is_kept_for_the_report(found: Found) -> None:
    _, chain = found["https://github.com/ngagnon-chain"]
    assert chain.evidence.startswith('blog: "https://noemie.page/"')
    assert "https://noemie.page/ -> https://ow.ly/ngsite -> https://noemiegagnon.ca/ (HTTP 200)" in chain.evidence
    _, wall = found["https://www.linkedin.com/in/noemiegagnon"]
    assert (wall.evidence, wall.status_code) == ("HTTP 999", 999)
    _, missing = found["https://github.com/ngagnon-404"]
    assert "https://noemiegagnon.ca/ancienne-page (HTTP 404)" in missing.evidence
    _, renamed = found["https://github.com/ngagnon-ancien"]
    assert renamed.final_url == "https://github.com/ngagnon"


def test_a_page_of_the_site_that_robots_txt_disallows_is_never_requested(sandbox: Sandbox, found: Found) -> None:
    asked = {(host, path) for _, host, path in sandbox.requests}
    assert ("noemiegagnon.ca", "/robots.txt") in asked
    assert ("noemiegagnon.ca", "/prive/cv") not in asked
    assert ("noemiegagnon.ca", "/ancienne-page") in asked  # an allowed page is checked


def test_nofollow_is_noted(found: Found) -> None:
    assert found["https://www.malt.fr/profile/noemiegagnon"][1].nofollow  # rel="nofollow"
    assert found["https://mastodon.social/@ngagnon"][1].nofollow  # Mastodon's fields are always nofollow
    assert not found["https://github.com/ngagnon"][1].nofollow  # an API field has no rel


def test_names_and_headlines_from_each_source(found: Found) -> None:
    names = {url: found[url][0].display_name for url in CASES}
    assert names["https://github.com/ngagnon"] == "Noémie Gagnon"
    assert names["https://stackoverflow.com/users/4242/noemie-gagnon"] == "Noémie Gagnon"  # unescaped
    assert names["https://www.malt.fr/profile/noemiegagnon"] == "Noémie Gagnon"  # read from windows-1252
    assert names["https://www.linkedin.com/in/noemiegagnon"] is None  # a login wall shows no name
    assert found["https://mastodon.social/@ngagnon"][0].headline == "Python, données et ski de fond à Québec."


def test_a_failed_fetch_is_a_failure_a_login_wall_is_not(found: Found) -> None:
    assert found["https://dev.to/ngagnon_lent"][0].failed
    assert found["https://dev.to/ngagnon"][0].failed
    assert not found["https://www.linkedin.com/in/noemiegagnon"][0].failed
    assert not found["https://github.com/ngagnon-absent"][0].failed


def test_raw_answers_are_handed_over_with_their_profile(sandbox: Sandbox) -> None:
    raws: list[RawRecord] = []
    urls = ["https://github.com/ngagnon-bitly", "https://dev.to/ngagnon"]
    gather_all(sandbox, urls, browser_factory=no_browser, raws=raws)
    kinds = sorted((raw.kind, raw.subject, raw.requested_url) for raw in raws)
    assert kinds == [
        ("profile", "devto", "https://dev.to/ngagnon"),
        ("profile", "github", "https://api.github.com/users/ngagnon-bitly"),
        ("profile_link", "github", "https://bit.ly/ngagnon"),
    ]
    too_large = next(raw for raw in raws if raw.subject == "devto")
    assert too_large.status_code is None and "page too large" in too_large.error


def test_site_down_keeps_the_verdicts_it_can(sandbox: Sandbox) -> None:
    with Sandbox(load_scenario(VERIFY_SCENARIO)) as down:
        down.set_month(1)
        urls = ["https://github.com/ngagnon", "https://github.com/ngagnon-bitly", "https://github.com/ngagnon-404"]
        result = gather_all(down, urls, browser_factory=no_browser)
    assert result["https://github.com/ngagnon"][1].verdict is Verdict.LINKED
    bitly = result["https://github.com/ngagnon-bitly"][1]
    assert bitly.verdict is Verdict.LINKED_VIA_REDIRECT and "did not answer" in bitly.reason
    # A site that does not answer (its robots.txt neither) is not a 404: the link is not called wrong.
    gone = result["https://github.com/ngagnon-404"][1]
    assert gone.verdict is Verdict.LINKED and "could not be checked" in gone.reason


class _NoChromium:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls
        self.start_error: Exception | None = None

    async def send(self, request: Request) -> Fetched:
        self.calls.append(request.url)
        self.start_error = BrowserUnavailable("no Chromium found for pages that need JavaScript")
        return request.failed(self.start_error, 0)

    async def aclose(self) -> None:
        self.calls.append("closed")


def test_without_chromium_javascript_profiles_are_unverifiable_never_not_linked(sandbox: Sandbox) -> None:
    calls: list[str] = []
    created: list[int] = []

    def factory() -> Browser:
        created.append(1)
        return _NoChromium(calls)

    urls = ["https://x.com/noemie_gagnon", "https://x.com/noemie_sans", "https://github.com/ngagnon"]
    result = gather_all(sandbox, urls, browser_factory=factory)
    for url in urls[:2]:
        evidence, linkback = result[url]
        assert linkback.verdict is Verdict.UNVERIFIABLE
        assert "X needs JavaScript and no browser could be started (no Chromium found" in linkback.reason
        assert evidence.failed
    assert result["https://github.com/ngagnon"][1].verdict is Verdict.LINKED
    assert len(created) == 1 and len([c for c in calls if c != "closed"]) == 1  # tried once, then remembered
    assert calls[-1] == "closed"


@pytest.mark.browser
def test_javascript_profiles_through_chromium(sandbox: Sandbox) -> None:
    result = gather_all(sandbox, list(BROWSER_CASES))
    for url, (verdict, source, words) in BROWSER_CASES.items():
        evidence, linkback = result[url]
        assert (linkback.verdict, linkback.source) == (verdict, source), (url, linkback.reason)
        assert words in linkback.reason, url
        assert evidence.profile_visible
    evidence, linkback = result["https://x.com/noemie_gagnon"]
    assert linkback.nofollow
    assert 'data-testid="UserUrl"' in linkback.evidence and "-> https://noemiegagnon.ca (HTTP 200)" in linkback.evidence
    assert evidence.display_name == "Noémie G."
    assert evidence.headline == "Python et données à Québec."
