"""Setting engines up: config keys per engine, keys read from the environment, budgets against the database,
the catalogue and its notes, and recognising which engine a saved response came from."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from auditor.audit.budget import budget_uses, check_budgets, month_start
from auditor.audit.plan import build_engine, build_engines
from auditor.audit.runner import http_policy
from auditor.cli.engines import engine_rows, parse_saved
from auditor.config import Config, load_config, parse_config
from auditor.engines import registry
from auditor.engines.catalog import engine_notes
from auditor.engines.sniff import looks_like
from auditor.errors import ConfigError, FetchRefused, UsageError
from auditor.models import EngineStatus
from auditor.net.guard import check_target
from auditor.store import Store
from tests.engines.fixtures import CONFIG, KEYS, text
from tests.recording import filed

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(CONFIG)


def with_engines(config: Config, toml: str) -> Config:
    """The test config with `toml` in place of its own [engines.brave] table (TOML refuses a table twice)."""
    base = CONFIG.read_text(encoding="utf-8").replace("[engines.brave]\nmonthly_budget = 40\n", "")
    return parse_config(base + "\n" + toml, source="test.toml", base_dir=CONFIG.parent)


BUILT_IN = (
    "duckduckgo_html",
    "searxng",
    "brave",
    "serpapi",
    "serper",
    "mojeek",
    "google_cse",
    "browser_google",
    "browser_bing",
)


def test_every_known_engine_has_a_parser_a_catalogue_entry_and_a_builder(config: Config) -> None:
    assert registry.names() == BUILT_IN  # in the order `auditor engines` lists them
    for spec in registry.specs():
        assert spec.cost and spec.limits and spec.label
        assert spec.page_markers or spec.json_shape is not None  # the sniff can name it
        assert spec.settings().monthly_budget is None or spec.settings().monthly_budget > 0
        if spec.name == "searxng":
            continue  # needs its url (tested with the SearXNG engine)
        engine = build_engine(spec.name, config, KEYS)
        assert engine.name == spec.name and engine.kind == spec.kind
        assert type(engine).parse.__module__ == spec.parser.__module__


def test_keys_come_from_the_variables_the_config_names(config: Config) -> None:
    custom = with_engines(config, '[engines.serper]\napi_key_env = "MY_SERPER"\n')
    engines = {e.name: e for e in build_engines(custom, env={"MY_SERPER": "k", "BRAVE_API_KEY": "  "})}
    assert engines["serper"].unavailable() is None
    refused = engines["brave"].unavailable()  # blank counts as unset
    assert refused is not None and refused.status is EngineStatus.AUTH_ERROR
    assert refused.detail.startswith("BRAVE_API_KEY is not set")


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[engines.brave]\nfoo = 1\n", "engines.brave.foo: unknown key"),
        ('[engines.brave]\napi_key_env = "BSA-not a name"\n', "engines.brave.api_key_env: expected the name"),
        ('[engines.serpapi]\nengine = "yahoo"\n', "engines.serpapi.engine"),
        ("[engines.brave]\nmonthly_budget = -1\n", "engines.brave.monthly_budget"),
    ],
)
def test_bad_engine_settings_name_the_key(config: Config, toml: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.")):
        with_engines(config, toml)


def test_google_cse_needs_its_cx() -> None:
    text_ = CONFIG.read_text(encoding="utf-8").replace('cx = "0123456789abcdef0"', 'cx = ""')
    with pytest.raises(ConfigError, match=r"engines\.google_cse\.cx"):
        parse_config(text_, source="t.toml", base_dir=CONFIG.parent)


def test_unknown_engine_lists_the_known_ones() -> None:
    text_ = CONFIG.read_text(encoding="utf-8").replace('"mojeek",', '"altavista",')
    with pytest.raises(
        ConfigError, match=r"unknown engine 'altavista'; known engines: duckduckgo_html, searxng, brave"
    ):
        parse_config(text_, source="t.toml", base_dir=CONFIG.parent)


# -- budgets ------------------------------------------------------------------------------------------------


def test_month_starts_on_the_first_in_utc() -> None:
    assert month_start(NOW) == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    montreal = dt.timezone(dt.timedelta(hours=-5))
    assert month_start(dt.datetime(2026, 11, 30, 22, 0, tzinfo=montreal)) == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_needs_are_queries_times_pages_and_engines_without_key_need_nothing(config: Config) -> None:
    uses = {u.engine: u for u in budget_uses(config, lambda e, s: 0, queries=2, env={**KEYS, "MOJEEK_API_KEY": ""})}
    assert uses["brave"].needed == 2  # depth 20: one page of 20
    assert uses["serpapi"].needed == 4
    assert uses["mojeek"].needed == 0
    assert uses["serper"].budget is None and uses["serper"].excess == 0


def test_an_audit_over_budget_refuses_and_says_by_how_much(config: Config) -> None:
    used = {"brave": 39}
    with pytest.raises(UsageError) as refused:
        check_budgets(config, lambda engine, since: used.get(engine, 0), queries=2, now=NOW, env=KEYS)
    message = str(refused.value)
    assert message.startswith("brave:")
    assert "needs 2 requests" in message and "budget of 40" in message and "39 used" in message
    assert "go over by 1" in message
    assert refused.value.tip is not None and "monthly_budget" in refused.value.tip
    check_budgets(config, lambda engine, since: 38, queries=2, now=NOW, env=KEYS)  # exactly fits


def test_store_counts_answers_of_audits_started_this_month(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.db") as store, store.writing():
        first = store.begin_audit("Noémie Gagnon", dt.date(2026, 11, 1), ("brave",))
        for page in (1, 2):
            store.save_raw(first, *filed("engine", "https://api.search.brave.com/x", 200, b"{}", "brave", "q", page))
        store.save_raw(
            first, *filed("engine", "https://api.search.brave.com/x", None, b"", "brave", "q", 3, error="timeout")
        )
        store.save_raw(first, *filed("engine", "https://serpapi.com/x", 200, b"{}", "serpapi", "q", 1))
        store.save_raw(first, *filed("site", "https://noemiegagnon.ca/", 200, b"", subject="site"))
        now = dt.datetime.now(dt.UTC)
        assert store.engine_requests_since("brave", month_start(now)) == 2
        assert store.engine_requests_since("serpapi", month_start(now)) == 1
        assert store.engine_requests_since("brave", now + dt.timedelta(days=40)) == 0


def test_budgets_count_every_attempt_retries_included(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.db") as store, store.writing():
        audit = store.begin_audit("Noémie Gagnon", dt.date(2026, 11, 1), ("brave",))
        url = "https://api.search.brave.com/x"
        store.save_raw(audit, *filed("engine", url, 200, b"{}", "brave", "q", 1, attempts=3))  # two 429s first
        store.save_raw(audit, *filed("engine", url, None, b"", "brave", "q", 2, error="timeout", attempts=3))
        store.save_raw(audit, *filed("engine", url, 200, b"{}", "brave", "q2", 1))  # attempts unknown: one
        assert store.engine_requests_since("brave", month_start(dt.datetime.now(dt.UTC))) == 7
        assert [r.attempts for r in store.raw_records(audit)] == [3, 3, None]


# -- the catalogue and `auditor engines` rows ----------------------------------------------------------------


def test_rows_say_whether_a_key_is_present_never_what_it_is(config: Config) -> None:
    rows = {r["name"]: r for r in engine_rows(config, {"BRAVE_API_KEY": "super-secret"}, {"brave": 7}, NOW.date())}
    assert rows["brave"] | {"notes": None} == rows["brave"] | {
        "configured": True,
        "needs_key": True,
        "key_env": "BRAVE_API_KEY",
        "key_present": True,
        "used_this_month": 7,
        "monthly_budget": 40,
        "notes": None,
    }
    assert "super-secret" not in repr(rows)
    assert rows["serpapi"]["key_present"] is False
    assert any("SERPAPI_API_KEY is not set" in note for note in rows["serpapi"]["notes"])
    assert rows["duckduckgo_html"]["configured"] is False and rows["duckduckgo_html"]["key_env"] is None
    assert any("2027-01-01" in note for note in rows["google_cse"]["notes"])


def test_audit_notes_warn_about_google_cse_only() -> None:
    assert engine_notes(("brave", "duckduckgo_html"), NOW.date()) == []
    (note,) = engine_notes(("google_cse",), NOW.date())
    assert "2027-01-01" in note


# -- which engine a saved response comes from ----------------------------------------------------------------

SAVED = {
    "duckduckgo_html": ("duckduckgo_html", "results.html"),
    "searxng": ("searxng", "results.json"),
    "brave": ("brave", "results.json"),
    "serpapi": ("serpapi", "google_results.json"),
    "serper": ("serper", "results.json"),
    "mojeek": ("mojeek", "results.json"),
    "google_cse": ("google_cse", "results.json"),
    "browser_google": ("browser_google", "results.html"),
    "browser_bing": ("browser_bing", "results.html"),
}


@pytest.mark.parametrize("engine", sorted(SAVED))
def test_each_engine_recognises_its_own_answer_and_refuses_the_others(engine: str) -> None:
    own = text(*SAVED[engine])
    assert looks_like(own) == engine
    assert parse_saved(engine, own).status is EngineStatus.OK
    for other in SAVED:
        if other == engine:
            continue
        parsed = parse_saved(other, own)
        assert parsed.status is EngineStatus.PARSE_FAILURE, (other, engine)
        assert f"does not look like a {other} response" in parsed.detail
        assert f"--engine {engine}" in parsed.detail


def test_an_unrecognisable_file_keeps_the_parsers_own_words() -> None:
    parsed = parse_saved("browser_bing", "<html><body><p>Hello</p></body></html>")
    assert parsed.status is EngineStatus.PARSE_FAILURE and "li.b_algo" in parsed.detail


def test_a_self_hosted_searxng_on_localhost_is_reached_and_nothing_else_local(config: Config) -> None:
    local = with_engines(config, '[engines.searxng]\nurl = "http://localhost:8888"\n')
    policy = http_policy(local, None)
    assert policy.trusted_origins == frozenset({"http://localhost:8888"})

    async def loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    async def check(url: str) -> None:
        await check_target(url, sandbox=False, resolver=loopback, trusted=policy.trusted_origins)

    asyncio.run(check("http://localhost:8888/search?q=x&format=json"))
    for elsewhere in ("http://localhost:8889/", "https://localhost:8888/", "http://127.0.0.1:8888/"):
        with pytest.raises(FetchRefused):
            asyncio.run(check(elsewhere))
    assert http_policy(config, None).trusted_origins == frozenset()
