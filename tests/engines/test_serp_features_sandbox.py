"""What the engines show beyond the organic results, end to end: the sandbox answers as SerpApi, Serper,
Google's and Bing's pages do (tests/fixtures/sandbox/engines.toml, `months.extras`), the real client and
parsers read it, and the pure classification says which of it is the person's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from auditor.audit.collect import collect_serp
from auditor.audit.identity import identity_for
from auditor.audit.plan import build_engine
from auditor.config import Config, load_config
from auditor.identify.features import classify_features
from auditor.identify.networks import default_registry
from auditor.models import EngineStatus, FeatureKind, Query, Serp
from auditor.net.client import HttpClient, HttpPolicy
from auditor.sandbox import Sandbox, load_scenario
from tests.engines.fixtures import CONFIG, KEYS, SCENARIO

PERSON = Query("Noémie Gagnon")
QUALIFIED = Query("Noémie Gagnon Québec")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(SCENARIO)) as running:
        running.set_month(0)
        yield running


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(CONFIG)


def collect(sandbox: Sandbox, config: Config, engine_name: str, query: Query) -> Serp:
    async def run() -> Serp:
        async with HttpClient(HttpPolicy(sandbox_url=sandbox.url, time_scale=0.0)) as client:
            return await collect_serp(client, build_engine(engine_name, config, KEYS), query, 20)

    return asyncio.run(run())


@pytest.mark.parametrize("engine_name", ["serpapi", "serper", "brave"])
def test_api_engines_report_the_blocks_and_which_are_the_persons(
    sandbox: Sandbox, config: Config, engine_name: str
) -> None:
    serp = collect(sandbox, config, engine_name, PERSON)
    assert serp.status is EngineStatus.OK, serp.detail
    kinds = {f.kind for f in serp.features}
    assert {FeatureKind.KNOWLEDGE_PANEL, FeatureKind.PEOPLE_ALSO_ASK, FeatureKind.VIDEOS} <= kinds
    registry = default_registry()
    classified = {f.kind: f for f in classify_features([serp], registry, identity_for(config, registry))}
    panel = classified[FeatureKind.KNOWLEDGE_PANEL]
    assert panel.about_person is True and panel.reason_code == "panel_cites_own"
    assert "https://noemiegagnon.ca/" in panel.own_links
    assert classified[FeatureKind.PEOPLE_ALSO_ASK].questions == (
        "Qui est Noémie Gagnon ?",
        "Où travaille Noémie Gagnon ?",
    )
    assert not classified[FeatureKind.VIDEOS].is_persons  # a press article's video, not hers
    if engine_name == "serpapi":  # Serper's and Brave's search answers have no AI overview field
        overview = classified[FeatureKind.AI_OVERVIEW]
        assert overview.own_links == ("https://noemiegagnon.ca/",) and overview.is_persons


@pytest.mark.parametrize("engine_name", ["serpapi", "serper", "brave"])
def test_a_namesakes_panel_is_recorded_with_its_reason_and_never_counted(
    sandbox: Sandbox, config: Config, engine_name: str
) -> None:
    serp = collect(sandbox, config, engine_name, QUALIFIED)
    registry = default_registry()
    panels = [
        f
        for f in classify_features([serp], registry, identity_for(config, registry))
        if f.kind is FeatureKind.KNOWLEDGE_PANEL
    ]
    assert len(panels) == 1
    assert panels[0].about_person is False and not panels[0].is_persons
    assert panels[0].reason_code == "panel_namesake" and panels[0].reason_params == {"title": "Noémie Gagnon"}


def test_only_the_first_page_carries_the_blocks(sandbox: Sandbox, config: Config) -> None:
    serp = collect(sandbox, config, "serpapi", PERSON)  # depth 20: two pages were read
    assert serp.requests == 2
    assert [f.kind for f in serp.features].count(FeatureKind.KNOWLEDGE_PANEL) == 1
