"""The identity graph's own sources through a whole audit against the sandbox: GitHub's social accounts, the
site's `/.well-known/atproto-did` for a Bluesky handle on the person's domain, a Wikidata item the site lists
in `sameAs`; then a month whose atproto-did names another account (recorded with its reason, never counted);
and a rescore that rebuilds all of it from the stored answers without sending anything."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from auditor.audit.rescore import rebuild
from auditor.audit.runner import audit_once
from auditor.config import load_config
from auditor.models import Audit, EdgeState, GraphEdge
from auditor.net.fetched import Fetched
from auditor.sandbox import MINIMAL_SCENARIO, Sandbox, load_scenario
from auditor.sandbox.profile_apis import did_for
from auditor.store import Store
from auditor.verify.graph_sources import (
    did_document,
    handle_on_domain,
    social_accounts,
    wikidata_item,
    wikidata_websites,
)

SITE = "https://carlfredericdecelles.ca"
BLUESKY = "https://bsky.app/profile/carlfredericdecelles.ca"
ITEM = "https://www.wikidata.org/wiki/Q4242"

EXTRA = f"""
[months.pages."{BLUESKY}"]
kind = "bluesky"
name = "Carl-Frédéric de Celles"
description = "Python à Sherbrooke. {SITE}"

[months.pages."{SITE}/.well-known/atproto-did"]
kind = "atproto_did"

[months.pages."https://www.wikidata.org/wiki/Special:EntityData/Q4242.json"]
kind = "wikidata"
name = "Carl-Frédéric de Celles"
website = "{SITE}/"

[[months]]
as_of = 2026-02-01

[months.pages."{SITE}/.well-known/atproto-did"]
text = "did:plc:someoneelsealtogether000"
"""


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Audit]]:
    directory = tmp_path_factory.mktemp("graph")
    scenario = (MINIMAL_SCENARIO.read_text(encoding="utf-8") + EXTRA).replace(
        'same_as = ["https://github.com/cfdecelles", "https://mastodon.social/@cfdecelles"]',
        f'same_as = ["https://github.com/cfdecelles", "https://mastodon.social/@cfdecelles", "{ITEM}", "nope"]',
    )
    scenario = scenario.replace(
        'website = "https://carlfredericdecelles.ca"\n\n[months.pages."https://mastodon.social',
        'website = "https://carlfredericdecelles.ca"\nsocial_accounts = ["https://mastodon.social/@cfdecelles"]'
        '\n\n[months.pages."https://mastodon.social',
    )
    assert "social_accounts" in scenario and ITEM in scenario
    (directory / "minimal.toml").write_text(scenario, encoding="utf-8")
    config_text = MINIMAL_SCENARIO.with_name("minimal.auditor.toml").read_text(encoding="utf-8")
    config_text = config_text.replace("[profiles]\n", f'[profiles]\nbluesky = "{BLUESKY}"\n')
    (directory / "minimal.auditor.toml").write_text(config_text, encoding="utf-8")
    shutil.copyfile(directory / "minimal.auditor.toml", directory / "auditor.toml")
    config = load_config(directory / "auditor.toml")
    audits = []
    with Sandbox(load_scenario(directory / "minimal.toml")) as sandbox:
        for month, day in enumerate((dt.date(2026, 1, 1), dt.date(2026, 2, 1))):
            sandbox.set_month(month)
            audits.append(audit_once(config, as_of=day, sandbox_url=sandbox.url).audit)
    return directory, audits


def edge(audit: Audit, source: str, target: str, mechanism: str) -> GraphEdge:
    assert audit.graph is not None
    (found,) = [e for e in audit.graph.edges if (e.source, e.target, e.mechanism) == (source, target, mechanism)]
    return found


def test_github_social_accounts_bluesky_domain_and_wikidata_item(audited: tuple[Path, list[Audit]]) -> None:
    first = audited[1][0]
    assert first.graph is not None
    social = edge(first, "github", "mastodon", "github_social")
    assert social.state is EdgeState.ONE_WAY and "mastodon.social/@cfdecelles" in social.evidence
    missing = edge(first, "github", "bluesky", "github_social")
    assert (missing.state, missing.reason_code) == (EdgeState.MISSING, "not_listed")
    handle = edge(first, "bluesky", "site", "atproto_domain")
    assert handle.state is EdgeState.BOTH_WAYS and did_for("carlfredericdecelles.ca") in handle.evidence
    item = edge(first, "wikidata:Q4242", "site", "wikidata")
    assert item.state is EdgeState.BOTH_WAYS and "P856" in item.evidence
    assert edge(first, "site", "wikidata:Q4242", "same_as").state is EdgeState.BOTH_WAYS
    assert [n.code for n in first.graph.notes] == ["sameas_not_url"]
    recommended = {r.id: r for r in first.recommendations}
    listing = recommended["link_identity:github_social:github:bluesky"]
    assert listing.impact > 0 and listing.params["target_url"] == BLUESKY
    assert "link_identity:github_social:github:mastodon" not in recommended


def test_an_atproto_did_that_names_another_account_is_broken_and_noted(audited: tuple[Path, list[Audit]]) -> None:
    first, second = audited[1]
    handle = edge(second, "bluesky", "site", "atproto_domain")
    assert (handle.state, handle.reason_code) == (EdgeState.BROKEN, "did_elsewhere")
    assert second.graph is not None
    (note,) = [n for n in second.graph.notes if n.code == "atproto_elsewhere"]
    assert note.params["named"] == "did:plc:someoneelsealtogether000"
    assert second.scores.consolidation is not None and first.scores.consolidation is not None
    assert second.scores.consolidation < first.scores.consolidation


def test_rescore_rebuilds_the_graph_from_the_stored_answers(audited: tuple[Path, list[Audit]]) -> None:
    directory, audits = audited
    config = load_config(directory / "auditor.toml")
    with Store.open(config.database_path) as store:
        for audit in audits:
            assert audit.id is not None
            stored = store.load_audit(audit.id)
            records = store.raw_records(audit.id)
            assert any("social_accounts" in r.requested_url for r in records)
            assert any(r.requested_url.endswith("/.well-known/atproto-did") for r in records)
            rebuilt = rebuild(config, stored, records)
            assert rebuilt.graph == stored.graph
            assert rebuilt.scores == stored.scores


def test_the_parsers_refuse_what_is_not_their_shape() -> None:
    assert wikidata_item("https://www.wikidata.org/wiki/Q42") == "Q42"
    assert wikidata_item("https://www.wikidata.org/entity/q7/") == "Q7"
    assert wikidata_item("https://www.wikidata.org/wiki/Property:P856") is None
    assert handle_on_domain("me.emilie.example", "www.emilie.example")
    assert not handle_on_domain("emilie.example.evil.test", "emilie.example")
    assert social_accounts(Fetched.of_text('{"message": "Not Found"}', status=404)) is None
    assert social_accounts(Fetched.of_text('{"a": 1}')) is None
    assert social_accounts(Fetched.of_text('[{"provider": "generic", "url": "https://a.example"}, 3]')) == (
        ("generic", "https://a.example"),
    )
    assert did_document(Fetched.of_text("<html>not found</html>")) is None
    assert did_document(Fetched.of_text("did:plc:abc123\n")) == "did:plc:abc123"
    assert wikidata_websites(Fetched.of_text("[]"), "Q1") is None
    entity = '{"entities": {"Q1": {"claims": {"P856": [{"mainsnak": {"snaktype": "somevalue"}}]}}}}'
    assert wikidata_websites(Fetched.of_text(entity), "Q1") == ()
