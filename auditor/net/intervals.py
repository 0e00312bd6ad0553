"""The least time between two requests to one host, for every host: engines declare theirs (`EngineSpec`),
HTML pages take `http.html_interval`, and everything else, profile APIs first, takes a documented rate or
the default below. The README's engines table lists them; under `--sandbox` all of them shrink alike."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

DEFAULT_INTERVAL = 1.0
"""Seconds for any host nothing else sets: as polite as with a web page. It is also what a Mastodon instance
asks (its API allows 300 requests per 5 minutes per address by default, one a second)."""

KNOWN_INTERVALS: Mapping[str, float] = MappingProxyType(
    {
        # GitHub's REST API: 60 requests an hour without a token. No pace keeps a workspace inside that; past
        # it GitHub answers 403 with its rate-limit headers and the profile's page is read instead. One a second
        # is GitHub's own advice for a run of requests ("wait at least one second between each request").
        "api.github.com": 1.0,
        # Stack Exchange: at most 30 requests a second per address, then a ban for a while; a tenth of that.
        "api.stackexchange.com": 0.3,
        # Bluesky's public AppView: 3000 requests per 5 minutes per address (10 a second); half of that.
        "public.api.bsky.app": 0.2,
    }
)
"""Hosts whose API documents its rate: seconds between two requests, below what it allows."""


def host_interval(host: str, default: float = DEFAULT_INTERVAL) -> float:
    """Seconds between two requests to `host` when its request names no interval of its own."""
    return KNOWN_INTERVALS.get(host.lower(), default)
