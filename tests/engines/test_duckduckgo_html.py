"""DuckDuckGo's HTML endpoint: requests, and parsing of the project's own recorded-shape fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.engines.base import EngineRequest
from auditor.engines.duckduckgo_html import ENDPOINT, DuckDuckGoHtml, parse_page, region_for_locale
from auditor.models import EngineStatus, ParsedPage, Query
from auditor.net.fetched import Fetched

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "duckduckgo_html"


def page(name: str, status: int = 200, headers: dict[str, str] | None = None) -> ParsedPage:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return parse_page(Fetched.of_text(text, status=status, headers=headers or {}, url=ENDPOINT))


def test_results_page_status_and_count() -> None:
    parsed = page("results.html")
    assert parsed.status is EngineStatus.OK
    assert len(parsed.results) == 10
    assert [r.position for r in parsed.results] == list(range(1, 11))


def test_results_are_unwrapped_and_the_ad_is_dropped() -> None:
    urls = [r.url for r in page("results.html").results]
    assert urls[:3] == [
        "https://emilietremblay.ca/",
        "https://ca.linkedin.com/in/emilietremblay?trk=public_profile_browsemap",
        "https://github.com/etremblay",
    ]
    assert urls[6] == "https://www.journal-exemple.ca/affaires/2025/04/nuage-pme.html?utm_source=rss&utm_medium=feed"
    assert not any("duckduckgo.com" in url for url in urls)
    assert not any("trouvezunexpert" in url for url in urls)


def test_titles_and_snippets_are_plain_text() -> None:
    results = page("results.html").results
    assert results[0].title == "Émilie Tremblay — Architecte infonuagique à Montréal"
    assert results[0].snippet == (
        "Conseil en architecture infonuagique pour PME québécoises : migration, sécurité & coûts. "
        "Réservez un appel avec Émilie."
    )
    assert results[2].title == "etremblay (Émilie Tremblay) · GitHub"
    assert results[6].snippet.startswith("« On ne migre pas pour migrer », dit Émilie Tremblay, architecte")
    assert results[5].snippet.endswith("vélo d'hiver.")
    assert all("<" not in r.title and "&amp;" not in r.title for r in results)
    assert results[0].sources == ()


def test_next_page_is_the_form_of_div_nav_link() -> None:
    parsed = page("results.html")
    assert parsed.next_page == {
        "q": "Émilie Tremblay",
        "s": "10",
        "nextParams": "",
        "v": "l",
        "o": "json",
        "dc": "11",
        "api": "d.js",
        "vqd": "4-118203944718260357261900817634451920037",
        "kl": "ca-fr",
    }


def test_middle_page_follows_next_not_previous() -> None:
    parsed = page("page2.html")
    assert parsed.status is EngineStatus.OK
    assert parsed.results[0].url == "https://speakerdeck.com/etremblay"
    assert parsed.next_page is not None
    assert parsed.next_page["s"] == "25"
    assert parsed.next_page["dc"] == "26"


def test_last_page_has_no_next_page() -> None:
    parsed = page("last_page.html")
    assert parsed.status is EngineStatus.OK
    assert len(parsed.results) == 2
    assert parsed.next_page is None


def test_last_page_with_only_a_previous_form_has_no_next_page() -> None:
    parsed = page("last_page_previous_only.html")
    assert len(parsed.results) == 2
    assert parsed.next_page is None


def test_no_results_page_is_empty() -> None:
    parsed = page("no_results.html")
    assert parsed.status is EngineStatus.EMPTY
    assert parsed.results == ()


def test_challenge_page_is_blocked() -> None:
    parsed = page("challenge.html")
    assert parsed.status is EngineStatus.BLOCKED
    assert "CAPTCHA" in parsed.detail


def test_http_202_is_blocked_whatever_the_body() -> None:
    parsed = page("results.html", status=202)
    assert parsed.status is EngineStatus.BLOCKED
    assert "202" in parsed.detail
    assert parsed.results == ()


def test_page_with_content_but_no_result_markup_is_a_parse_failure() -> None:
    parsed = page("changed_markup.html")
    assert parsed.status is EngineStatus.PARSE_FAILURE
    assert "markup" in parsed.detail


def test_empty_body_is_a_parse_failure() -> None:
    parsed = parse_page(Fetched.of_text("", url=ENDPOINT))
    assert parsed.status is EngineStatus.PARSE_FAILURE


def test_429_is_rate_limited_with_retry_after() -> None:
    parsed = page("results.html", status=429, headers={"retry-after": "30"})
    assert parsed.status is EngineStatus.RATE_LIMITED
    assert "Retry-After 30" in parsed.detail


def test_403_is_an_auth_error() -> None:
    assert page("results.html", status=403).status is EngineStatus.AUTH_ERROR


def test_500_is_a_network_error() -> None:
    parsed = page("results.html", status=500)
    assert parsed.status is EngineStatus.NETWORK_ERROR
    assert "500" in parsed.detail


def test_sponsored_block_without_ad_class_is_dropped_by_its_target() -> None:
    html = """<html><body><div class="results">
      <div class="result results_links web-result"><a class="result__a"
        href="https://duckduckgo.com/y.js?ad_domain=x.ca&amp;u3=https%3A%2F%2Fx.ca">Sponsored</a></div>
      <div class="result results_links web-result"><a class="result__a"
        href="//duckduckgo.com/l/?uddg=https%3A%2F%2Fexample.org%2Fa&amp;rut=ab">Organic</a>
        <a class="result__snippet" href="#">Text</a></div>
    </div></body></html>"""
    parsed = parse_page(Fetched.of_text(html, url=ENDPOINT))
    assert [(r.position, r.url, r.title) for r in parsed.results] == [(1, "https://example.org/a", "Organic")]


@pytest.mark.parametrize(("locale", "kl"), [("fr-CA", "ca-fr"), ("en-US", "us-en"), ("de-CH", "ch-de")])
def test_region_for_locale(locale: str, kl: str) -> None:
    assert region_for_locale(locale) == kl


def test_first_request_is_a_post_form_with_q_and_kl() -> None:
    engine = DuckDuckGoHtml(region_for_locale("fr-CA"))
    request = engine.first_request(Query("Émilie Tremblay"), 20)
    assert request.method == "POST"
    assert request.url == "https://html.duckduckgo.com/html/"
    assert request.form is not None
    assert request.form["q"] == "Émilie Tremblay"
    assert request.form["kl"] == "ca-fr"
    assert request.offset == 0
    assert engine.kind == "html"
    assert 202 in engine.rate_limit_statuses


def test_next_request_posts_the_next_page_form() -> None:
    engine = DuckDuckGoHtml("us-en")
    first = engine.first_request(Query("Émilie Tremblay"), 20)
    parsed = page("results.html")
    following = engine.next_request(Query("Émilie Tremblay"), parsed, first, 10)
    assert following is not None
    assert following.method == "POST"
    assert following.url == ENDPOINT
    assert following.form == dict(parsed.next_page or {})
    assert following.offset == 10


def test_no_next_request_after_the_last_page() -> None:
    engine = DuckDuckGoHtml("us-en")
    previous = EngineRequest("POST", ENDPOINT, form={"q": "x"})
    assert engine.next_request(Query("x"), page("last_page.html"), previous, 22) is None
