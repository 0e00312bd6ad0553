"""The report's section on what engines show beyond the organic results: per engine, which of it is the
person's, knowledge-panel readiness, and the results pages' thumbnails; in both languages, inert."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from auditor.models import Audit, ClassifiedFeature, FeatureKind, FeatureLink, ReadinessItem
from auditor.report.changes import compute_changes
from auditor.report.document import build_json
from auditor.report.features import MAX_THUMBNAILS, Thumbnail, thumbnails
from auditor.report.html import render_html
from auditor.store.screenshots import Screenshot
from tests.report.factories import HOSTILE_TITLE, SCORING, make_history

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
FEATURES = (
    ClassifiedFeature(
        "searxng",
        "Émilie Tremblay",
        FeatureKind.KNOWLEDGE_PANEL,
        title="Émilie Tremblay",
        description="Architecte infonuagique",
        links=(FeatureLink("https://emilietremblay.ca/"),),
        own_links=("https://emilietremblay.ca/",),
        about_person=True,
        reason_code="panel_cites_own",
        reason_params={"url": "https://emilietremblay.ca/"},
    ),
    ClassifiedFeature(
        "duckduckgo_html",
        "Émilie Tremblay",
        FeatureKind.KNOWLEDGE_PANEL,
        title=HOSTILE_TITLE,
        about_person=False,
        reason_code="panel_namesake",
        reason_params={"title": HOSTILE_TITLE},
    ),
    ClassifiedFeature(
        "duckduckgo_html", "Émilie Tremblay", FeatureKind.PEOPLE_ALSO_ASK, 2, questions=("Qui est-elle ?", "Où ?")
    ),
)
READINESS = (
    ReadinessItem("person_schema", False, "jsonld_malformed", {"reason": "block 1: Expecting value"}),
    ReadinessItem("wikidata", False, "wikidata_missing"),
)
SHOTS = (Thumbnail("browser_google", "Émilie Tremblay", "data:image/png;base64,AAAA", 480, 600),)


def audit() -> tuple[Audit, list[Audit]]:
    history = make_history()
    latest = replace(history[-1], serp_features=FEATURES, panel_readiness=READINESS)
    return latest, [*history[:-1], latest]


def render(lang: str, shots: tuple[Thumbnail, ...] = SHOTS) -> BeautifulSoup:
    latest, history = audit()
    page = render_html(
        latest, history, compute_changes(history[-2], latest), lang=lang, scoring=SCORING, screenshots=shots
    )
    return BeautifulSoup(page, "html.parser")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_engine_shows_what_is_the_persons(lang: str) -> None:
    section = render(lang).find("section", id="beyond")
    assert section is not None
    headings = [h.get_text(" ", strip=True) for h in section.find_all("h3")]
    # The audit's engine order; each engine says how many of its blocks are the person's.
    assert headings[0].startswith("DuckDuckGo") and headings[1].startswith("SearXNG")
    text = section.get_text(" ", strip=True)
    if lang == "fr":
        assert "à vous : 0 sur 2 blocs" in text and "à vous : 1 sur 1 blocs" in text
        assert "le panneau d’un homonyme" in text and "Autres questions posées" in text
        assert "Wikidata a des règles d’admissibilité" in text
        assert "Un bloc JSON-LD est illisible" in text
    else:
        assert "yours: 0 of 2 blocks" in text and "a namesake's panel, not counted as yours" in text
        assert "About you: it cites https://emilietremblay.ca/." in text
    assert HOSTILE_TITLE not in str(section)  # a panel's title is text from the web: escaped


def test_the_thumbnails_are_embedded_and_nothing_else_is_loaded() -> None:
    soup = render("en")
    images = soup.find("section", id="beyond").find_all("img")
    assert [img["src"] for img in images] == ["data:image/png;base64,AAAA"]
    assert images[0]["alt"] == "Results page of Google (browser) for “Émilie Tremblay”"
    assert [img for img in soup.find_all("img") if not img["src"].startswith("data:image/png;base64,")] == []


def test_an_audit_with_nothing_beyond_the_links_has_no_such_section() -> None:
    history = make_history()
    page = render_html(history[-1], history, compute_changes(history[-2], history[-1]), lang="en", scoring=SCORING)
    assert 'id="beyond"' not in page and 'href="#beyond"' not in page


def test_the_json_report_carries_the_blocks_and_readiness() -> None:
    latest, history = audit()
    data = json.loads(json.dumps(build_json(latest, compute_changes(history[-2], latest), lang="en")))
    assert [(f["engine"], f["kind"], f["is_persons"]) for f in data["serp_features"]] == [
        ("searxng", "knowledge_panel", True),
        ("duckduckgo_html", "knowledge_panel", False),
        ("duckduckgo_html", "people_also_ask", False),
    ]
    assert data["serp_features"][1]["reason_code"] == "panel_namesake"
    assert [(i["id"], i["ready"]) for i in data["panel_readiness"]] == [("person_schema", False), ("wikidata", False)]


def test_thumbnails_keep_first_pages_within_the_caps() -> None:
    shots = [Screenshot("browser_google", f"q{i}", 1, PNG, 1, 1) for i in range(MAX_THUMBNAILS + 2)]
    shots.insert(0, Screenshot("browser_bing", "q", 2, PNG, 1, 1))  # a second page: not shown
    shots.insert(0, Screenshot("browser_bing", "q", 1, error="screenshot failed: Target closed"))
    chosen = thumbnails(shots)
    assert len(chosen) == MAX_THUMBNAILS and {t.engine for t in chosen} == {"browser_google"}
    assert chosen[0].data_uri == "data:image/png;base64," + base64.b64encode(PNG).decode()
