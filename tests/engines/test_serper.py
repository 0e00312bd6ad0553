"""Serper: POST JSON with the key in a header; pagination by `page`, locale by `gl`/`hl`, statuses."""

from __future__ import annotations

import pytest

from auditor.engines.base import Locale
from auditor.engines.serper import ENDPOINT, Serper, parse_response
from auditor.models import EngineStatus, Query
from auditor.net.fetched import Fetched
from tests.engines.fixtures import response

QUERY = Query("Noémie Gagnon")


def test_request_is_a_json_post_with_the_key_in_a_header() -> None:
    request = Serper("secret", Locale.parse("fr-CA")).first_request(QUERY, 20)
    assert (request.method, request.url) == ("POST", ENDPOINT)
    assert request.json_body == {"q": "Noémie Gagnon", "gl": "ca", "hl": "fr", "num": 10, "page": 1}
    assert request.headers["X-API-KEY"] == "secret"
    assert not request.params


@pytest.mark.parametrize(("locale", "gl", "hl"), [("fr-CA", "ca", "fr"), ("en-US", "us", "en")])
def test_locale_in_serper_terms(locale: str, gl: str, hl: str) -> None:
    body = Serper("k", Locale.parse(locale)).first_request(QUERY, 10).json_body
    assert body is not None and (body["gl"], body["hl"]) == (gl, hl)


def test_next_page_while_pages_are_full() -> None:
    engine = Serper("k", Locale.parse("fr-CA"))
    first = engine.first_request(QUERY, 30)
    full = parse_response(response("serper", "results.json"))
    second = engine.next_request(QUERY, full, first, 10)
    assert second is not None and second.json_body is not None and second.json_body["page"] == 2
    assert second.offset == 10
    body = '{"searchParameters": {"num": 10, "page": 3}, "organic": [{"title": "t", "link": "https://a.example/"}]}'
    short = parse_response(Fetched.of_text(body))
    assert engine.next_request(QUERY, short, second, 21) is None


def test_results_with_positions_from_the_echoed_page() -> None:
    parsed = parse_response(response("serper", "results.json"))
    assert parsed.status is EngineStatus.OK
    assert len(parsed.results) == 10
    assert parsed.results[0].position == 11
    assert parsed.results[0].url == "https://www.exemple-05.example/gagnon"


def test_empty_and_errors() -> None:
    assert parse_response(response("serper", "empty.json")).status is EngineStatus.EMPTY
    assert parse_response(response("serper", "error_403.json", 403)).status is EngineStatus.AUTH_ERROR
    credits = parse_response(response("serper", "error_credits.json", 400))
    assert credits.status is EngineStatus.QUOTA_EXHAUSTED and "credits" in credits.detail
    limited = parse_response(Fetched.of_text('{"message": "Too many requests", "statusCode": 429}', status=429))
    assert limited.status is EngineStatus.RATE_LIMITED
    assert parse_response(Fetched.of_text("[]")).status is EngineStatus.PARSE_FAILURE
    assert parse_response(Fetched.of_text('{"items": []}')).status is EngineStatus.PARSE_FAILURE


def test_missing_key() -> None:
    refused = Serper(None, Locale.parse("fr-CA"), key_env="SERPER_KEY").unavailable()
    assert refused is not None and refused.detail.startswith("SERPER_KEY is not set")
