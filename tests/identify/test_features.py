"""Which of what a results page shows beyond the organic results is the person's: a link is theirs when the
classifier would count it as theirs; a knowledge panel is about them only when it cites one of their pages."""

from __future__ import annotations

from auditor.identify.classify import build_identity
from auditor.identify.features import classify_feature, classify_features
from auditor.identify.networks import default_registry
from auditor.models import EngineStatus, FeatureKind, FeatureLink, Query, Serp, SerpFeature

REGISTRY = default_registry()
WHO = build_identity(
    REGISTRY,
    name="Émilie Tremblay",
    aliases=[],
    site="https://emilietremblay.ca",
    old_sites=[],
    profiles={"github": "https://github.com/etremblay"},
)


def judge(feature: SerpFeature):  # type: ignore[no-untyped-def]
    return classify_feature(feature, engine="serpapi", query="Émilie Tremblay", registry=REGISTRY, who=WHO)


def test_a_panel_citing_her_site_is_hers() -> None:
    links = (FeatureLink("https://fr.wikipedia.org/wiki/x"), FeatureLink("https://www.emilietremblay.ca/a-propos"))
    found = judge(SerpFeature(FeatureKind.KNOWLEDGE_PANEL, 1, "Émilie Tremblay", "Architecte", links))
    assert found.about_person is True and found.is_persons
    assert found.own_links == ("https://www.emilietremblay.ca/a-propos",)
    assert (found.reason_code, dict(found.reason_params)) == (
        "panel_cites_own",
        {"url": "https://www.emilietremblay.ca/a-propos"},
    )


def test_a_panel_that_only_carries_the_name_is_a_namesakes_and_never_counted() -> None:
    links = (FeatureLink("https://emilietremblayrh.ca/"),)
    found = judge(SerpFeature(FeatureKind.KNOWLEDGE_PANEL, 1, "Emilie TREMBLAY", "Conseillère RH", links))
    assert found.about_person is False and not found.is_persons and found.own_links == ()
    assert (found.reason_code, dict(found.reason_params)) == ("panel_namesake", {"title": "Emilie TREMBLAY"})


def test_a_panel_about_something_else_says_so() -> None:
    found = judge(SerpFeature(FeatureKind.KNOWLEDGE_PANEL, 1, "Tremblay (municipalité)", "Ville"))
    assert found.about_person is False and found.reason_code == "panel_other"


def test_other_blocks_are_hers_when_they_link_to_her_pages() -> None:
    overview = judge(SerpFeature(FeatureKind.AI_OVERVIEW, 1, links=(FeatureLink("https://github.com/ETremblay"),)))
    assert overview.about_person is None and overview.is_persons
    assert overview.own_links == ("https://github.com/ETremblay",)
    videos = judge(SerpFeature(FeatureKind.VIDEOS, 3, links=(FeatureLink("https://www.youtube.com/watch?v=1"),)))
    assert not videos.is_persons and videos.count == 3


def test_only_queries_that_succeeded_are_read() -> None:
    panel = SerpFeature(FeatureKind.KNOWLEDGE_PANEL, 1, "Émilie Tremblay")
    serps = [
        Serp("serpapi", Query("Émilie Tremblay"), EngineStatus.OK, features=(panel,)),
        Serp("serper", Query("Émilie Tremblay"), EngineStatus.RATE_LIMITED, features=(panel,)),
    ]
    assert [f.engine for f in classify_features(serps, REGISTRY, WHO)] == ["serpapi"]
