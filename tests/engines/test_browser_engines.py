"""The browser engines end to end: BrowserFetcher (real headless Chromium) + collect_serp against the sandbox's
Google and Bing results pages, which carry the real structure: organic blocks, wrapped links, ads, the
consent wall, the /sorry/ redirect, Bing's challenge. One browser and one event loop serve the whole module."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest

from auditor.audit.collect import collect_serp
from auditor.audit.plan import build_engine
from auditor.config import load_config
from auditor.errors import FetchRefused
from auditor.models import EngineStatus, Query, Serp
from auditor.net.browser import BrowserFetcher
from auditor.net.client import HttpClient, HttpPolicy
from auditor.sandbox import Sandbox, load_scenario
from auditor.store.raw import RawRecord
from tests.engines.fixtures import CONFIG, SCENARIO
from tests.recording import recording

pytestmark = pytest.mark.browser

QUERY = Query("Noémie Gagnon")
T = TypeVar("T")


class Harness:
    """A running sandbox, and one client and browser on one event loop, shared by the module's tests."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.loop = asyncio.new_event_loop()
        policy = HttpPolicy(sandbox_url=sandbox.url, time_scale=0.0, timeout=10.0)
        self.client = HttpClient(policy)
        self.browser = BrowserFetcher(policy, self.client.pacer)
        self.config = load_config(CONFIG)

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        async def call() -> T:
            return await make()

        return self.loop.run_until_complete(call())

    def search(self, engine_name: str, month: int, depth: int = 20) -> tuple[Serp, list[RawRecord]]:
        self.sandbox.set_month(month)
        _, fetcher, raws = recording(self.client, lambda: self.browser)
        engine = build_engine(engine_name, self.config, {})
        serp = self.run(lambda: collect_serp(fetcher, engine, QUERY, depth))
        return serp, raws

    def close(self) -> None:
        self.run(self.browser.aclose)
        self.run(self.client.__aexit__)
        self.loop.close()


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with Sandbox(load_scenario(SCENARIO)) as sandbox:
        running = Harness(sandbox)
        try:
            yield running
        finally:
            running.close()


@pytest.mark.parametrize("engine_name", ["browser_google", "browser_bing"])
def test_two_pages_of_organic_results(harness: Harness, engine_name: str) -> None:
    serp, raws = harness.search(engine_name, 0)
    ranking = harness.sandbox.scenario.months[0].ranking(engine_name, QUERY.text)
    assert serp.status is EngineStatus.OK, serp.detail
    assert [r.url for r in serp.results] == [r.url for r in ranking[:20]]  # unwrapped, no ad
    assert serp.requests == 2
    assert [raw.status_code for raw in raws] == [200, 200]
    assert raws[0].body.startswith(b"<!")  # the rendered page is what is stored


def test_google_consent_wall_is_blocked_never_zero(harness: Harness) -> None:
    serp, raws = harness.search("browser_google", 6)
    assert serp.status is EngineStatus.BLOCKED
    assert "consent" in serp.detail
    assert raws[0].url.startswith("https://consent.google.com/ml?")  # where the page really ended


def test_google_sorry_redirect_is_blocked(harness: Harness) -> None:
    serp, raws = harness.search("browser_google", 7)
    assert serp.status is EngineStatus.BLOCKED
    assert "/sorry/" in serp.detail
    assert raws[0].url.startswith("https://www.google.com/sorry/index?") and raws[0].status_code == 429


def test_bing_challenge_is_blocked(harness: Harness) -> None:
    serp, _ = harness.search("browser_bing", 6)
    assert serp.status is EngineStatus.BLOCKED and "challenge" in serp.detail


@pytest.mark.parametrize(
    ("month", "status"), [(4, EngineStatus.PARSE_FAILURE), (5, EngineStatus.EMPTY)], ids=["malformed", "empty"]
)
@pytest.mark.parametrize("engine_name", ["browser_google", "browser_bing"])
def test_changed_markup_and_genuine_no_results(
    harness: Harness, engine_name: str, month: int, status: EngineStatus
) -> None:
    serp, _ = harness.search(engine_name, month)
    assert serp.status is status, serp.detail


def test_a_redirect_to_a_private_address_is_refused_on_every_hop(harness: Harness) -> None:
    # Chromium follows redirects without asking the route again: the fetcher follows them itself, so the
    # guard sees every hop, here a page that moved to the cloud metadata address.
    harness.sandbox.set_month(0)
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254"):
        harness.run(lambda: harness.browser.fetch("https://www.noemie-gagnon-photo.example/ancien"))
