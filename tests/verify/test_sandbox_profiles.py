"""The sandbox's profile sources answer with the real shapes and error modes (raw HTTP, no auditor parsing)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from auditor.net.client import SandboxTransport
from auditor.sandbox import DEMO_SCENARIO, Sandbox, load_scenario

VERIFY_SCENARIO = DEMO_SCENARIO.with_name("verify.toml")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(VERIFY_SCENARIO)) as running:
        yield running


def get(sandbox: Sandbox, url: str) -> httpx.Response:
    async def run() -> httpx.Response:
        async with httpx.AsyncClient(transport=SandboxTransport(sandbox.url)) as client:
            response = await client.get(url)
            await response.aread()
            return response

    return asyncio.run(run())


def test_stack_exchange_always_gzip_with_items_and_quota(sandbox: Sandbox) -> None:
    response = get(sandbox, "https://api.stackexchange.com/2.3/users/4242?site=stackoverflow")
    assert response.headers["content-encoding"] == "gzip"
    data = response.json()  # httpx inflates it
    assert set(data) == {"items", "has_more", "quota_max", "quota_remaining"}
    (user,) = data["items"]
    assert user["user_id"] == 4242 and user["website_url"] == "https://noemiegagnon.ca/"
    assert "about_me" not in user  # not in the default filter
    missing = get(sandbox, "https://api.stackexchange.com/2.3/users/9999?site=stackoverflow").json()
    assert missing["items"] == []
    bad = get(sandbox, "https://api.stackexchange.com/2.3/users/4242")
    assert bad.status_code == 400 and bad.json()["error_name"] == "bad_parameter"


def test_bluesky_profile_and_errors(sandbox: Sandbox) -> None:
    api = "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor="
    profile = get(sandbox, api + "ngagnon.bsky.social").json()
    assert profile["did"].startswith("did:plc:") and profile["handle"] == "ngagnon.bsky.social"
    assert "noemiegagnon.ca" in profile["description"] and "website" not in profile
    missing = get(sandbox, api + "absente.bsky.social")
    assert missing.status_code == 400 and missing.json() == {"error": "InvalidRequest", "message": "Profile not found"}
    limited = get(sandbox, api + "ngagnon-lent.bsky.social")
    assert limited.status_code == 429 and limited.headers["ratelimit-remaining"] == "0"


def test_rate_limits_in_each_api_s_own_words(sandbox: Sandbox) -> None:
    github = get(sandbox, "https://api.github.com/users/ngagnon-limited")
    assert github.status_code == 403 and github.headers["x-ratelimit-remaining"] == "0"
    assert "rate limit exceeded" in github.json()["message"]
    mastodon = get(sandbox, "https://mastodon.social/api/v1/accounts/lookup?acct=ngagnon_lent")
    assert mastodon.status_code == 429 and mastodon.json() == {"error": "Too many requests"}


def test_a_renamed_github_account_redirects_by_id(sandbox: Sandbox) -> None:
    moved = get(sandbox, "https://api.github.com/users/ngagnon-ancien")
    assert moved.status_code == 301
    location = moved.headers["location"]
    assert location.startswith("https://api.github.com/user/")
    assert get(sandbox, location).json()["login"] == "ngagnon"


def test_bad_pages_huge_encoded_and_walled(sandbox: Sandbox) -> None:
    huge = get(sandbox, "https://dev.to/ngagnon")
    assert len(huge.content) > 6 * 1024 * 1024
    encoded = get(sandbox, "https://www.malt.fr/profile/noemiegagnon")
    assert encoded.headers["content-type"] == "text/html"  # no charset in the header
    assert b'<meta charset="windows-1252">' in encoded.content and "Noémie".encode("cp1252") in encoded.content
    walled = get(sandbox, "https://www.instagram.com/noemie.gagnon")
    assert walled.status_code == 302 and "/accounts/login/?next=" in walled.headers["location"]
    login = get(sandbox, walled.headers["location"])
    assert login.status_code == 200 and 'id="loginForm"' in login.text


def test_stack_overflow_and_bluesky_pages(sandbox: Sandbox) -> None:
    so = get(sandbox, "https://stackoverflow.com/users/4242/noemie-gagnon").text
    assert 'rel="me noreferrer"' in so and "https://noemiegagnon.ca/" in so
    shell = get(sandbox, "https://bsky.app/profile/ngagnon.bsky.social").text
    assert 'id="profile-data"' in shell and "<a " not in shell.split("<script", 1)[0].split("<body>", 1)[1]
    assert json.loads(shell.split('id="profile-data">', 1)[1].split("</script>", 1)[0])["name"] == "Noémie Gagnon"
