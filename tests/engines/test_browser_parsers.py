"""The browser engines' pure side: requests in Google's and Bing's own terms, and parsing of rendered pages
(organic blocks, wrapped links, ads, consent wall, /sorry/, Bing's challenge, markup changes)."""

from __future__ import annotations

import pytest

from auditor.engines.base import Locale
from auditor.engines.browser_bing import BrowserBing, unwrap_bing
from auditor.engines.browser_bing import parse_page as parse_bing
from auditor.engines.browser_google import BrowserGoogle
from auditor.engines.browser_google import parse_page as parse_google
from auditor.models import EngineStatus, Query
from auditor.net.fetched import Fetched
from tests.engines.fixtures import response

QUERY = Query("Noémie Gagnon")
GOOGLE = "https://www.google.com/search?q=No%C3%A9mie+Gagnon&hl=fr&gl=ca"


@pytest.mark.parametrize(("locale", "hl", "gl"), [("fr-CA", "fr", "ca"), ("en-US", "en", "us")])
def test_google_request_and_pages(locale: str, hl: str, gl: str) -> None:
    engine = BrowserGoogle(Locale.parse(locale))
    first = engine.first_request(QUERY, 30)
    assert engine.kind == "browser"
    assert dict(first.params) == {"q": "Noémie Gagnon", "hl": hl, "gl": gl}
    page = parse_google(response("browser_google", "results.html", url=GOOGLE))
    second = engine.next_request(QUERY, page, first, 10)
    assert second is not None and second.params["start"] == "10"


@pytest.mark.parametrize(("locale", "expected"), [("fr-CA", ("fr", "CA", "fr-CA")), ("en-US", ("en", "US", "en-US"))])
def test_bing_request_and_pages(locale: str, expected: tuple[str, str, str]) -> None:
    engine = BrowserBing(Locale.parse(locale))
    first = engine.first_request(QUERY, 20)
    assert (first.params["setlang"], first.params["cc"], first.params["mkt"]) == expected
    assert first.params["first"] == "1"
    page = parse_bing(response("browser_bing", "results.html"))
    second = engine.next_request(QUERY, page, first, 10)
    assert second is not None and second.params["first"] == "11"


def test_google_organic_results_unwrapped_without_ads_or_nested_blocks() -> None:
    parsed = parse_google(response("browser_google", "results.html", url=GOOGLE))
    assert parsed.status is EngineStatus.OK
    urls = [r.url for r in parsed.results]
    assert len(urls) == 10 and [r.position for r in parsed.results] == list(range(1, 11))
    assert urls[:3] == [
        "https://noemiegagnon.ca/",
        "https://noemiegagnon.ca/a-propos",
        "https://github.com/ngagnon-data",
    ]
    assert not any("/url?" in u or "google" in u for u in urls)  # `/url?q=` unwrapped, Google's own links dropped
    assert not any("pigistes-ti" in u for u in urls)  # the ad
    assert "https://noemiegagnon.ca/services" not in urls  # a sitelink belongs to its result
    first = parsed.results[0]
    assert first.title == "Noémie Gagnon — Conseillère en données à Québec"
    assert first.snippet.startswith("Noémie Gagnon accompagne")
    assert parsed.next_page is not None


def test_google_positions_follow_start_and_last_page_has_no_next() -> None:
    parsed = parse_google(response("browser_google", "last_page.html", url=GOOGLE + "&start=30"))
    assert parsed.results[0].position == 31
    assert parsed.next_page is None


@pytest.mark.parametrize(
    ("name", "status", "url", "words"),
    [
        ("consent.html", 200, "https://consent.google.com/ml?continue=x", "consent"),
        ("consent.html", 200, "", "consent"),  # a saved file: the form gives it away
        ("sorry.html", 429, "https://www.google.com/sorry/index?continue=x", "/sorry/"),
        ("sorry.html", 200, "", "/sorry/"),
        ("no_results.html", 200, GOOGLE, "no results"),
        ("changed_markup.html", 200, GOOGLE, "markup may have changed"),
    ],
)
def test_google_statuses(name: str, status: int, url: str, words: str) -> None:
    parsed = parse_google(response("browser_google", name, status, url=url))
    expected = {"no_results.html": EngineStatus.EMPTY, "changed_markup.html": EngineStatus.PARSE_FAILURE}
    assert parsed.status is expected.get(name, EngineStatus.BLOCKED)
    assert words in parsed.detail
    assert parsed.results == ()


def test_google_unusual_traffic_text_alone_is_blocked() -> None:
    page = "<html><body><p>Our systems have detected unusual traffic from your computer network.</p></body></html>"
    assert parse_google(Fetched.of_text(page, url=GOOGLE)).status is EngineStatus.BLOCKED


def test_google_empty_body_and_http_errors() -> None:
    assert parse_google(Fetched.of_text("", url=GOOGLE)).status is EngineStatus.PARSE_FAILURE
    assert parse_google(Fetched.of_text("<p>x</p>", status=503, url=GOOGLE)).status is EngineStatus.NETWORK_ERROR


def test_bing_organic_results_unwrapped_without_ads() -> None:
    parsed = parse_bing(response("browser_bing", "results.html"))
    assert parsed.status is EngineStatus.OK
    urls = [r.url for r in parsed.results]
    assert len(urls) == 10
    assert urls[0] == "https://ca.linkedin.com/in/noemiegagnon"
    assert not any("bing.com" in u or "pigistes-ti" in u for u in urls)
    assert parsed.results[1].title == "Noémie Gagnon — Conseillère en données à Québec"
    assert parsed.results[1].snippet.startswith("Noémie Gagnon accompagne")
    assert parsed.next_page is not None


def test_bing_statuses() -> None:
    assert parse_bing(response("browser_bing", "no_results.html")).status is EngineStatus.EMPTY
    challenge = parse_bing(response("browser_bing", "challenge.html"))
    assert challenge.status is EngineStatus.BLOCKED and "challenge" in challenge.detail
    changed = parse_bing(response("browser_bing", "changed_markup.html"))
    assert changed.status is EngineStatus.PARSE_FAILURE and "li.b_algo" in changed.detail
    turing = Fetched.of_text("<p>…</p>", url="https://www.bing.com/turing/captcha/challenge")
    assert parse_bing(turing).status is EngineStatus.BLOCKED


def test_bing_click_wrapper() -> None:
    wrapped = "https://www.bing.com/ck/a?!&&p=abc&u=a1aHR0cHM6Ly9ub2VtaWVnYWdub24uY2Ev&ntb=1"
    assert unwrap_bing(wrapped) == "https://noemiegagnon.ca/"
    assert unwrap_bing("https://www.bing.com/ck/a?u=zzz") == "https://www.bing.com/ck/a?u=zzz"
    assert unwrap_bing("https://example.com/ck/a?u=a1aHR0cHM6") == "https://example.com/ck/a?u=a1aHR0cHM6"
