"""Mojeek: `s`/`t` pagination, `lb`/`rb` boosts, the `response` envelope and its ERROR statuses."""

from __future__ import annotations

import pytest

from auditor.engines.base import Locale
from auditor.engines.mojeek import ENDPOINT, Mojeek, parse_response
from auditor.models import EngineStatus, Query
from auditor.net.fetched import Fetched
from tests.engines.fixtures import response

QUERY = Query("Noémie Gagnon")


@pytest.mark.parametrize(("locale", "lb", "rb"), [("fr-CA", "FR", "CA"), ("en-US", "EN", "US")])
def test_request_in_mojeek_terms(locale: str, lb: str, rb: str) -> None:
    request = Mojeek("secret", Locale.parse(locale)).first_request(QUERY, 20)
    assert request.url == ENDPOINT
    assert dict(request.params) == {
        "q": "Noémie Gagnon",
        "fmt": "json",
        "s": "1",
        "t": "10",
        "lb": lb,
        "rb": rb,
        "api_key": "secret",
    }


def test_pagination_by_start() -> None:
    engine = Mojeek("k", Locale.parse("fr-CA"))
    first = engine.first_request(QUERY, 30)
    page = parse_response(response("mojeek", "results.json"))
    assert page.next_page is not None  # 32 results in all, 10 returned
    second = engine.next_request(QUERY, page, first, 10)
    assert second is not None and second.params["s"] == "11"


def test_results() -> None:
    parsed = parse_response(response("mojeek", "results.json"))
    assert parsed.status is EngineStatus.OK
    assert len(parsed.results) == 10
    assert parsed.results[0].position == 1
    assert parsed.results[0].snippet.startswith("Mention numéro 26")


def test_statuses() -> None:
    assert parse_response(response("mojeek", "empty.json")).status is EngineStatus.EMPTY
    key = parse_response(response("mojeek", "error_key.json"))
    assert key.status is EngineStatus.AUTH_ERROR and "Invalid API key" in key.detail
    limit = parse_response(response("mojeek", "error_limit.json"))
    assert limit.status is EngineStatus.QUOTA_EXHAUSTED and "Daily Limit Reached" in limit.detail
    busy = parse_response(Fetched.of_text('{"response": {"status": "ERROR: Too many requests"}}', status=429))
    assert busy.status is EngineStatus.RATE_LIMITED
    assert parse_response(Fetched.of_text('{"status": "OK"}')).status is EngineStatus.PARSE_FAILURE
    assert parse_response(Fetched.of_text("", status=502)).status is EngineStatus.NETWORK_ERROR


def test_missing_key() -> None:
    refused = Mojeek(None, Locale.parse("fr-CA")).unavailable()
    assert refused is not None and refused.detail.startswith("MOJEEK_API_KEY is not set")
