"""The identity graph from plain data: each mechanism's state and evidence, directions, bad input recorded
with its reason; its score component, its recommendations, its storage and its drawing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from auditor.identify.networks import default_registry
from auditor.models import (
    Audit,
    AuditStatus,
    EdgeState,
    GraphEdge,
    GraphNode,
    IdentityGraph,
    LinkBack,
    ProfileCheck,
    Scores,
    Verdict,
)
from auditor.net.fetched import Fetched
from auditor.report.graph import edge_reason, graph_svg, pairs
from auditor.scoring.recommend import recommend
from auditor.scoring.scores import ScoreInputs, compute_scores, consolidation_score
from auditor.store.serialize import from_data, to_data
from auditor.verify.evidence import FoundLink, ProfileData, ProfileEvidence
from auditor.verify.graph import build_graph, read_site

SITE = "https://emilie.example"
REGISTRY = default_registry()
WEIGHTS = {"link_back": 1.0, "rel_me": 1.0, "same_as": 1.0, "site_link": 0.5, "mastodon_verified": 1.0}


def page(html: str, url: str = SITE + "/") -> Fetched:
    return Fetched.of_text(html, url=url)


HOME = """<html><head>
<script type="application/ld+json">{"@type": "Person", "name": "Émilie",
 "sameAs": ["https://github.com/etremblay", "not a url", 42, "https://www.wikidata.org/wiki/Q1"]}</script>
<script type="application/ld+json">{"@type": "Person", "sameAs": [</script>
</head><body>
<a rel="me" href="https://github.com/ETremblay">GitHub</a>
<a href="https://mastodon.social/@etremblay">Mastodon</a>
</body></html>"""


def check(network: str, url: str, verdict: Verdict, code: str = "") -> ProfileCheck:
    return ProfileCheck(network, url, LinkBack(verdict, "why", "evidence", reason_code=code))


def github(blog: str) -> ProfileEvidence:
    links = (FoundLink(blog, f'blog: "{blog}"', declared=True),) if blog else ()
    data = ProfileData("api:github", links, "the website field (blog)", "Émilie", None, f'blog: "{blog}"')
    return ProfileEvidence("github", "https://github.com/etremblay", "api:github", data)


def mastodon(verified_at: str | None) -> ProfileEvidence:
    link = FoundLink(SITE, f'field "Site": {SITE} (verified_at: {verified_at})', declared=True, verified_at=verified_at)
    data = ProfileData("api:mastodon", (link,), "the profile's fields", "Émilie", None, "fields")
    return ProfileEvidence("mastodon", "https://mastodon.social/@etremblay", "api:mastodon", data)


def graph_of(
    home: Fetched,
    *,
    blog: str = SITE,
    verified_at: str | None = "2026-01-01T00:00:00Z",
    labelled: tuple[tuple[str | None, str], ...] = (),
    labelled_pages: dict[str, Fetched] | None = None,
) -> IdentityGraph:
    profiles = (
        check("github", "https://github.com/etremblay", Verdict.LINKED, "linked"),
        check("mastodon", "https://mastodon.social/@etremblay", Verdict.LINKED, "linked"),
        check("linkedin", "https://www.linkedin.com/in/emilie", Verdict.UNVERIFIABLE, "login_wall"),
    )
    return build_graph(
        site_url=SITE,
        old_sites=(),
        site_page=home,
        profiles=profiles,
        evidence={"github": github(blog), "mastodon": mastodon(verified_at)},
        labelled=labelled,
        labelled_pages=labelled_pages or {},
        registry=REGISTRY,
    )


def edge(graph: IdentityGraph, source: str, target: str, mechanism: str) -> GraphEdge:
    (found,) = [e for e in graph.edges if (e.source, e.target, e.mechanism) == (source, target, mechanism)]
    return found


def test_every_mechanism_gets_its_state_and_evidence() -> None:
    graph = graph_of(page(HOME))
    assert [n.id for n in graph.nodes] == ["site", "github", "mastodon", "linkedin"]
    # rel="me" to github.com/ETremblay is the configured github.com/etremblay (handles ignore case).
    rel_me = edge(graph, "site", "github", "rel_me")
    assert rel_me.state is EdgeState.BOTH_WAYS and 'rel="me"' in rel_me.evidence
    assert edge(graph, "site", "github", "same_as").state is EdgeState.BOTH_WAYS
    assert edge(graph, "github", "site", "github_blog").state is EdgeState.BOTH_WAYS
    # Mastodon: a plain link from the site, no rel="me" and no sameAs.
    assert edge(graph, "site", "mastodon", "site_link").state is EdgeState.BOTH_WAYS
    no_rel = edge(graph, "site", "mastodon", "rel_me")
    assert (no_rel.state, no_rel.reason_code) == (EdgeState.MISSING, "plain_link_only")
    assert edge(graph, "site", "mastodon", "same_as").reason_code == "not_on_site"
    verified = edge(graph, "mastodon", "site", "mastodon_verified")
    assert verified.state is EdgeState.BOTH_WAYS and "verified_at: 2026-01-01" in verified.evidence
    # LinkedIn behind its login wall: its side cannot be checked; the site does not link to it.
    back = edge(graph, "linkedin", "site", "link_back")
    assert (back.state, back.reason_code) == (EdgeState.UNKNOWN, "login_wall")
    assert edge(graph, "site", "linkedin", "rel_me").state is EdgeState.MISSING


def test_bad_json_ld_and_same_as_values_are_notes_never_edges() -> None:
    graph = graph_of(page(HOME))
    codes = [(n.code, dict(n.params)) for n in graph.notes]
    assert ("sameas_not_url", {"value": '"not a url"'}) in codes
    assert ("sameas_not_url", {"value": "42"}) in codes
    malformed = [params for code, params in codes if code == "jsonld_malformed"]
    assert len(malformed) == 1 and malformed[0]["block"] == "2" and "JSONDecodeError" in malformed[0]["detail"]
    assert not any("not a url" in e.evidence for e in graph.edges)


def test_one_way_unverified_and_broken_edges() -> None:
    bare = page("<html><body><p>Émilie</p></body></html>")
    graph = graph_of(bare, blog="https://elsewhere.example", verified_at=None)
    # Nothing on the site links to GitHub, so GitHub's link to the site is one way.
    assert edge(graph, "github", "site", "link_back").state is EdgeState.ONE_WAY
    blog = edge(graph, "github", "site", "github_blog")
    assert (blog.state, blog.reason_code, dict(blog.reason_params)) == (
        EdgeState.BROKEN,
        "points_elsewhere",
        {"url": "https://elsewhere.example"},
    )
    unverified = edge(graph, "mastodon", "site", "mastodon_verified")
    assert (unverified.state, unverified.reason_code) == (EdgeState.MISSING, "unverified")


def test_an_unreadable_site_leaves_its_edges_unknown_not_missing() -> None:
    down = Fetched.failure(SITE + "/", "timeout")
    graph = graph_of(down)
    site_side = [e for e in graph.edges if e.source == "site"]
    assert site_side and all(e.state is EdgeState.UNKNOWN for e in site_side)
    assert {e.reason_code for e in site_side} == {"site_unreadable"}
    assert read_site(down, REGISTRY).readable is False


def test_a_page_the_user_labelled_is_a_node_with_its_own_edges() -> None:
    malt = "https://www.malt.fr/profile/emilie"
    linking = page(f'<a href="{SITE}/">site</a>', malt)
    key = REGISTRY.same_page_key(malt)
    graph = graph_of(page(HOME), labelled=((None, malt),), labelled_pages={key: linking})
    node = next(n for n in graph.nodes if n.url == malt)
    assert node.origin == "labelled"
    assert edge(graph, node.id, "site", "link_back").state is EdgeState.ONE_WAY
    unfetched = graph_of(page(HOME), labelled=((None, malt),))
    assert edge(unfetched, node.id, "site", "link_back").reason_code == "not_fetched"


def inputs(graph: IdentityGraph | None, weights: dict[str, float] | None = None) -> ScoreInputs:
    profiles = (check("github", "https://github.com/etremblay", Verdict.NOT_LINKED, "no_link"),)
    return ScoreInputs(
        results=(),
        succeeded=(("duckduckgo_html", "q"),),
        profiles=profiles,
        site_checks=(),
        site_measured=True,
        depth=10,
        ctr=(10.0,) * 10,
        weights={"visibility": 0.5, "consolidation": 0.5},
        graph=graph,
        edge_weights=WEIGHTS if weights is None else weights,
    )


def small_graph(*states: tuple[str, str, str, EdgeState]) -> IdentityGraph:
    nodes = (GraphNode("site", "site", SITE), GraphNode("github", "profile", "https://github.com/etremblay", "github"))
    return IdentityGraph(nodes, tuple(GraphEdge(s, t, m, st) for s, t, m, st in states))


def test_consolidation_weighs_known_edges_and_leaves_unknown_ones_out() -> None:
    graph = small_graph(
        ("github", "site", "link_back", EdgeState.ONE_WAY),
        ("site", "github", "rel_me", EdgeState.MISSING),
        ("site", "github", "site_link", EdgeState.BROKEN),
        ("site", "github", "same_as", EdgeState.UNKNOWN),
    )
    # link_back 1 present; rel_me 1 and site_link 0.5 absent; same_as unknown: 1 / 2.5.
    assert consolidation_score(inputs(graph)) == pytest.approx(40.0)
    assert consolidation_score(inputs(graph, {**WEIGHTS, "site_link": 0.0})) == pytest.approx(50.0)
    assert consolidation_score(inputs(None)) is None
    unknown_only = small_graph(("site", "github", "same_as", EdgeState.UNKNOWN))
    assert consolidation_score(inputs(unknown_only)) is None
    assert compute_scores(inputs(graph)).consolidation == pytest.approx(40.0)


def test_missing_edges_become_recommendations_with_their_gain() -> None:
    graph = small_graph(
        ("github", "site", "link_back", EdgeState.MISSING),
        ("site", "github", "rel_me", EdgeState.ONE_WAY),
        ("mastodon", "site", "mastodon_verified", EdgeState.MISSING),
    )
    graph = replace(graph, nodes=(*graph.nodes, GraphNode("mastodon", "profile", "https://m.example/@e", "mastodon")))
    recs = {r.id: r for r in recommend(inputs(graph), site_url=SITE)}
    # The profile's missing link is `add_site_link`, whose fix now also carries the consolidation gain.
    with_graph = recs["add_site_link:github"].impact
    without = {r.id: r for r in recommend(inputs(None), site_url=SITE)}["add_site_link:github"].impact
    assert with_graph > without
    assert "link_identity:link_back:github" not in recs
    mastodon = recs["link_identity:mastodon_verified:mastodon"]
    assert mastodon.impact > 0 and mastodon.params["url"] == "https://m.example/@e"


def sample_audit(graph: IdentityGraph | None) -> Audit:
    return Audit(
        person="Émilie",
        as_of=dt.date(2026, 1, 1),
        status=AuditStatus.COMPLETE,
        engines=(),
        results=(),
        profiles=(),
        site_checks=(),
        scores=Scores(50.0, 50.0, None, None, None, None, consolidation=40.0 if graph else None),
        recommendations=(),
        graph=graph,
    )


def test_the_graph_is_stored_and_an_old_audit_without_it_still_loads() -> None:
    audit = sample_audit(graph_of(page(HOME)))
    assert from_data(Audit, json.loads(json.dumps(to_data(audit)))) == audit
    old = to_data(sample_audit(None))
    del old["graph"]
    del old["scores"]["consolidation"]
    loaded = from_data(Audit, old)
    assert loaded.graph is None and loaded.scores.consolidation is None


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_drawing_is_inline_svg_and_says_each_state_in_words(lang: str) -> None:
    # The site did not answer: LinkedIn (behind its wall) cannot be checked from either side.
    graph = graph_of(Fetched.failure(SITE + "/", "timeout"), blog="", verified_at=None)
    svg = str(graph_svg(graph, lang))
    soup = BeautifulSoup(svg, "html.parser")
    root = soup.find("svg")
    assert root is not None and root.get("viewbox") and root.get("role") == "img"
    assert not soup.find("script") and "href" not in svg.replace("url(#g-arrow", "")
    words = {"en": ("one way", "cannot be checked"), "fr": ("dans un sens", "impossible à vérifier")}[lang]
    texts = " ".join(t.get_text() for t in soup.find_all("text"))
    assert words[0] in texts and words[1] in texts  # GitHub and Mastodon link one way; LinkedIn unknown
    assert [p.state for p in pairs(graph)] == [EdgeState.ONE_WAY, EdgeState.ONE_WAY, EdgeState.UNKNOWN]


def test_edge_reasons_are_worded_in_the_report_language() -> None:
    graph = graph_of(page("<html><body></body></html>"), blog="https://elsewhere.example")
    blog = edge(graph, "github", "site", "github_blog")
    assert edge_reason("fr", blog).text == "Le champ site web pointe ailleurs : https://elsewhere.example."
    assert edge_reason("en", blog).text == "The website field points elsewhere: https://elsewhere.example."


def test_a_page_the_user_labelled_is_drawn_but_not_scored_until_it_is_configured() -> None:
    graph = small_graph(("github", "site", "link_back", EdgeState.ONE_WAY))
    labelled = GraphNode("labelled:https://malt.example/e", "profile", "https://malt.example/e", origin="labelled")
    with_page = replace(
        graph,
        nodes=(*graph.nodes, labelled),
        edges=(*graph.edges, GraphEdge("site", labelled.id, "rel_me", EdgeState.MISSING)),
    )
    assert consolidation_score(inputs(with_page)) == consolidation_score(inputs(graph)) == pytest.approx(100.0)
    assert not [r for r in recommend(inputs(with_page), site_url=SITE) if r.rule == "link_identity"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_report_draws_the_graph_and_an_old_audit_without_one_still_renders(lang: str) -> None:
    from auditor.report.changes import compute_changes
    from auditor.report.html import render_html
    from tests.report.factories import SCORING, make_audit

    old = make_audit()
    assert old.graph is None
    page = render_html(old, [old], compute_changes(None, old), lang=lang, scoring=SCORING)
    assert 'id="graph"' not in page
    drawn = replace(old, graph=graph_of(page_of_home()), scores=replace(old.scores, consolidation=40.0))
    page = render_html(drawn, [drawn], compute_changes(None, drawn), lang=lang, scoring=SCORING)
    soup = BeautifulSoup(page, "lxml")
    section = soup.select_one("section#graph")
    assert section is not None and section.select_one("svg.graph") is not None
    assert drawn.graph is not None
    assert not section.select("script") and len(section.select("tbody tr")) == len(drawn.graph.edges)
    state = {"en": "both ways", "fr": "dans les deux sens"}[lang]
    assert state in section.get_text()
    method = soup.select_one("#methodology")
    assert method is not None and {"en": "Consolidation", "fr": "Consolidation"}[lang] in method.get_text()
    assert {"en": "JSON-LD sameAs", "fr": "sameAs JSON-LD"}[lang] in method.get_text()


def page_of_home() -> Fetched:
    return page(HOME)
