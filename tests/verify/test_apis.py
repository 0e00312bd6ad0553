"""Profile APIs: the request for each network, and each answer parsed into data, a problem or a fallback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.verify.apis import ApiAnswer, ApiCall, api_call, is_api_url, parse_api

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profile_apis"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def call(network: str, handle: str, url: str = "") -> ApiCall:
    found = api_call(network, handle, url or f"https://mastodon.social/@{handle}")
    assert found is not None
    return found


def parse(
    source_call: ApiCall, status: int, body: str | dict[str, Any], headers: dict[str, str] | None = None
) -> ApiAnswer:
    text = body if isinstance(body, str) else json.dumps(body)
    return parse_api(source_call, status, headers or {"Content-Type": "application/json"}, text)


GITHUB = call("github", "ngagnon", "https://github.com/ngagnon")
MASTODON = call("mastodon", "ngagnon", "https://mastodon.social/@ngagnon")
STACK = call("stackoverflow", "4242", "https://stackoverflow.com/users/4242/noemie-gagnon")
BLUESKY = call("bluesky", "ngagnon.bsky.social", "https://bsky.app/profile/ngagnon.bsky.social")


def test_requests_per_network() -> None:
    assert GITHUB.url == "https://api.github.com/users/ngagnon"
    assert GITHUB.headers["Accept"] == "application/vnd.github+json"
    assert MASTODON.url == "https://mastodon.social/api/v1/accounts/lookup?acct=ngagnon"
    assert call("mastodon", "ngagnon", "https://fosstodon.org/@ngagnon").url.startswith("https://fosstodon.org/api/")
    assert STACK.url == "https://api.stackexchange.com/2.3/users/4242?site=stackoverflow"
    assert BLUESKY.url.endswith("/xrpc/app.bsky.actor.getProfile?actor=ngagnon.bsky.social")
    assert BLUESKY.url.startswith("https://public.api.bsky.app/")
    assert api_call("linkedin", "noemiegagnon", "https://www.linkedin.com/in/noemiegagnon") is None
    assert api_call("github", None, "https://github.com/") is None
    assert api_call("stackoverflow", "not-a-number", "https://stackoverflow.com/users/x") is None
    assert {is_api_url(c.url) for c in (GITHUB, MASTODON, STACK, BLUESKY)} == {
        "api:github",
        "api:mastodon",
        "api:stackexchange",
        "api:bluesky",
    }
    assert is_api_url("https://github.com/ngagnon") is None


# -- GitHub ------------------------------------------------------------------------------------------------


def test_github_blog_bio_name_and_account() -> None:
    answer = parse(GITHUB, 200, fixture("github_user.json"))
    assert answer.data is not None and not answer.problem and not answer.fallback
    blog, bio_link = answer.data.links
    assert blog.href == "https://noemiegagnon.ca"  # written without a scheme in the field
    assert blog.declared and blog.evidence == 'blog: "noemiegagnon.ca"'
    assert bio_link.href == "https://noemiegagnon.ca/blogue" and not bio_link.declared
    assert answer.data.display_name == "Noémie Gagnon"
    assert answer.data.headline is not None and answer.data.headline.startswith("Développeuse Python")
    assert answer.data.source == "api:github"
    assert answer.data.field == 'blog: "noemiegagnon.ca"'
    assert answer.account_url == "https://github.com/ngagnon"


def test_github_empty_blog_has_no_link_and_says_so() -> None:
    body = json.loads(fixture("github_user.json")) | {"blog": "", "bio": None}
    answer = parse(GITHUB, 200, body)
    assert answer.data is not None and answer.data.links == ()
    assert answer.data.field == 'blog: ""'


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1772000000"}),
        (429, {"Retry-After": "60"}),
    ],
)
def test_github_rate_limit_falls_back_to_the_page(status: int, headers: dict[str, str]) -> None:
    answer = parse(GITHUB, status, fixture("github_rate_limited.json"), headers)
    assert answer.data is None and not answer.problem
    assert "rate limit" in answer.fallback


def test_github_other_403_falls_back_with_its_message() -> None:
    answer = parse(GITHUB, 403, {"message": "Repository access blocked"}, {"X-RateLimit-Remaining": "41"})
    assert answer.fallback == "the GitHub API answered HTTP 403: Repository access blocked"


def test_github_404_is_a_problem_not_a_fallback() -> None:
    answer = parse(GITHUB, 404, fixture("github_not_found.json"))
    assert answer.data is None and not answer.fallback
    assert "no account ngagnon" in answer.problem and "404" in answer.problem


def test_github_answer_for_another_login_is_another_account() -> None:
    body = json.loads(fixture("github_user.json")) | {
        "login": "someone-else",
        "html_url": "https://github.com/someone-else",
    }
    answer = parse(GITHUB, 200, body)
    assert "redirects to another account (https://github.com/someone-else)" in answer.problem
    assert answer.account_url == "https://github.com/someone-else"


@pytest.mark.parametrize("body", ["<html>Unicorn!</html>", "", '{"login": 3', "[]"])
def test_github_unreadable_answers_fall_back(body: str) -> None:
    answer = parse(GITHUB, 200 if body != "" else 502, body)
    assert answer.data is None and answer.fallback and not answer.problem


def test_github_unknown_shape_falls_back_never_raises() -> None:
    answer = parse(GITHUB, 200, {"id": 1})  # no `login`
    assert answer.fallback.startswith("unexpected answer from the GitHub API")


# -- Mastodon ----------------------------------------------------------------------------------------------


def test_mastodon_fields_with_verified_at_and_note_links() -> None:
    answer = parse(MASTODON, 200, fixture("mastodon_account.json"))
    assert answer.data is not None
    site, github, note = answer.data.links
    assert site.href == "https://noemiegagnon.ca"
    assert site.verified_at == "2026-01-09T14:02:51.337+00:00"
    assert site.nofollow and site.declared
    assert 'field "Site"' in site.evidence and "verified_at: 2026-01-09" in site.evidence
    assert github.href == "https://github.com/ngagnon" and github.verified_at is None
    assert note.href == "https://noemiegagnon.ca/blogue" and not note.declared
    assert answer.data.display_name == "Noémie Gagnon"
    assert answer.data.headline is not None and "<" not in answer.data.headline
    assert '"Pronoms": elle' in answer.data.field


def test_mastodon_field_written_without_a_link_still_counts() -> None:
    body = json.loads(fixture("mastodon_account.json")) | {
        "fields": [{"name": "Site", "value": "noemiegagnon.ca", "verified_at": None}]
    }
    answer = parse(MASTODON, 200, body)
    assert answer.data is not None
    assert answer.data.links[0].href == "https://noemiegagnon.ca"


def test_mastodon_errors() -> None:
    assert "no account @ngagnon" in parse(MASTODON, 404, fixture("mastodon_not_found.json")).problem
    assert "gone" in parse(MASTODON, 410, {"error": "Gone"}).problem
    limited = parse(MASTODON, 429, {"error": "Too many requests"})
    assert limited.fallback == "the Mastodon API answered HTTP 429: Too many requests"
    account = json.loads(fixture("mastodon_account.json"))
    moved = parse(MASTODON, 200, account | {"moved": {"url": "https://fosstodon.org/@ngagnon"}})
    assert "moved to https://fosstodon.org/@ngagnon" in moved.problem
    other = parse(MASTODON, 200, account | {"username": "quelquun", "url": "https://mastodon.social/@quelquun"})
    assert "another account" in other.problem


# -- Stack Exchange ----------------------------------------------------------------------------------------


def test_stackexchange_website_url_and_escaped_name() -> None:
    answer = parse(STACK, 200, fixture("stackexchange_user.json"))
    assert answer.data is not None
    (link,) = answer.data.links
    assert link.href == "https://noemiegagnon.ca" and link.evidence == 'website_url: "https://noemiegagnon.ca"'
    assert answer.data.display_name == "Noémie Gagnon"  # the API sends `No&#233;mie`
    assert answer.data.headline is None  # about_me is not in the default filter
    assert answer.account_url == "https://stackoverflow.com/users/4242/noemie-gagnon"


def test_stackexchange_about_me_when_present_and_absent_website() -> None:
    user = json.loads(fixture("stackexchange_user.json"))["items"][0]
    del user["website_url"]
    user["about_me"] = "<p>Python <b>et</b> données</p>"
    answer = parse(STACK, 200, {"items": [user], "has_more": False})
    assert answer.data is not None and answer.data.links == ()
    assert answer.data.headline == "Python et données"
    assert answer.data.field == "website_url: (absent)"


def test_stackexchange_errors() -> None:
    assert "no user 4242" in parse(STACK, 200, {"items": [], "has_more": False}).problem
    throttled = parse(STACK, 400, fixture("stackexchange_throttled.json"))
    assert throttled.fallback.startswith("the Stack Exchange API refused: throttle_violation")


# -- Bluesky -----------------------------------------------------------------------------------------------


def test_bluesky_description_urls_written_as_text() -> None:
    answer = parse(BLUESKY, 200, fixture("bluesky_profile.json"))
    assert answer.data is not None
    assert [link.href for link in answer.data.links] == ["https://noemiegagnon.ca"]
    assert answer.data.links[0].evidence.startswith('description: "Python et données')
    assert answer.data.display_name == "Noémie Gagnon"
    assert answer.account_url == "https://bsky.app/profile/ngagnon.bsky.social"


def test_bluesky_errors() -> None:
    assert "no account ngagnon.bsky.social" in parse(BLUESKY, 400, fixture("bluesky_not_found.json")).problem
    gone = parse(BLUESKY, 400, {"error": "AccountDeactivated", "message": "Account is deactivated"})
    assert "deactivated" in gone.problem
    limited = parse(BLUESKY, 429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"})
    assert limited.fallback and not limited.problem
    other = parse(BLUESKY, 200, json.loads(fixture("bluesky_profile.json")) | {"handle": "autre.bsky.social"})
    assert "another account" in other.problem


def test_account_problems_carry_a_code_the_report_words() -> None:
    from auditor.verify.apis import api_call, parse_api
    from auditor.verify.evidence import Problem

    github = api_call("github", "etremblay", "https://github.com/etremblay")
    assert github is not None
    gone = parse_api(github, 404, {}, '{"message": "Not Found"}')
    assert isinstance(gone.problem, Problem) and gone.problem.code == "no_account"
    assert gone.problem.params == {"handle": "etremblay"} and "GitHub has no account" in gone.problem
    renamed = parse_api(github, 200, {}, '{"login": "someone", "html_url": "https://github.com/someone"}')
    assert isinstance(renamed.problem, Problem) and renamed.problem.code == "other_account"
    assert renamed.problem.params == {"url": "https://github.com/someone"}
