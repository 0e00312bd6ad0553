"""Gathering from stored answers: a rescore rebuilds every profile's evidence without sending anything, and a
resumed audit sends only what failed or answered "try later" the first time."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

import pytest

from auditor.audit.replay import replayed, resumed, worth_keeping
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetcher import Fetcher
from auditor.net.routing import RoutingFetcher
from auditor.sandbox import Sandbox, load_scenario
from auditor.store import RawRecord, Store
from tests.recording import refiled
from tests.verify.test_gather_sandbox import (
    CASES,
    VERIFY_SCENARIO,
    Found,
    gather_all,
    gather_through,
    no_browser,
)

Stored = tuple[Found, list[RawRecord]]


def gather_again(urls: Sequence[str], records: Sequence[RawRecord], sandbox: Sandbox | None = None) -> Found:
    """Every URL gathered again from `records`: resumed through the sandbox when given one (what is worth
    keeping is answered from the records, the rest sent), else replayed from them alone with no HTTP client."""

    async def resume() -> Found:
        assert sandbox is not None
        policy = HttpPolicy(sandbox_url=sandbox.url, time_scale=0.0, retries=0, timeout=2.0)
        async with HttpClient(policy) as client, RoutingFetcher(client, no_browser) as web:
            return await gather_through(resumed(records, web, engines=()), urls)

    async def rescore() -> Found:
        fetcher: Fetcher = replayed(records)
        return await gather_through(fetcher, urls)

    return asyncio.run(resume() if sandbox else rescore())


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stored]:
    """Every case gathered live, and its raw answers as the history database gives them back."""
    raws: list[RawRecord] = []
    with Sandbox(load_scenario(VERIFY_SCENARIO)) as sandbox:
        live = gather_all(sandbox, list(CASES), browser_factory=no_browser, raws=raws)
    with Store.open(tmp_path_factory.mktemp("replay") / "auditor.db") as store, store.writing():
        audit_id = store.begin_audit("Noémie Gagnon", dt.date(2026, 3, 1))
        for raw in raws:
            store.save_raw(audit_id, *refiled(raw))
        yield live, store.raw_records(audit_id)


def test_a_rescore_rebuilds_every_profile_evidence_from_the_stored_answers_alone(stored: Stored) -> None:
    live, records = stored
    replayed = gather_again(list(CASES), records)
    for url in CASES:
        assert replayed[url][1] == live[url][1], url  # verdict, source, reason, evidence, final URL, status
        assert replayed[url][0] == live[url][0], url
    # The chain through two shorteners is read back hop by hop from the stored redirects.
    chain = replayed["https://github.com/ngagnon-chain"][1].evidence
    assert "https://noemie.page/ -> https://ow.ly/ngsite -> https://noemiegagnon.ca/ (HTTP 200)" in chain


def test_a_rescore_with_an_answer_missing_says_so_and_sends_nothing(stored: Stored) -> None:
    _, records = stored
    without_link = [r for r in records if r.requested_url != "https://bit.ly/ngagnon"]
    assert len(without_link) == len(records) - 1
    found = gather_again(["https://github.com/ngagnon-bitly"], without_link)
    linkback = found["https://github.com/ngagnon-bitly"][1]
    assert linkback.verdict.value == "unverifiable"
    assert "no response was stored for this request" in linkback.reason


def test_a_resume_asks_again_only_what_failed_or_said_try_later(stored: Stored) -> None:
    live, records = stored
    kept = {r.requested_url for r in records if worth_keeping(r)}
    asked_again = {r.requested_url for r in records} - kept
    # Failures (too large, loop, timeout, refused) and "try later" answers (HTTP 429) are not kept; answers
    # are, whatever they said (a 404, a login wall, GitHub's 403 "rate limit used up" that sent gathering
    # to the page, which answered).
    lent_api = "https://mastodon.social/api/v1/accounts/lookup?acct=ngagnon_lent"
    assert asked_again == {
        "https://dev.to/ngagnon_lent",
        "https://dev.to/ngagnon",
        "https://dev.to/ngagnon_boucle",
        "https://bit.ly/boucle",
        "http://169.254.169.254/latest/meta-data/",
        "https://noemiegagnon.ca/prive/cv",  # refused by robots.txt: a refusal is not an answer
        lent_api,
    }
    assert {"https://api.github.com/users/ngagnon", "https://bit.ly/ngagnon", "https://gitlab.com/ngagnon"} <= kept

    with Sandbox(load_scenario(VERIFY_SCENARIO)) as sandbox:
        again = gather_again(list(CASES), records, sandbox)
        sent = {(host, path) for _, host, path in sandbox.requests}
    for url in kept:
        parts = urlsplit(url)
        assert (parts.hostname, parts.path + (f"?{parts.query}" if parts.query else "")) not in sent, url
    assert ("dev.to", "/ngagnon_lent") in sent
    assert ("mastodon.social", "/api/v1/accounts/lookup?acct=ngagnon_lent") in sent
    for url in CASES:
        assert again[url][1] == live[url][1], url
