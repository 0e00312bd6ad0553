"""The pacing proof at short intervals: every way a request reaches a host (robots.txt, a redirect to another
path, a retry after a 503, an API request to a host that also serves pages, several fetches at once) goes
through the one pacer, and no two requests to one host start closer than its interval.

Two measures, from both ends of the wire: the pacer's own stamps (the start of a request read before it is
sent, the end of an exchange read after the answer is in, so the gap they give is never longer than the one
the host saw) and the sandbox's log (every request it received, so a request around the pacer shows)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from auditor.audit.demo_people import CLOCK_RESOLUTION, host_figures
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.intervals import DEFAULT_INTERVAL, KNOWN_INTERVALS
from auditor.net.pacer import HostPacer
from auditor.sandbox import Sandbox, load_scenario

HOST = "paced.example"
SCALE = 0.05
INTERVAL = DEFAULT_INTERVAL * SCALE
"""Pages at `http.html_interval` (1 s), the API request at the default for any host (1 s), both scaled."""
SCENARIO = f"""\
[scenario]
name = "paced"

[[months]]
as_of = 2026-06-01

[months.pages."https://{HOST}/"]
title = "Home"
[months.pages."https://{HOST}/moved"]
redirect = "/"
status = 302
[months.pages."https://{HOST}/flaky"]
title = "Flaky"
fault = "http_503:1"
[months.pages."https://{HOST}/other"]
title = "Other"
[months.pages."https://other.example/"]
title = "Another host"
"""
URLS = [f"https://{HOST}/", f"https://{HOST}/moved", f"https://{HOST}/flaky", f"https://{HOST}/other"]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    path = tmp_path / "paced.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "paced.auditor.toml").write_text("", encoding="utf-8")
    with Sandbox(load_scenario(path)) as running:
        yield running


async def _fetch_everything(client: HttpClient) -> None:
    pages = [client.fetch(url, respect_robots=True) for url in [*URLS, "https://other.example/"]]
    api = client.fetch(f"https://{HOST}/", kind="api")  # no interval of its own: the host's default
    answers = await asyncio.gather(*pages, api)
    assert [a.status_code for a in answers] == [200] * len(answers)


def _run(sandbox: Sandbox, pacer_class: type[HostPacer] = HostPacer) -> HttpClient:
    policy = HttpPolicy(sandbox_url=sandbox.url, html_interval=1.0, time_scale=SCALE, retries=2, concurrency=4)

    async def run() -> HttpClient:
        async with HttpClient(policy) as client:
            client.pacer = pacer_class(policy.concurrency)
            await _fetch_everything(client)
        return client

    return asyncio.run(run())


def test_every_request_to_a_host_goes_through_the_pacer_at_its_interval(sandbox: Sandbox) -> None:
    client = _run(sandbox)
    figures = {h.host: h for h in host_figures(sandbox.exchanges, {HOST: INTERVAL}, client.pacer.slots)}
    paced = figures[HOST]
    # robots.txt, four pages, the redirect's second hop, the 503's retry, the API request.
    assert paced.requests == 8
    # robots.txt read once, though four fetches asked for it at once.
    assert [e.path for e in sandbox.exchanges if e.host == HOST].count("/robots.txt") == 1
    # Nothing reached the host around the pacer: what it received is what the pacer let go.
    assert paced.paced == paced.requests
    assert paced.paced_gap is not None and paced.paced_gap >= INTERVAL - CLOCK_RESOLUTION
    # The pacer's stamps agree with the sandbox's log: each request arrived after the pacer let it go.
    seen = sorted((e for e in sandbox.exchanges if e.host == HOST), key=lambda e: e.started)
    slots = sorted((s for s in client.pacer.slots if s.host == HOST), key=lambda s: s.began)
    assert all(e.started >= s.began for e, s in zip(seen, slots, strict=True))
    assert all(b.began - a.ended >= INTERVAL - CLOCK_RESOLUTION for a, b in itertools.pairwise(slots))


class _Hasty(HostPacer):
    """A pacer that keeps one request at a time per host but forgets the interval: what the proof must catch."""

    @contextlib.asynccontextmanager
    async def slot(self, host: str, interval: float) -> AsyncIterator[None]:
        async with super().slot(host, 0.0):
            yield


def test_the_proof_catches_a_pacer_that_hurries(sandbox: Sandbox) -> None:
    client = _run(sandbox, _Hasty)
    figures = {h.host: h for h in host_figures(sandbox.exchanges, {HOST: INTERVAL}, client.pacer.slots)}
    paced = figures[HOST]
    assert paced.paced == paced.requests
    assert paced.paced_gap is not None and paced.paced_gap < INTERVAL / 2


def test_every_host_has_an_interval() -> None:
    policy = HttpPolicy(html_interval=2.0)
    # An engine's declared rate first, then the page interval, then a documented API rate, then the default.
    assert policy.interval_for("html.duckduckgo.com", "html", 0.5) == 0.5
    assert policy.interval_for("github.com", "html") == 2.0
    assert policy.interval_for("x.com", "browser") == 2.0
    assert policy.interval_for("api.github.com", "api") == KNOWN_INTERVALS["api.github.com"] == 1.0
    assert policy.interval_for("api.stackexchange.com", "api") == 0.3
    assert policy.interval_for("public.api.bsky.app", "api") == 0.2
    # A Mastodon instance's API, or any API nobody documented: one a second, never unpaced.
    assert policy.interval_for("mastodon.social", "api") == DEFAULT_INTERVAL == 1.0
    assert HttpPolicy().api_interval == DEFAULT_INTERVAL
