"""Google's Custom Search JSON API: `start`/`num`, `lr`/`gl`, positions from `startIndex`, Google's errors,
and the closing notice."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.engines.base import Locale
from auditor.engines.google_cse import ENDPOINT, GoogleCse, closing_notice, parse_response
from auditor.models import EngineStatus, Query
from auditor.net.fetched import Fetched
from tests.engines.fixtures import response

QUERY = Query("Noémie Gagnon")


@pytest.mark.parametrize(("locale", "lr", "gl"), [("fr-CA", "lang_fr", "ca"), ("en-US", "lang_en", "us")])
def test_request_in_cse_terms(locale: str, lr: str, gl: str) -> None:
    request = GoogleCse("secret", "cx123", Locale.parse(locale)).first_request(QUERY, 20)
    assert request.url == ENDPOINT
    assert (request.params["lr"], request.params["gl"]) == (lr, gl)
    assert (request.params["start"], request.params["num"]) == ("1", "10")
    assert (request.params["cx"], request.params["key"]) == ("cx123", "secret")


def test_pagination_by_one_based_start_up_to_91() -> None:
    engine = GoogleCse("k", "cx", Locale.parse("fr-CA"))
    page = parse_response(response("google_cse", "results.json"))
    second = engine.next_request(QUERY, page, engine.first_request(QUERY, 30), 10)
    assert second is not None and second.params["start"] == "11"
    last_allowed = engine.request_at(QUERY, 90)
    assert last_allowed.params["start"] == "91"
    assert engine.next_request(QUERY, page, last_allowed, 100) is None


def test_positions_follow_start_index() -> None:
    parsed = parse_response(response("google_cse", "results.json"))
    assert parsed.status is EngineStatus.OK
    assert [r.position for r in parsed.results] == list(range(11, 21))
    assert parsed.next_page is not None
    last = parse_response(response("google_cse", "last_page.json"))
    assert last.results[0].position == 31 and last.next_page is None


@pytest.mark.parametrize(
    ("name", "code", "status"),
    [
        ("error_key_400.json", 400, EngineStatus.AUTH_ERROR),
        ("error_forbidden.json", 403, EngineStatus.AUTH_ERROR),
        ("error_quota_403.json", 403, EngineStatus.QUOTA_EXHAUSTED),
        ("error_quota_day.json", 429, EngineStatus.QUOTA_EXHAUSTED),
        ("error_rate_minute.json", 429, EngineStatus.RATE_LIMITED),
        ("empty.json", 200, EngineStatus.EMPTY),
    ],
)
def test_statuses(name: str, code: int, status: EngineStatus) -> None:
    assert parse_response(response("google_cse", name, code)).status is status


def test_not_a_custom_search_answer() -> None:
    assert parse_response(Fetched.of_text('{"kind": "other"}')).status is EngineStatus.PARSE_FAILURE
    assert parse_response(Fetched.of_text("oops", status=500)).status is EngineStatus.NETWORK_ERROR


def test_closing_notice_before_and_after_the_date() -> None:
    assert "closes" in closing_notice(dt.date(2026, 11, 1)) and "2027-01-01" in closing_notice(dt.date(2026, 11, 1))
    assert "closed" in closing_notice(dt.date(2027, 1, 2))


def test_missing_key() -> None:
    refused = GoogleCse(None, "cx", Locale.parse("fr-CA")).unavailable()
    assert refused is not None and refused.detail.startswith("GOOGLE_CSE_KEY is not set")
