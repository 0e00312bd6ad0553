"""Knowledge-panel readiness from the site's page and the profiles' names; bad input is recorded with its
reason, never a crash and never counted."""

from __future__ import annotations

import json

from auditor.models import LinkBack, ProfileCheck, ReadinessItem, Verdict
from auditor.net.fetched import Fetched
from auditor.verify.panel import panel_readiness

NAMES = ("Émilie Tremblay",)
SITE = "https://emilietremblay.ca/"


def page(*blocks: str, body: str = "") -> Fetched:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return Fetched.of_text(f"<html><head>{scripts}</head><body>{body}</body></html>", url=SITE)


def profile(network: str, name: str | None) -> ProfileCheck:
    return ProfileCheck(network, f"https://{network}.example/et", LinkBack(Verdict.LINKED, ""), display_name=name)


def items(site: Fetched, profiles: tuple[ProfileCheck, ...] = ()) -> dict[str, ReadinessItem]:
    return {item.id: item for item in panel_readiness(site, NAMES, profiles)}


def test_a_ready_site() -> None:
    person = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "url": SITE},
            {
                "@type": ["Person"],
                "name": "Émilie Tremblay",
                "sameAs": ["https://github.com/etremblay", "https://www.wikidata.org/wiki/Q4242"],
            },
        ],
    }
    found = items(page(json.dumps(person)), (profile("github", "Émilie Tremblay"),))
    assert all(item.ready for item in found.values())
    assert dict(found["person_schema"].detail_params) == {"name": "Émilie Tremblay"}
    assert dict(found["person_sameas"].detail_params) == {"count": "2"}
    assert dict(found["wikidata"].detail_params) == {"url": "https://www.wikidata.org/wiki/Q4242"}
    assert dict(found["consistent_names"].detail_params) == {"count": "2"}


def test_a_malformed_block_is_recorded_with_its_reason_and_counts_for_nothing() -> None:
    found = items(page('{"@type": "Person", "name": "Émilie Tremblay",'))
    schema = found["person_schema"]
    assert not schema.ready and schema.detail_code == "jsonld_malformed"
    assert schema.detail_params["reason"].startswith("block 1: ")
    assert not found["person_sameas"].ready


def test_a_malformed_block_beside_a_good_one_does_not_hide_it() -> None:
    good = json.dumps({"@type": "Person", "name": "Émilie Tremblay", "sameAs": "https://github.com/etremblay"})
    found = items(page("{not json", good))
    assert found["person_schema"].ready and found["person_sameas"].ready


def test_sameas_that_is_not_a_url_is_ignored_and_named() -> None:
    person = {"@type": "Person", "name": "Émilie Tremblay", "sameAs": ["@etremblay", "github", 42]}
    same_as = items(page(json.dumps(person)))["person_sameas"]
    assert not same_as.ready and same_as.detail_code == "sameas_not_url"
    assert same_as.detail_params["ignored"] == "@etremblay, github"


def test_no_person_and_names_that_differ() -> None:
    found = items(page(json.dumps({"@type": "Organization", "name": "Nuage inc."})), (profile("x", "Émilie T."),))
    assert found["person_schema"].detail_code == "person_missing"
    assert found["person_sameas"].detail_code == "sameas_missing"
    assert found["wikidata"].detail_code == "wikidata_missing"
    names = found["consistent_names"]
    assert not names.ready and names.detail_params["names"] == "x: Émilie T."


def test_a_wikidata_link_in_the_page_counts_too() -> None:
    found = items(page(body='<a href="https://m.wikidata.org/wiki/Q1">Wikidata</a>'))
    assert found["wikidata"].ready


def test_an_unreachable_site() -> None:
    found = items(Fetched.failure(SITE, "timeout: no answer"))
    assert [found[k].detail_code for k in ("person_schema", "person_sameas", "wikidata")] == ["site_unreachable"] * 3
    assert found["consistent_names"].detail_code == "names_unknown"
