"""The browser engines end to end: BrowserFetcher (real headless Chromium) + collect_serp against the sandbox's
Google and Bing results pages, which carry the real structure: organic blocks, wrapped links, ads, the
consent wall, the /sorry/ redirect, Bing's challenge. One browser and one event loop serve the whole module."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from auditor.audit.collect import collect_serp
from auditor.audit.plan import build_engine
from auditor.config import load_config
from auditor.errors import FetchRefused
from auditor.models import EngineStatus, FeatureKind, Query, Serp
from auditor.net.browser import BrowserFetcher
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetcher import RecordingFetcher
from auditor.net.routing import RoutingFetcher
from auditor.net.screenshot import MAX_BYTES, MAX_HEIGHT, MAX_WIDTH
from auditor.report.features import thumbnails
from auditor.sandbox import Sandbox, load_scenario
from auditor.store import Store
from auditor.store.raw import RawRecord
from auditor.store.screenshots import png_size
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


@pytest.mark.parametrize("engine_name", ["browser_google", "browser_bing"])
def test_the_page_shows_the_blocks_beyond_the_results(harness: Harness, engine_name: str) -> None:
    serp, _ = harness.search(engine_name, 0, depth=10)
    assert serp.status is EngineStatus.OK, serp.detail
    by_kind = {f.kind: f for f in serp.features}
    assert set(by_kind) == {
        FeatureKind.KNOWLEDGE_PANEL,
        FeatureKind.PEOPLE_ALSO_ASK,
        FeatureKind.AI_OVERVIEW,
        FeatureKind.VIDEOS,
    }
    panel = by_kind[FeatureKind.KNOWLEDGE_PANEL]
    assert panel.title == "Noémie Gagnon" and "Conseillère en données" in panel.description
    assert [link.url for link in panel.links] == ["https://noemiegagnon.ca/", "https://github.com/ngagnon-data"]
    assert by_kind[FeatureKind.PEOPLE_ALSO_ASK].questions == ("Qui est Noémie Gagnon ?", "Où travaille Noémie Gagnon ?")
    assert by_kind[FeatureKind.AI_OVERVIEW].links[0].url == "https://noemiegagnon.ca/"
    # The blocks never become organic results.
    assert [r.url for r in serp.results] == [
        r.url for r in harness.sandbox.scenario.months[0].ranking(engine_name, QUERY.text)[:10]
    ]


@pytest.mark.parametrize("engine_name", ["browser_google", "browser_bing"])
def test_each_results_page_is_kept_as_a_capped_screenshot_in_the_history(
    harness: Harness, engine_name: str, tmp_path: Path
) -> None:
    harness.sandbox.set_month(0)
    with Store.open(tmp_path / "history.db") as store:
        audit_id = store.begin_audit("Noémie Gagnon", dt.date(2026, 1, 1), [engine_name])
        web = RoutingFetcher(harness.client, lambda: harness.browser)
        fetcher = RecordingFetcher(web, lambda asked, fetched: store.save_raw(audit_id, asked, fetched))
        engine = build_engine(engine_name, harness.config, {})
        serp = harness.run(lambda: collect_serp(fetcher, engine, QUERY, 20))
        assert serp.status is EngineStatus.OK and serp.requests == 2
        shots = store.screenshots(audit_id)
    assert [(s.engine, s.query, s.page) for s in shots] == [(engine_name, QUERY.text, 1), (engine_name, QUERY.text, 2)]
    for shot in shots:
        assert shot.error == ""
        assert shot.png.startswith(b"\x89PNG\r\n\x1a\n") and len(shot.png) <= MAX_BYTES
        assert png_size(shot.png) == (shot.width, shot.height)
        assert shot.width == MAX_WIDTH and 0 < shot.height <= MAX_HEIGHT
    # The report embeds the first page of each engine and query, within its caps.
    embedded = thumbnails(shots)
    assert [t.engine for t in embedded] == [engine_name]
    assert embedded[0].data_uri.startswith("data:image/png;base64,")


def test_a_screenshot_that_fails_is_recorded_and_the_page_kept(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: object, *args: object, **kwargs: object) -> bytes:
        raise RuntimeError("Target closed\nmore log lines")

    from playwright.async_api import Page

    monkeypatch.setattr(Page, "screenshot", broken)
    serp, raws = harness.search("browser_google", 0, depth=10)
    assert serp.status is EngineStatus.OK and len(serp.results) == 10
    assert raws[0].screenshot == b""
    assert raws[0].screenshot_error == "screenshot failed: Target closed"


def test_a_profile_page_rendered_by_the_browser_takes_no_screenshot(harness: Harness) -> None:
    harness.sandbox.set_month(0)
    page = harness.run(lambda: harness.browser.fetch("https://noemiegagnon.ca/"))
    assert page.status_code == 200
    assert page.screenshot == b"" and page.screenshot_error == ""
