"""slugify, safe_href and build_json: keys, nulls, messages in the report's language."""

from __future__ import annotations

import json

import pytest

from auditor.report.changes import compute_changes
from auditor.report.html import build_json, safe_href, slugify
from tests.report.factories import HOSTILE_URL, make_audit, make_failed


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Carl-Frédéric de Celles", "carl-frederic-de-celles"),
        ("Émilie Tremblay", "emilie-tremblay"),
        ("  O'Brien  &  Søn ", "o-brien-son"),
        ("../../etc/passwd", "etc-passwd"),
        ("Ægir Œuvre", "aegir-oeuvre"),
        ("李小龍", "person"),
        ("", "person"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    "url",
    ["https://example.com/", "http://example.com/a?b=c#d", "HTTPS://EXAMPLE.COM/x", " https://example.com/ "],
)
def test_safe_href_accepts_http(url: str) -> None:
    assert safe_href(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        HOSTILE_URL,
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/",
        "/relative",
        "https://",
        "https://example.com/?next=javascript:alert(1)",
        "https://exa\x00mple.com/",
        "",
        None,
        42,
    ],
)
def test_safe_href_refuses_everything_else(url: object) -> None:
    assert safe_href(url) is None


def test_build_json_keys_and_values() -> None:
    previous, audit = make_audit(1), make_audit(2, hostile=True)
    data = build_json(audit, compute_changes(previous, audit), lang="en")
    json.dumps(data, allow_nan=False)  # serialisable as is, no NaN
    assert data["status"] == "complete"
    assert data["as_of"] == "2026-05-01"
    assert data["person"] == "Émilie Tremblay"
    assert set(data["engines"][0]) >= {"name", "status", "detail"}
    assert set(data["results"][0]) >= {"engine", "query", "position", "url", "title", "snippet", "network", "ownership"}
    profile = data["profiles"][0]
    assert set(profile) >= {"network", "url", "best_position", "linkback"}
    assert set(profile["linkback"]) >= {"verdict", "reason", "evidence", "source", "nofollow"}
    assert set(data["site"]["checks"][0]) == {"id", "passed", "detail", "detail_code", "detail_params"}
    assert data["site"]["checks"][0]["detail_code"] == "served_from"
    assert set(profile["linkback"]) >= {"reason_code", "reason_params"}
    linkedin = next(p for p in data["profiles"] if p["network"] == "linkedin")
    assert linkedin["linkback"]["reason_code"] == "login_wall"
    assert linkedin["linkback"]["reason"].startswith("HTTP 999")  # the English reason stays for the JSON
    sensitive = next(r for r in data["recommendations"] if r["rule"] == "sensitive_topics")
    assert sensitive["scored"] is False and sensitive["impact"] == 0.0
    assert all(r["scored"] for r in data["recommendations"] if r["rule"] != "sensitive_topics")
    assert set(data["scores"]) == {
        "overall",
        "visibility",
        "linkback",
        "site",
        "consistency",
        "namesake_pressure",
        "visibility_by_engine",
        "consolidation",
    }
    rec = data["recommendations"][0]
    assert set(rec) >= {"id", "priority", "impact", "message", "evidence"}
    assert [r["priority"] for r in data["recommendations"]] == sorted(r["priority"] for r in data["recommendations"])
    assert data["changes"]["has_previous"] is True
    # Hostile text is data in JSON: kept verbatim, escaped only where HTML is written.
    assert any(r["url"] == HOSTILE_URL for r in data["results"])


def test_build_json_keeps_none_as_null() -> None:
    data = build_json(make_failed(), compute_changes(None, make_failed()), lang="fr")
    assert data["status"] == "failed"
    assert all(v is None for k, v in data["scores"].items() if k != "visibility_by_engine")
    assert all(p["best_position"] is None for p in data["profiles"])
    text = json.dumps(data)
    assert '"overall": null' in text and '"overall": 0' not in text
    assert data["changes"] == {**data["changes"], "has_previous": False, "previous_as_of": None}


def test_build_json_nan_becomes_null() -> None:
    from dataclasses import replace

    audit = make_audit(2)
    audit = replace(audit, scores=replace(audit.scores, overall=float("nan")))
    assert build_json(audit, compute_changes(None, audit), lang="en")["scores"]["overall"] is None


def test_recommendation_messages_follow_the_language() -> None:
    audit = make_audit(0)
    en = {r["id"]: r["message"] for r in build_json(audit, compute_changes(None, audit), lang="en")["recommendations"]}
    fr = {r["id"]: r["message"] for r in build_json(audit, compute_changes(None, audit), lang="fr")["recommendations"]}
    assert en["add_site_link:github"] == "Add a link to your site on your GitHub profile: it ranks #4 on DuckDuckGo."
    assert fr["add_site_link:github"].startswith("Ajoutez un lien vers votre site sur votre profil GitHub")
    assert "Speaker Deck" in en["add_site_link:speakerdeck"] and "#" not in en["add_site_link:speakerdeck"]
    assert en["fix_site_check:rel_me"].startswith(
        'Add a rel="me" link from your site to each of your profiles (missing: GitHub, Malt)'
    )
    assert fr["fix_site_check:rel_me"].startswith('Ajoutez sur votre site un lien rel="me"')
    assert "31%" in en["namesake_pressure"] and "31\u00a0%" in fr["namesake_pressure"]
    assert "log in" in en["check_by_hand:linkedin"] and "connectez-vous" in fr["check_by_hand:linkedin"]
    assert en["some_future_rule:x"] == "some_future_rule:x"  # unknown rule: the id, not nothing


@pytest.mark.parametrize(
    ("rule", "params", "expected"),
    [
        (
            "fix_wrong_target",
            {
                "network": "malt",
                "url": "https://www.malt.ca/profile/x",
                "target": "https://emilietremblay.ca/",
                "reason": "links to the old domain",
            },
            # An audit stored before reasons had codes: its English reason is quoted as recorded.
            "Your Malt profile links to the wrong place. Links to the old domain. Point that link at "
            "https://emilietremblay.ca/.",
        ),
        ("fix_site_check", {"check": "https", "detail": ""}, "Fix your site: Served over HTTPS."),
        (
            "confirm_probable_profile",
            {"url": "https://a.example/me", "network": ""},
            "https://a.example/me looks like one",
        ),
        ("profile_missing", {"network": "github"}, "Your GitHub profile (?) is not in the first ? results"),
    ],
)
def test_message_variants_never_leave_an_empty_slot(rule: str, params: dict[str, str], expected: str) -> None:
    from auditor.report.advice import recommendation_message

    assert recommendation_message("en", rule, params, "fallback").startswith(expected)
    assert recommendation_message("fr", rule, params, "fallback") != recommendation_message("en", rule, params, "x")


def test_stored_audits_keep_their_codes_and_older_ones_load_without() -> None:
    from auditor.models import Audit, LinkBack, SiteCheck
    from auditor.store.serialize import from_data, to_data

    audit = make_audit(2, hostile=True)
    again = from_data(Audit, json.loads(json.dumps(to_data(audit))))
    assert again.profiles == audit.profiles and again.site_checks == audit.site_checks
    assert again.recommendations == audit.recommendations
    # An audit stored before issue 6 has no codes: it loads with empty ones, and the report words its English.
    old = from_data(LinkBack, {"verdict": "linked", "reason": "links to https://x.ca/", "evidence": ""})
    assert (old.reason_code, dict(old.reason_params)) == ("", {})
    assert from_data(SiteCheck, {"id": "https", "passed": True, "detail": "served from x"}).detail_code == ""


def test_a_long_name_has_a_bounded_slug_of_its_own() -> None:
    first, second = "Jean " + "Tremblay " * 40 + "A", "Jean " + "Tremblay " * 40 + "B"
    assert len(slugify(first)) <= 60 and len(slugify(second)) <= 60
    assert slugify(first) != slugify(second)
    assert slugify(first).startswith("jean-tremblay-tremblay")
