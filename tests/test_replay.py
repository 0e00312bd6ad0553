"""Replaying stored responses: the pure merge of pages, resuming without asking twice, rescoring."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from auditor.audit.collect import collect_serp, engine_request, merge_pages
from auditor.audit.replay import NOT_STORED, page_records, replayed, resumed, reused_counts
from auditor.audit.rescore import rebuild, rescore, select
from auditor.audit.runner import audit_once
from auditor.config import Config, load_config
from auditor.engines.base import EngineRequest
from auditor.engines.duckduckgo_html import DuckDuckGoHtml
from auditor.models import AuditStatus, EngineStatus, ParsedPage, SearchResult, Serp, Verdict
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, Request
from auditor.sandbox import MINIMAL_SCENARIO, Sandbox, load_scenario
from auditor.store import RawRecord, Store
from auditor.store.raw import stored_redirects
from tests.recording import recording
from tests.test_collect import QUERY, Engineroom, FakeEngine, no_sleep, ok, public, urls


def results(prefix: str, count: int) -> tuple[SearchResult, ...]:
    return tuple(SearchResult(i, f"https://{prefix}.example/{i}", f"t{i}", "") for i in range(1, count + 1))


def test_merge_pages_numbers_positions_across_pages_and_drops_repeats() -> None:
    first = ParsedPage(EngineStatus.OK, results("a", 10))
    second = ParsedPage(EngineStatus.OK, results("a", 2)[1:] + results("b", 9))
    serp = merge_pages("fake", QUERY, 20, [first, second])
    assert serp.status is EngineStatus.OK
    assert [r.position for r in serp.results] == list(range(1, 20))
    assert serp.results[10].url == "https://b.example/1"
    assert serp.requests == 2


def test_merge_pages_stops_at_depth_and_after_an_empty_page() -> None:
    pages = [ParsedPage(EngineStatus.OK, results(p, 10)) for p in "abc"]
    assert len(merge_pages("fake", QUERY, 10, pages).results) == 10
    empty_then_more = [ParsedPage(EngineStatus.OK, results("a", 4)), ParsedPage(EngineStatus.EMPTY), pages[1]]
    assert [r.url for r in merge_pages("fake", QUERY, 20, empty_then_more).results] == [
        f"https://a.example/{i}" for i in range(1, 5)
    ]
    assert merge_pages("fake", QUERY, 20, [ParsedPage(EngineStatus.EMPTY)]).status is EngineStatus.EMPTY


def test_merge_pages_fails_the_whole_query_on_a_failed_page() -> None:
    pages = [ParsedPage(EngineStatus.OK, results("a", 10)), ParsedPage(EngineStatus.RATE_LIMITED, detail="HTTP 429")]
    serp = merge_pages("fake", QUERY, 20, pages, requests=3)
    assert (serp.status, serp.results, serp.detail, serp.requests) == (
        EngineStatus.RATE_LIMITED,
        (),
        "HTTP 429 (page 2)",
        3,
    )


def page_request(page: int) -> Request:
    """Page `page` of QUERY on FakeEngine, as collection asks for it."""
    params = {"q": QUERY.text, "page": str(page), "api_key": "SECRET"}
    return engine_request(FakeEngine(), QUERY, EngineRequest("GET", "https://engine.example/search", params), page)


def stored_pages(pages: dict[int, Fetched]) -> list[RawRecord]:
    return [RawRecord.filed(number, page_request(number), fetched) for number, fetched in pages.items()]


def _stored_page(page: int) -> Fetched:
    return Fetched.of_text(json.dumps({"urls": urls(page), "more": True}), headers={"content-type": "application/json"})


def _collect_with(stored: dict[int, Fetched], server: Engineroom) -> tuple[list[RawRecord], list[int]]:
    raws: list[RawRecord] = []

    async def main() -> None:
        nonlocal raws
        policy = HttpPolicy(html_interval=0, api_interval=0, retries=0)
        async with HttpClient(policy, transport=httpx.MockTransport(server), resolver=public, sleep=no_sleep) as client:
            _, live, raws = recording(client)
            fetcher = resumed(stored_pages(stored), live, [FakeEngine()])
            serp = await collect_serp(fetcher, FakeEngine(), QUERY, 20)
        assert [r.url for r in serp.results] == urls(1) + urls(2)
        assert serp.requests == 2

    asyncio.run(main())
    return raws, server.asked


def test_a_resumed_query_asks_only_for_the_pages_it_did_not_get() -> None:
    raws, asked = _collect_with({1: _stored_page(1)}, Engineroom({1: ok(1), 2: ok(2)}))
    assert asked == [2]
    assert [(r.page, r.status_code) for r in raws] == [(2, 200)]


def test_a_stored_page_that_failed_is_asked_again() -> None:
    limited = Fetched.of_text("{}", status=429, headers={"retry-after": "30"})
    raws, asked = _collect_with({1: limited, 2: _stored_page(2)}, Engineroom({1: ok(1), 2: ok(2)}))
    assert asked == [1]  # page 2, stored and good, is still reused
    assert [r.page for r in raws] == [1]


def record(id: int, kind: str, status: int | None = 200, **fields: object) -> RawRecord:
    body = fields.pop("body", b"<html></html>")
    url = str(fields.pop("url", "https://x.example/"))
    requested = str(fields.pop("requested_url", url))
    return RawRecord(id=id, kind=kind, url=url, status_code=status, body=body, requested_url=requested, **fields)  # type: ignore[arg-type]


class Live:
    """The live fetcher behind a resume: remembers what reached it, answers nothing."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, request: Request) -> Fetched:
        self.sent.append(request.asked)
        return Fetched.failure(request.asked, "sent")


def ask(fetcher: Fetcher, *requests: Request) -> list[Fetched]:
    async def main() -> list[Fetched]:
        return [await fetcher.send(request) for request in requests]

    return asyncio.run(main())


def test_a_resume_answers_what_is_worth_keeping_the_latest_answer_of_each_request() -> None:
    api = "https://api.github.com/users/et"
    site = "https://emilietremblay.ca/"
    page = json.dumps({"urls": urls(1)}).encode()
    engine = [
        RawRecord.filed(1, page_request(1), Fetched("", "https://engine.example/search", 200, {}, page)),
        RawRecord.filed(2, page_request(2), Fetched.failure("", "timeout: timed out")),
    ]
    records = [
        *engine,
        record(3, "site", None, url=site, subject="site", error="timeout: timed out"),
        record(4, "site", 200, url=site, subject="site", body=b"<html>later</html>"),
        record(5, "candidate", 200, subject="namesake.example/et", url="https://namesake.example/et"),
        record(6, "candidate", 503, subject="down.example/et", url="https://down.example/et"),
        record(7, "profile", 503, url=api, subject="github"),
        record(8, "profile", 200, url=api, subject="github", body=b"{}"),  # the latest answer wins
        record(9, "profile", 429, url="https://mastodon.social/api/v1/accounts/lookup?acct=et", subject="mastodon"),
        record(10, "profile", 999, url="https://www.linkedin.com/in/et", subject="linkedin"),
        record(11, "profile_link", None, url="https://bit.ly/et", subject="github", error="timeout: timed out"),
    ]
    live = Live()
    fetcher = resumed(records, live, [FakeEngine()])
    kept = [
        page_request(1),
        Request(site, "site", respect_robots=True, subject="site"),
        Request("https://namesake.example/et", "candidate", subject="namesake.example/et"),
        Request(api, "profile", via="api"),
        Request("https://www.linkedin.com/in/et", "profile"),
    ]
    answers = ask(fetcher, *kept)
    assert live.sent == []
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 999]
    assert answers[1].text == "<html>later</html>" and answers[3].body == b"{}"
    asked_again = [
        page_request(2),  # failed
        Request("https://down.example/et", "candidate", subject="down.example/et"),  # "try later"
        Request("https://mastodon.social/api/v1/accounts/lookup?acct=et", "profile", via="api"),  # 429
        Request("https://bit.ly/et", "profile_link"),  # failed
        Request("https://github.com/et", "profile"),  # never asked
    ]
    assert all(a.error == "sent" for a in ask(fetcher, *asked_again))
    assert live.sent == [r.asked for r in asked_again]
    assert reused_counts(records) == (1, True, 2, 1)


def test_a_resume_asks_again_an_engine_page_that_parses_to_a_status_that_does_not_count() -> None:
    limited = Fetched("", "https://engine.example/search", 429, {"retry-after": "30"}, b"{}")
    records = [RawRecord.filed(1, page_request(1), limited)]
    live = Live()
    (answer,) = ask(resumed(records, live, [FakeEngine()]), page_request(1))
    assert answer.error == "sent" and live.sent == [page_request(1).asked]
    assert "SECRET" not in live.sent[0]


def test_a_rescore_replays_failures_and_refuses_what_was_not_stored() -> None:
    records = [
        record(
            1,
            "profile_link",
            None,
            url="https://noemiegagnon.ca/",
            requested_url="https://bit.ly/n",
            error="timeout: timed out after 2 s: https://noemiegagnon.ca/",
        ),
        record(
            2,
            "profile_link",
            200,
            url="https://noemiegagnon.ca/",
            requested_url="https://noemie.page/",
            redirects=("https://noemie.page/", "https://ow.ly/n"),
        ),
    ]
    failed, chained, missing = ask(
        replayed(records),
        Request("https://bit.ly/n", "profile_link"),
        Request("https://noemie.page/", "profile_link"),
        Request("https://github.com/n", "profile"),
    )
    assert failed.error == "timeout: timed out after 2 s: https://noemiegagnon.ca/"
    assert failed.reached == "https://noemiegagnon.ca/"
    assert chained.redirects == ("https://noemie.page/", "https://ow.ly/n") and chained.status_code == 200
    assert (missing.error, missing.status_code, missing.requested_url) == (NOT_STORED, None, "https://github.com/n")


def reworded_request(page: int) -> Request:
    """Page `page` of QUERY as a later version asks for it: one parameter more, so another URL."""
    params = {"q": QUERY.text, "page": str(page), "api_key": "SECRET", "filter": "web,videos"}
    return engine_request(FakeEngine(), QUERY, EngineRequest("GET", "https://engine.example/search", params), page)


def test_a_rescore_finds_an_engine_page_asked_since_with_other_parameters() -> None:
    stored = stored_pages({1: _stored_page(1), 2: _stored_page(2)})
    assert reworded_request(1).key() != page_request(1).key()
    first, second, third = ask(replayed(stored), reworded_request(1), reworded_request(2), reworded_request(3))
    assert json.loads(first.text)["urls"] == urls(1)
    assert json.loads(second.text)["urls"] == urls(2)
    assert third.error == NOT_STORED  # a page the audit never got is still not made up


def test_a_resume_sends_an_engine_page_asked_since_with_other_parameters() -> None:
    live = Live()
    (answer,) = ask(resumed(stored_pages({1: _stored_page(1)}), live, [FakeEngine()]), reworded_request(1))
    assert answer.error == "sent" and live.sent == [reworded_request(1).asked]


def test_a_link_stored_before_chains_were_kept_replays_as_one_hop_to_where_it_led() -> None:
    assert stored_redirects(None, "https://bit.ly/n", "https://noemiegagnon.ca/") == ("https://bit.ly/n",)
    answered_itself = "https://noemiegagnon.ca/a-propos"
    assert stored_redirects(None, answered_itself, answered_itself) == ()
    assert stored_redirects(("https://a.example/",), "https://a.example/", "https://b.example/") == (
        "https://a.example/",
    )


def replay_query(records: list[RawRecord], refused: ParsedPage | None = None) -> Serp:
    return asyncio.run(collect_serp(replayed(records), FakeEngine(), QUERY, 20, refused, check_key=False))


def test_replay_fails_a_query_with_nothing_stored_as_it_failed_then() -> None:
    never = replay_query([], ParsedPage(EngineStatus.AUTH_ERROR, detail="FAKE_API_KEY is not set"))
    assert (never.status, never.detail, never.requests) == (EngineStatus.AUTH_ERROR, "FAKE_API_KEY is not set", 0)
    lost = replay_query([])
    assert lost.status is EngineStatus.NETWORK_ERROR and lost.detail == NOT_STORED
    stored = stored_pages({1: Fetched.of_text(json.dumps({"urls": urls(1), "more": False}))})
    replayed_serp = replay_query(stored)
    assert replayed_serp.status is EngineStatus.OK and len(replayed_serp.results) == 10


def test_a_replayed_query_counts_the_attempts_stored_with_its_pages() -> None:
    first = replace(Fetched.of_text(json.dumps({"urls": urls(1), "more": True})), attempts=3)  # retried twice
    # Page 2 was stored before migration 003: it counts as one request.
    second = replace(Fetched.of_text(json.dumps({"urls": urls(2), "more": False})), attempts=None)
    assert replay_query(stored_pages({1: first, 2: second})).requests == 4


def test_page_records_finds_profiles_stored_before_they_carried_their_key() -> None:
    profiles = {"github": "https://github.com/etremblay", "mastodon": "https://mastodon.social/@etremblay"}
    records = [
        record(1, "profile", url="https://github.com/etremblay/"),  # stored before migration 002: no subject
        record(2, "profile", 503, subject="mastodon"),
        record(3, "profile", 200, subject="mastodon", body=b"later"),
        record(4, "profile_link", 200, subject="mastodon", url="https://t.co/x"),
    ]
    found = page_records(records, profiles)
    assert (found["github"].id, found["mastodon"].id) == (1, 3)


# -- rescore -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A real audit of the minimal scenario, stored with its raw responses (in this process, no subprocess)."""
    directory = tmp_path_factory.mktemp("rescore")
    config_path = directory / "auditor.toml"
    shutil.copyfile(MINIMAL_SCENARIO.with_name("minimal.auditor.toml"), config_path)
    with Sandbox(load_scenario(MINIMAL_SCENARIO)) as sandbox:
        outcome = audit_once(load_config(config_path), as_of=dt.date(2026, 1, 1), sandbox_url=sandbox.url)
    assert outcome.audit.status is AuditStatus.COMPLETE and outcome.audit.id is not None
    return config_path, outcome.audit.id


def _copy(audited: tuple[Path, int], tmp_path: Path) -> tuple[Config, int]:
    config_path, audit_id = audited
    for name in ("auditor.toml", "auditor.db"):
        shutil.copyfile(config_path.with_name(name), tmp_path / name)
    return load_config(tmp_path / "auditor.toml"), audit_id


def test_rescoring_an_unchanged_audit_gives_the_same_audit(audited: tuple[Path, int], tmp_path: Path) -> None:
    config, audit_id = _copy(audited, tmp_path)
    with Store.open(config.database_path) as store:
        stored = store.load_audit(audit_id)
        rebuilt = rebuild(config, stored, store.raw_records(audit_id))
    # Profiles included: gathering runs again on the stored answers, final URLs and all.
    assert rebuilt == stored


def test_a_profile_answer_stored_under_another_address_is_judged_from_that_page(
    audited: tuple[Path, int], tmp_path: Path
) -> None:
    config, audit_id = _copy(audited, tmp_path)
    with Store.open(config.database_path) as store:
        stored = store.load_audit(audit_id)
        records = store.raw_records(audit_id)
    # As if an older version had asked GitHub's API at another address: today's requests find nothing stored.
    moved = [
        replace(r, requested_url=r.requested_url.replace("/users/", "/v2/users/")) if r.subject == "github" else r
        for r in records
    ]
    assert any(r.requested_url.startswith("https://api.github.com/v2/") for r in moved)
    rebuilt = rebuild(config, stored, moved)
    github = next(p for p in rebuilt.profiles if p.network == "github")
    assert github.linkback.verdict is Verdict.LINKED and github.linkback.source == "api:github"
    assert [p.linkback.verdict for p in rebuilt.profiles] == [p.linkback.verdict for p in stored.profiles]


def test_rescore_rebuilds_results_from_raw_pages_and_scores_with_todays_weights(
    audited: tuple[Path, int], tmp_path: Path
) -> None:
    config, audit_id = _copy(audited, tmp_path)
    weights = {"visibility": 1.0, "linkback": 0.0, "site": 0.0, "consistency": 0.0}
    only_visibility = config.model_copy(update={"scoring": config.scoring.model_copy(update={"weights": weights})})
    with Store.open(config.database_path) as store, store.writing():
        original = store.load_audit(audit_id)
        raw_before = store.db.execute("SELECT count(*) FROM raw_responses").fetchone()[0]
        # Damage the stored results: rescore must rebuild them from the raw pages, not copy them.
        store.replace_audit(audit_id, replace(original, results=(), recommendations=()))
        (done,) = rescore(store, only_visibility, select(store, only_visibility, str(audit_id)))
        after = store.load_audit(audit_id)
        assert store.db.execute("SELECT count(*) FROM raw_responses").fetchone()[0] == raw_before
        (row,) = store.rows()
    assert done.after == after
    assert after.results == original.results
    assert after.scores.visibility == original.scores.visibility
    assert original.scores.overall != original.scores.visibility
    assert after.scores.overall == pytest.approx(original.scores.visibility)
    assert row.overall == pytest.approx(original.scores.visibility) and row.rescored_at is not None


def test_rescore_uses_todays_parser(audited: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, _ = _copy(audited, tmp_path)

    def markup_changed(self: DuckDuckGoHtml, response: Fetched) -> ParsedPage:
        return ParsedPage(EngineStatus.PARSE_FAILURE, detail="markup changed")

    monkeypatch.setattr(DuckDuckGoHtml, "parse", markup_changed)
    with Store.open(config.database_path) as store, store.writing():
        (done,) = rescore(store, config, select(store, config, "all"))
    assert done.after is not None
    assert done.after.status is AuditStatus.PARTIAL
    engines = {e.name: e.status for e in done.after.engines}
    assert engines == {"duckduckgo_html": EngineStatus.PARSE_FAILURE, "searxng": EngineStatus.OK}
    assert {r.engine for r in done.after.results} == {"searxng"}


def test_an_audit_without_stored_responses_is_left_alone(tmp_path: Path, audited: tuple[Path, int]) -> None:
    config, audit_id = _copy(audited, tmp_path)
    with Store.open(config.database_path) as store, store.writing():
        stored = store.load_audit(audit_id)
        bare = store.begin_audit(config.person.name, dt.date(2026, 2, 1))
        store.finish_audit(bare, replace(stored, as_of=dt.date(2026, 2, 1)))
        done = rescore(store, config, select(store, config, "all"))
    assert [(d.before.id, d.after is None) for d in done] == [(audit_id, False), (bare, True)]
    assert "no engine response" in done[1].note


def test_a_site_moved_since_is_judged_from_the_page_fetched(audited: tuple[Path, int], tmp_path: Path) -> None:
    config, audit_id = _copy(audited, tmp_path)
    moved = config.model_copy(
        update={"person": config.person.model_copy(update={"site": "https://moved-since.example/"})}
    )
    with Store.open(config.database_path) as store:
        stored = store.load_audit(audit_id)
        rebuilt = rebuild(moved, stored, store.raw_records(audit_id))
    assert stored.scores.site is not None and len(stored.site_checks) > 1
    assert rebuilt.scores.site == stored.scores.site
    assert [(c.id, c.passed) for c in rebuilt.site_checks] == [(c.id, c.passed) for c in stored.site_checks]


def test_an_audit_stored_before_the_identity_graph_gets_it_on_rescore(
    audited: tuple[Path, int], tmp_path: Path
) -> None:
    config, audit_id = _copy(audited, tmp_path)
    with Store.open(config.database_path) as store, store.writing():
        original = store.load_audit(audit_id)
        assert original.graph is not None and original.scores.consolidation is not None
        # As an older version stored it: no graph, no consolidation score.
        old = replace(original, graph=None, scores=replace(original.scores, consolidation=None))
        store.replace_audit(audit_id, old)
        loaded = store.load_audit(audit_id)
        assert loaded.graph is None and loaded.scores.consolidation is None
        (done,) = rescore(store, config, select(store, config, str(audit_id)))
        after = store.load_audit(audit_id)
    assert done.after == after
    assert after.graph == original.graph
    assert after.scores.consolidation == pytest.approx(original.scores.consolidation)
    assert {e.mechanism for e in after.graph.edges} >= {"link_back", "rel_me", "same_as", "github_blog"}
