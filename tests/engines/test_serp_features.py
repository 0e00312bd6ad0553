"""The blocks beyond the organic results, read from each engine's answer (the project's own fixtures, in the
engines' documented shapes): what is read, and that odd shapes are skipped, never a crash."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auditor.engines import brave, serpapi, serper
from auditor.engines.features import MAX_ITEMS, brave_features, serpapi_features, serper_features
from auditor.models import EngineStatus, FeatureKind, SerpFeature
from auditor.net.fetched import Fetched

ORGANIC = [{"position": 1, "title": "Émilie Tremblay", "link": "https://emilietremblay.ca/", "snippet": "Architecte"}]


def kinds(features: tuple[SerpFeature, ...]) -> dict[FeatureKind, SerpFeature]:
    return {f.kind: f for f in features}


def answer(data: dict[str, Any], url: str = "") -> Fetched:
    return Fetched.of_text(json.dumps(data), url=url, headers={"content-type": "application/json"})


def test_serpapi_reads_every_block_of_a_google_answer() -> None:
    data = {
        "search_parameters": {"engine": "google", "q": "Émilie Tremblay"},
        "organic_results": ORGANIC,
        "knowledge_graph": {
            "title": "Émilie Tremblay",
            "type": "Architecte infonuagique",
            "description": "Pigiste à Montréal.",
            "source": {"name": "LinkedIn", "link": "https://www.linkedin.com/in/emilietremblay"},
            "website": "https://emilietremblay.ca/",
            "profiles": [{"name": "GitHub", "link": "https://github.com/etremblay"}, {"name": "broken"}],
        },
        "related_questions": [
            {"question": "Qui est Émilie Tremblay ?", "link": "https://emilietremblay.ca/a-propos"},
            {"question": "  "},
            "not an object",
        ],
        "ai_overview": {"references": [{"title": "Son site", "link": "https://emilietremblay.ca/"}, {"link": 3}]},
        "top_stories": [{"title": "Entrevue", "link": "https://journal.example/entrevue"}],
        "inline_images": [{"source": "https://photos.example/et", "link": "https://google.example/img"}],
        "inline_videos": [{"title": "Conférence", "link": "https://www.youtube.com/watch?v=x"}],
    }
    page = serpapi.parse_response(answer(data), ("google",))
    assert page.status is EngineStatus.OK
    found = kinds(page.features)
    panel = found[FeatureKind.KNOWLEDGE_PANEL]
    assert panel.title == "Émilie Tremblay"
    assert panel.description == "Architecte infonuagique · Pigiste à Montréal."
    assert [link.url for link in panel.links] == [
        "https://www.linkedin.com/in/emilietremblay",
        "https://emilietremblay.ca/",
        "https://github.com/etremblay",
    ]
    questions = found[FeatureKind.PEOPLE_ALSO_ASK]
    assert questions.questions == ("Qui est Émilie Tremblay ?",) and questions.count == 1
    assert [link.url for link in found[FeatureKind.AI_OVERVIEW].links] == ["https://emilietremblay.ca/"]
    assert found[FeatureKind.TOP_STORIES].count == 1
    assert found[FeatureKind.IMAGES].links[0].url == "https://photos.example/et"  # the page, not the image
    assert found[FeatureKind.VIDEOS].links[0].url == "https://www.youtube.com/watch?v=x"


def test_serpapi_overview_that_needs_a_second_request_is_still_shown() -> None:
    found = kinds(serpapi_features({"ai_overview": {"page_token": "abc"}}))
    assert found[FeatureKind.AI_OVERVIEW].links == ()


@pytest.mark.parametrize(
    "data",
    [
        {"knowledge_graph": "text"},
        {"knowledge_graph": {"description": "no title"}},
        {"knowledge_graph": {"title": 3}},
        {"related_questions": {"question": "not a list"}},
        {"ai_overview": []},
        {"ai_overview": {}},
        {"top_stories": [], "inline_images": None, "inline_videos": "x"},
    ],
)
def test_odd_shapes_are_skipped_never_a_crash(data: dict[str, Any]) -> None:
    assert serpapi_features(data) == ()
    assert serper_features({"knowledgeGraph": data.get("knowledge_graph"), "peopleAlsoAsk": None}) == ()
    assert brave_features({"infobox": data.get("knowledge_graph"), "faq": []}) == ()


def test_a_long_block_keeps_its_count_and_its_first_links() -> None:
    videos = [{"title": f"V{i}", "link": f"https://v.example/{i}"} for i in range(MAX_ITEMS + 5)]
    found = kinds(serpapi_features({"inline_videos": videos}))
    assert found[FeatureKind.VIDEOS].count == MAX_ITEMS + 5
    assert len(found[FeatureKind.VIDEOS].links) == MAX_ITEMS


def test_serper_reads_its_own_field_names() -> None:
    data = {
        "searchParameters": {"q": "Émilie Tremblay", "num": 10, "page": 1},
        "organic": ORGANIC,
        "knowledgeGraph": {
            "title": "Émilie Tremblay",
            "type": "Architecte",
            "website": "https://emilietremblay.ca/",
            "descriptionLink": "https://fr.wikipedia.org/wiki/x",
        },
        "peopleAlsoAsk": [{"question": "Où travaille-t-elle ?", "link": "https://emilietremblay.ca/"}],
        "topStories": [{"title": "Article", "link": "https://journal.example/a"}],
        "images": [{"title": "Portrait", "imageUrl": "https://i.example/p.jpg", "link": "https://photos.example/p"}],
        "videos": [{"title": "Balado", "link": "https://www.youtube.com/watch?v=y"}],
    }
    page = serper.parse_response(answer(data))
    found = kinds(page.features)
    assert set(found) == {
        FeatureKind.KNOWLEDGE_PANEL,
        FeatureKind.PEOPLE_ALSO_ASK,
        FeatureKind.TOP_STORIES,
        FeatureKind.IMAGES,
        FeatureKind.VIDEOS,
    }
    assert [link.url for link in found[FeatureKind.KNOWLEDGE_PANEL].links] == [
        "https://emilietremblay.ca/",
        "https://fr.wikipedia.org/wiki/x",
    ]
    assert found[FeatureKind.IMAGES].links[0].url == "https://photos.example/p"


def test_brave_reads_infobox_faq_news_and_videos() -> None:
    data = {
        "type": "search",
        "query": {"original": "Émilie Tremblay", "more_results_available": False},
        "web": {"results": [{"title": "Émilie Tremblay", "url": "https://emilietremblay.ca/", "description": ""}]},
        "infobox": {
            "type": "graph",
            "results": [
                {
                    "title": "Émilie Tremblay",
                    "description": "Architecte infonuagique",
                    "url": "https://fr.wikipedia.org/wiki/x",
                    "profiles": [{"name": "GitHub", "url": "https://github.com/etremblay"}],
                }
            ],
        },
        "faq": {"results": [{"question": "Qui est-elle ?", "answer": "…", "url": "https://emilietremblay.ca/"}]},
        "news": {"results": [{"title": "Entrevue", "url": "https://journal.example/e"}]},
        "videos": {"results": [{"title": "Conférence", "url": "https://www.youtube.com/watch?v=z"}]},
    }
    page = brave.parse_response(answer(data, "https://api.search.brave.com/res/v1/web/search?count=20&offset=0"))
    found = kinds(page.features)
    panel = found[FeatureKind.KNOWLEDGE_PANEL]
    assert panel.description == "Architecte infonuagique"
    assert [link.url for link in panel.links] == ["https://fr.wikipedia.org/wiki/x", "https://github.com/etremblay"]
    assert found[FeatureKind.PEOPLE_ALSO_ASK].questions == ("Qui est-elle ?",)
    assert found[FeatureKind.TOP_STORIES].count == 1 and found[FeatureKind.VIDEOS].count == 1


def test_a_failed_answer_carries_no_block() -> None:
    data = {"error": "Invalid API key.", "knowledge_graph": {"title": "x"}}
    page = serpapi.parse_response(Fetched.of_text(json.dumps(data), status=401))
    assert page.status is EngineStatus.AUTH_ERROR and page.features == ()


GOOGLE_PAGE = """<html><body><div id="search"><div id="rso">
<div class="g kno-kp mnr-c g-blk"><div class="related-question-pair"><div role="button">Qui est-elle ?</div>
<div>Une réponse qui ne compte pas.</div></div></div>
<div class="g"><a href="/url?q=https://emilietremblay.ca/&amp;sa=U"><h3>Émilie Tremblay</h3></a></div>
</div></div>
<div id="rhs"><script>var x;</script><div class="kp-wholepage"><h2 data-attrid="title">Émilie Tremblay</h2>
<div data-attrid="subtitle">Architecte</div><a href="/url?q=https://emilietremblay.ca/&amp;sa=U">Site</a>
<a href="/search?q=autre">Autres recherches</a></div></div></body></html>"""

BING_PAGE = """<html><body><ol id="b_results">
<li class="b_ans"><div id="relatedQnAListDisplay"><div class="df_qntext">Qui est-elle ?</div></div></li>
<li class="b_algo"><h2><a href="https://emilietremblay.ca/">Émilie Tremblay</a></h2></li></ol>
<aside id="b_context"><div class="b_entityTP"><h2 class="b_entityTitle">Émilie Tremblay</h2>
<div class="b_entitySubTitle">Architecte</div><a href="https://www.bing.com/search?q=x">Plus</a>
<a href="https://github.com/etremblay">GitHub</a></div></aside></body></html>"""


@pytest.mark.parametrize(
    ("engine", "page"),
    [("browser_google", GOOGLE_PAGE), ("browser_bing", BING_PAGE)],
)
def test_rendered_pages_show_their_panel_and_questions(engine: str, page: str) -> None:
    from auditor.engines import registry

    parsed = registry.get(engine).parser(Fetched.of_text(page, url=f"https://www.{engine[8:]}.com/search?q=x"))
    assert parsed.status is EngineStatus.OK and len(parsed.results) == 1
    found = kinds(parsed.features)
    assert set(found) == {FeatureKind.KNOWLEDGE_PANEL, FeatureKind.PEOPLE_ALSO_ASK}
    panel = found[FeatureKind.KNOWLEDGE_PANEL]
    assert (panel.title, panel.description) == ("Émilie Tremblay", "Architecte")
    # The engine's own links (more searches) are not a source the panel cites.
    assert [link.url for link in panel.links] in (
        ["https://emilietremblay.ca/"],
        ["https://github.com/etremblay"],
    )
    assert found[FeatureKind.PEOPLE_ALSO_ASK].questions == ("Qui est-elle ?",)
