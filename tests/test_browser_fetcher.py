"""The browser fetcher against the sandbox: scripts run, real URLs kept, private addresses refused."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from auditor.errors import FetchRefused
from auditor.identify.links import page_links
from auditor.net.browser import BrowserFetcher
from auditor.net.client import HttpPolicy, SandboxTransport
from auditor.net.fetched import Fetched
from auditor.net.pacer import HostPacer
from auditor.sandbox import DEMO_SCENARIO, Sandbox, load_scenario

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(DEMO_SCENARIO)) as running:
        running.set_month(len(running.scenario.months) - 1)
        yield running


def fetch(sandbox: Sandbox, url: str) -> Fetched:
    async def run() -> Fetched:
        policy = HttpPolicy(sandbox_url=sandbox.url, time_scale=0.0)
        async with BrowserFetcher(policy, HostPacer(2)) as browser:
            return await browser.fetch(url)

    return asyncio.run(run())


def static_html(sandbox: Sandbox, url: str) -> str:
    async def run() -> str:
        async with httpx.AsyncClient(transport=SandboxTransport(sandbox.url)) as client:
            return (await client.get(url)).text

    return asyncio.run(run())


def test_links_inserted_by_javascript_are_in_the_rendered_page(demo: Sandbox) -> None:
    result = fetch(demo, "https://x.com/emilie_tremblay")
    assert result.status_code == 200
    assert result.url == "https://x.com/emilie_tremblay"  # the real URL, not the sandbox's
    hrefs = [link.href for link in page_links(result.text, result.url)]
    assert any(h.startswith("https://t.co/") for h in hrefs), hrefs
    # The same page fetched without a browser has no such link: the page's script put it there.
    static = static_html(demo, "https://x.com/emilie_tremblay")
    assert not [link for link in page_links(static, result.url) if "t.co/" in link.href]
    assert ("GET", "x.com", "/emilie_tremblay") in demo.requests


def test_private_addresses_are_refused_even_in_sandbox_mode(demo: Sandbox) -> None:
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254"):
        fetch(demo, "http://169.254.169.254/latest/meta-data/")
