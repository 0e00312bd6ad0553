"""Every API engine end to end: the real client code (HttpClient + collect_serp) against the sandbox, which
answers as each engine does, with its headers, pagination and error modes (tests/fixtures/sandbox/engines.toml:
month 0 answers normally, each later month shows one fault on every engine)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from auditor.audit.collect import collect_serp
from auditor.audit.plan import build_engine
from auditor.config import Config, load_config
from auditor.engines import registry
from auditor.engines.base import Engine, Locale
from auditor.engines.searxng import Searxng
from auditor.engines.serpapi import SerpApi
from auditor.models import EngineStatus, Query, Serp
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetched import Fetched
from auditor.sandbox import Sandbox, load_scenario
from auditor.store.raw import RawRecord
from tests.engines.fixtures import CONFIG, KEYS, SCENARIO
from tests.recording import recording

APIS = ("brave", "serpapi", "serper", "mojeek", "google_cse")
HOSTS = {
    "brave": "api.search.brave.com",
    "serpapi": "serpapi.com",
    "serper": "google.serper.dev",
    "mojeek": "api.mojeek.com",
    "google_cse": "www.googleapis.com",
}
QUERY = Query("Noémie Gagnon")
MONTH = {"bad_key": 1, "quota_exhausted": 2, "http_429": 3, "malformed": 4, "empty": 5}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(SCENARIO)) as running:
        yield running


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(CONFIG)


def collect(sandbox: Sandbox, engine: Engine, depth: int = 20, query: Query = QUERY) -> tuple[Serp, list[RawRecord]]:
    raws: list[RawRecord] = []

    async def run() -> Serp:
        nonlocal raws
        async with HttpClient(HttpPolicy(sandbox_url=sandbox.url, time_scale=0.0)) as client:
            _, fetcher, raws = recording(client)
            return await collect_serp(fetcher, engine, query, depth)

    return asyncio.run(run()), raws


def sent_to(sandbox: Sandbox, host: str, since: int) -> list[str]:
    return [path for _method, h, path in sandbox.requests[since:] if h == host]


@pytest.mark.parametrize("engine_name", APIS)
@pytest.mark.parametrize(("depth", "pages"), [(10, 1), (20, 2), (30, 3)])
def test_depth_through_the_engines_own_pagination(
    sandbox: Sandbox, config: Config, engine_name: str, depth: int, pages: int
) -> None:
    sandbox.set_month(0)
    engine = build_engine(engine_name, config, KEYS)
    ranking = sandbox.scenario.months[0].ranking(engine_name, QUERY.text)
    before = len(sandbox.requests)
    serp, raws = collect(sandbox, engine, depth)
    assert serp.status is EngineStatus.OK, serp.detail
    assert [r.url for r in serp.results] == [r.url for r in ranking[:depth]]
    assert [r.position for r in serp.results] == list(range(1, depth + 1))
    expected = engine.requests_for(depth)  # Brave asks for up to 20 a page: fewer requests
    assert expected == (pages if engine_name != "brave" else {10: 1, 20: 1, 30: 2}[depth])
    assert serp.requests == expected == len(sent_to(sandbox, HOSTS[engine_name], before))
    for raw in raws:  # what is stored: never the key
        assert KEYS[config.engines.key_env(engine_name) or ""] not in raw.url + raw.requested_url
        assert raw.status_code == 200 and raw.engine == engine_name


@pytest.mark.parametrize("engine_name", APIS)
@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ("bad_key", EngineStatus.AUTH_ERROR),
        ("quota_exhausted", EngineStatus.QUOTA_EXHAUSTED),
        ("http_429", EngineStatus.RATE_LIMITED),
        ("malformed", EngineStatus.PARSE_FAILURE),
        ("empty", EngineStatus.EMPTY),
    ],
)
def test_each_error_mode_gets_its_status(
    sandbox: Sandbox, config: Config, engine_name: str, fault: str, status: EngineStatus
) -> None:
    sandbox.set_month(MONTH[fault])
    try:
        serp, _ = collect(sandbox, build_engine(engine_name, config, KEYS))
    finally:
        sandbox.set_month(0)
    assert serp.status is status, serp.detail
    assert serp.results == ()
    assert serp.detail


@pytest.mark.parametrize("engine_name", APIS)
def test_a_missing_key_sends_nothing(sandbox: Sandbox, config: Config, engine_name: str) -> None:
    variable = config.engines.key_env(engine_name)
    assert variable is not None
    engine = build_engine(engine_name, config, {k: v for k, v in KEYS.items() if k != variable})
    before = len(sandbox.requests)
    serp, raws = collect(sandbox, engine)
    assert serp.status is EngineStatus.AUTH_ERROR
    assert serp.detail.startswith(f"{variable} is not set") and engine_name in serp.detail
    assert serp.requests == 0 and raws == [] and len(sandbox.requests) == before


@pytest.mark.parametrize(
    ("engine_name", "url", "method", "code"),
    [
        ("brave", "https://api.search.brave.com/res/v1/web/search?q=x", "GET", 401),
        ("serpapi", "https://serpapi.com/search.json?engine=google&q=x", "GET", 401),
        ("serper", "https://google.serper.dev/search", "POST", 403),
        ("mojeek", "https://api.mojeek.com/search?q=x&fmt=json", "GET", 200),
        ("google_cse", "https://www.googleapis.com/customsearch/v1?q=x&cx=y", "GET", 403),
    ],
)
def test_the_sandbox_refuses_a_request_without_key_as_the_engine_does(
    sandbox: Sandbox, engine_name: str, url: str, method: str, code: int
) -> None:
    parts = urlsplit(url)
    answer = httpx.request(
        method,
        f"{sandbox.url}{parts.path}?{parts.query}",
        headers={"Host": parts.netloc, "X-Forwarded-Proto": "https"},
        json={"q": "x"} if method == "POST" else None,
    )
    assert answer.status_code == code
    parser = registry.get(engine_name).parser
    parsed = parser(Fetched.of_text(answer.text, status=answer.status_code, headers=dict(answer.headers), url=url))
    assert parsed.status is EngineStatus.AUTH_ERROR


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr-CA", {"brave": "country=CA", "serpapi": "gl=ca", "mojeek": "rb=CA", "google_cse": "lr=lang_fr"}),
        ("en-US", {"brave": "country=US", "serpapi": "gl=us", "mojeek": "rb=US", "google_cse": "lr=lang_en"}),
    ],
)
def test_locale_reaches_each_engine_in_its_own_terms(
    sandbox: Sandbox, config: Config, locale: str, expected: dict[str, str]
) -> None:
    sandbox.set_month(0)
    localised = config.model_copy(update={"person": config.person.model_copy(update={"locale": locale})})
    for name, words in expected.items():
        before = len(sandbox.requests)
        collect(sandbox, build_engine(name, localised, KEYS), 10)
        (path,) = sent_to(sandbox, HOSTS[name], before)
        assert words in path, path


def test_serpapi_can_read_bing(sandbox: Sandbox) -> None:
    sandbox.set_month(0)
    before = len(sandbox.requests)
    serp, _ = collect(sandbox, SerpApi(KEYS["SERPAPI_API_KEY"], Locale.parse("fr-CA"), upstream="bing"), 20)
    assert serp.status is EngineStatus.OK and len(serp.results) == 20
    paths = sent_to(sandbox, "serpapi.com", before)
    assert [parse_qs(urlsplit(p).query)["first"] for p in paths] == [["1"], ["11"]]


def test_searxng_pins_upstream_engines_and_keeps_their_positions(sandbox: Sandbox) -> None:
    sandbox.set_month(0)
    engine = Searxng("https://searx.noemie.example", "fr-CA", ("google", "bing"))
    serp, _ = collect(sandbox, engine, 10)
    assert serp.status is EngineStatus.OK
    first = serp.results[0]
    assert first.sources == ("google", "bing")
    assert first.source_positions == (1, 1)
    assert serp.results[4].source_positions == (5, 5)


def test_brave_answers_carry_its_rate_limit_headers(sandbox: Sandbox, config: Config) -> None:
    sandbox.set_month(0)
    _, raws = collect(sandbox, build_engine("brave", config, KEYS), 10)
    assert raws[0].headers["x-ratelimit-remaining"] == "0, 1499"
    assert raws[0].headers["x-ratelimit-limit"] == "1, 2000"
