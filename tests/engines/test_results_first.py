"""Every parser reads results first: `empty` only with the engine's own no-results statement, `blocked` only
for a block page with no result, anything else without a result a `parse_failure`. Each page here would
have fooled a parser that looked for one class name, or for block words before reading any result."""

from __future__ import annotations

import pytest

from auditor.engines.base import Locale
from auditor.engines.browser_bing import parse_page as parse_bing
from auditor.engines.browser_google import parse_page as parse_google
from auditor.engines.duckduckgo_html import parse_page as parse_duckduckgo
from auditor.engines.serpapi import SerpApi
from auditor.engines.serpapi import parse_response as parse_serpapi
from auditor.models import EngineStatus
from auditor.net.fetched import Fetched
from tests.engines.fixtures import response, text

GOOGLE = "https://www.google.com/search?q=No%C3%A9mie+Gagnon&hl=fr&gl=ca"


def test_google_results_without_div_g_are_read_and_the_related_searches_card_is_no_zero() -> None:
    parsed = parse_google(response("browser_google", "results_without_div_g.html", url=GOOGLE))
    assert parsed.status is EngineStatus.OK
    assert [r.position for r in parsed.results] == list(range(1, 10))
    assert parsed.results[0].url == "https://noemiegagnon.ca/"
    assert parsed.results[-1].url == "https://www.obnl-quebec.example/partenaires"
    assert parsed.results[3].title == "Résultat 4 — Noémie Gagnon"
    assert parsed.results[3].snippet == "Extrait 4 sur Noémie Gagnon."
    assert parsed.next_page is not None


def test_google_older_li_g_page_with_the_link_inside_its_heading() -> None:
    parsed = parse_google(response("browser_google", "results_li_g.html", url=GOOGLE))
    assert parsed.status is EngineStatus.OK
    assert [r.url for r in parsed.results] == [
        "https://noemiegagnon.ca/",
        "https://github.com/ngagnon-data",
        "https://www.linkedin.com/in/noemiegagnon",
        "https://www.lesoleil.example/donnees-obnl",
    ]
    assert parsed.results[1].snippet == "Ancien extrait 2 : Noémie Gagnon, données."


def test_google_snippet_quoting_the_block_wording_is_a_good_page() -> None:
    parsed = parse_google(response("browser_google", "results_quoting_block.html", url=GOOGLE))
    assert parsed.status is EngineStatus.OK and len(parsed.results) == 9
    assert "unusual traffic" in parsed.results[2].snippet


def test_google_drifted_markup_with_a_related_searches_card_is_a_parse_failure_not_empty() -> None:
    parsed = parse_google(response("browser_google", "drifted_with_related.html", url=GOOGLE))
    assert parsed.status is EngineStatus.PARSE_FAILURE
    assert parsed.detail.startswith("browser_google:") and "markup may have changed" in parsed.detail


def test_google_page_of_only_ads_is_a_parse_failure() -> None:
    parsed = parse_google(response("browser_google", "ads_only.html", url=GOOGLE))
    assert parsed.status is EngineStatus.PARSE_FAILURE and parsed.results == ()


def test_google_truncated_page_keeps_what_was_read() -> None:
    whole = text("browser_google", "results_without_div_g.html")
    cut = whole[: whole.index("Résultat 5")]
    parsed = parse_google(Fetched.of_text(cut, status=200, url=GOOGLE))
    assert parsed.status is EngineStatus.OK and len(parsed.results) == 4


@pytest.mark.parametrize(
    ("engine", "name"),
    [("browser_google", "results_without_div_g.html"), ("browser_bing", "results_quoting_block.html")],
)
def test_another_engines_page_is_never_empty(engine: str, name: str) -> None:
    other = parse_bing if engine == "browser_google" else parse_google
    assert other(response(engine, name)).status is EngineStatus.PARSE_FAILURE
    assert parse_duckduckgo(response(engine, name)).status is EngineStatus.PARSE_FAILURE


def test_bing_snippet_quoting_one_last_step_is_a_good_page() -> None:
    parsed = parse_bing(response("browser_bing", "results_quoting_block.html"))
    assert parsed.status is EngineStatus.OK and len(parsed.results) == 4
    assert "One last step" in parsed.results[1].snippet


def test_bing_title_inside_its_link_without_li_b_algo() -> None:
    parsed = parse_bing(response("browser_bing", "results_new_layout.html"))
    assert parsed.status is EngineStatus.OK
    assert [r.url for r in parsed.results] == [
        "https://noemiegagnon.ca/",
        "https://github.com/ngagnon-data",
        "https://ca.linkedin.com/in/noemiegagnon",
    ]
    assert parsed.results[0].title == "Résultat 1 — Noémie Gagnon"
    assert parsed.results[0].snippet == "Extrait 1 sur Noémie Gagnon."
    assert parsed.next_page is not None


def test_bing_page_of_only_ads_is_a_parse_failure() -> None:
    parsed = parse_bing(response("browser_bing", "ads_only.html"))
    assert parsed.status is EngineStatus.PARSE_FAILURE and parsed.detail.startswith("browser_bing:")


def test_duckduckgo_results_count_before_the_status_code_says_anything_else() -> None:
    page = text("duckduckgo_html", "results.html")
    assert parse_duckduckgo(Fetched.of_text(page, status=200)).status is EngineStatus.OK
    assert parse_duckduckgo(Fetched.of_text(page, status=202)).status is EngineStatus.BLOCKED


def test_serpapi_answer_from_another_serpapi_engine_is_refused() -> None:
    parsed = parse_serpapi(response("serpapi", "scholar_results.json"))
    assert parsed.status is EngineStatus.PARSE_FAILURE and parsed.results == ()
    assert "google_scholar" in parsed.detail


def test_serpapi_answer_is_checked_against_the_engine_that_was_asked() -> None:
    asked_bing = SerpApi("key", Locale.parse("fr-CA"), "bing")
    parsed = asked_bing.parse(response("serpapi", "google_results.json"))
    assert parsed.status is EngineStatus.PARSE_FAILURE and "'bing'" in parsed.detail
    asked_google = SerpApi("key", Locale.parse("fr-CA"), "google")
    assert asked_google.parse(response("serpapi", "google_results.json")).status is EngineStatus.OK


def test_serpapi_ranks_follow_the_order_on_the_page() -> None:
    parsed = parse_serpapi(response("serpapi", "google_position_gaps.json"))
    assert [r.position for r in parsed.results] == [1, 2, 3, 4]


def test_serpapi_answer_without_organic_results_is_no_zero_unless_serpapi_says_empty() -> None:
    assert parse_serpapi(response("serpapi", "google_no_organic.json")).status is EngineStatus.PARSE_FAILURE
    assert parse_serpapi(response("serpapi", "empty.json")).status is EngineStatus.EMPTY
