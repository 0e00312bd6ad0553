"""Recommendations: each rule fires in its situation only; impacts are counterfactual; most impactful first."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.config import DEFAULT_CTR
from auditor.models import (
    ClassifiedResult,
    Inconsistency,
    LinkBack,
    Ownership,
    ProfileCheck,
    Recommendation,
    SiteCheck,
    Verdict,
)
from auditor.report.advice import recommendation_message
from auditor.report.i18n import network_label
from auditor.scoring.recommend import NAMESAKE_PRESSURE_THRESHOLD, recommend
from auditor.scoring.scores import ScoreInputs, compute_scores

SITE = "https://emilietremblay.ca"
Q = "Émilie Tremblay"
WEIGHTS = {"visibility": 0.45, "linkback": 0.30, "site": 0.15, "consistency": 0.10}


def result(position: int, ownership: Ownership, url: str, profile: str | None = None) -> ClassifiedResult:
    return ClassifiedResult("ddg", Q, position, url, url, "t", "s", None, ownership, profile)


def profile(network: str, verdict: Verdict, best: int | None, reason: str = "r") -> ProfileCheck:
    return ProfileCheck(network, f"https://{network}.example/etremblay", LinkBack(verdict, reason, "<a>"), best)


def base(**changes: object) -> ScoreInputs:
    """The site ranks first; github ranks third and does not link back; everything else is fine."""
    inputs = ScoreInputs(
        results=(
            result(1, Ownership.SITE, SITE + "/"),
            result(3, Ownership.PROFILE, "https://github.com/etremblay", "github"),
            result(5, Ownership.PROFILE, "https://x.com/emilie_tremblay", "x"),
        ),
        succeeded=(("ddg", Q),),
        profiles=(profile("github", Verdict.NOT_LINKED, 3), profile("x", Verdict.LINKED, 5)),
        site_checks=(SiteCheck("https", True), SiteCheck("canonical", True)),
        site_measured=True,
        depth=20,
        ctr=DEFAULT_CTR,
        weights=WEIGHTS,
        names=(Q,),
    )
    return replace(inputs, **changes)  # type: ignore[arg-type]


def rules(recs: tuple[Recommendation, ...]) -> list[str]:
    return [r.id for r in recs]


def by_id(recs: tuple[Recommendation, ...], rec_id: str) -> Recommendation:
    return next(r for r in recs if r.id == rec_id)


def overall(inputs: ScoreInputs) -> float:
    value = compute_scores(inputs).overall
    assert value is not None
    return value


def test_nothing_to_do() -> None:
    inputs = base(profiles=(profile("github", Verdict.LINKED, 3), profile("x", Verdict.LINKED, 5)))
    assert recommend(inputs, site_url=SITE) == ()


def test_add_site_link_fires_for_a_profile_without_link_and_its_impact_is_counterfactual() -> None:
    inputs = base()
    recs = recommend(inputs, site_url=SITE)
    assert rules(recs) == ["add_site_link:github"]
    rec = recs[0]
    assert rec.rule == "add_site_link"
    assert rec.priority == 1
    assert rec.params["network"] == "github"
    assert rec.params["position"] == "3"
    assert rec.params["engine"] == "ddg"
    assert rec.evidence == "<a>"
    fixed = replace(inputs, profiles=(profile("github", Verdict.LINKED, 3), profile("x", Verdict.LINKED, 5)))
    assert rec.impact > 0
    assert rec.impact == round(overall(fixed) - overall(inputs), 1)


def test_add_site_link_for_a_profile_that_does_not_rank_has_no_impact_while_others_rank() -> None:
    inputs = base(profiles=(*base().profiles, profile("mastodon", Verdict.NOT_LINKED, None)))
    recs = recommend(inputs, site_url=SITE)
    assert by_id(recs, "add_site_link:mastodon").impact == 0.0
    assert by_id(recs, "add_site_link:github").impact > 0


def test_fix_wrong_target() -> None:
    inputs = base(
        profiles=(profile("github", Verdict.WRONG_TARGET, 3, "links to your former site"), base().profiles[1])
    )
    recs = recommend(inputs, site_url=SITE)
    assert rules(recs) == ["fix_wrong_target:github"]
    assert recs[0].params["reason"] == "links to your former site"
    assert recs[0].params["target"] == SITE
    assert recs[0].impact == by_id(recommend(base(), site_url=SITE), "add_site_link:github").impact


def test_check_by_hand_for_unverifiable_has_no_impact() -> None:
    inputs = base(
        profiles=(profile("github", Verdict.LINKED, 3), profile("x", Verdict.UNVERIFIABLE, 5, "HTTP 999 (login wall)"))
    )
    recs = recommend(inputs, site_url=SITE)
    assert rules(recs) == ["check_by_hand:x"]
    assert recs[0].impact == 0.0
    assert recs[0].params["reason"] == "HTTP 999 (login wall)"


def test_profile_missing_fires_for_a_profile_that_does_not_rank() -> None:
    linked_missing = profile("mastodon", Verdict.LINKED, None)
    inputs = base(profiles=(profile("github", Verdict.LINKED, 3), profile("x", Verdict.LINKED, 5), linked_missing))
    recs = recommend(inputs, site_url=SITE)
    assert rules(recs) == ["profile_missing:mastodon"]
    rec = recs[0]
    assert rec.params["depth"] == "20"
    # By hand: the profile enters at position 10 of every succeeded query.
    entry = result(10, Ownership.PROFILE, linked_missing.url, "mastodon")
    fixed = replace(
        inputs,
        results=(*inputs.results, entry),
        profiles=(*inputs.profiles[:2], replace(linked_missing, best_position=10)),
    )
    assert rec.impact > 0
    assert rec.impact == round(overall(fixed) - overall(inputs), 1)


def test_no_profile_missing_and_no_site_missing_when_no_engine_succeeded() -> None:
    inputs = base(succeeded=(), profiles=(profile("mastodon", Verdict.LINKED, None),), results=())
    recs = recommend(inputs, site_url=SITE)
    assert not any(r.rule in ("profile_missing", "site_missing") for r in recs)


def test_site_missing_fires_only_when_the_site_does_not_rank() -> None:
    assert "site_missing:site" not in rules(recommend(base(), site_url=SITE))
    inputs = base(results=base().results[1:])
    recs = recommend(inputs, site_url=SITE)
    rec = by_id(recs, "site_missing:site")
    entry = result(1, Ownership.SITE, SITE)
    assert rec.impact > 0
    assert rec.impact == round(overall(replace(inputs, results=(*inputs.results, entry))) - overall(inputs), 1)
    assert rec.params["url"] == SITE


def test_fix_site_check_fires_per_failing_check() -> None:
    checks = (SiteCheck("https", True), SiteCheck("canonical", False, "no canonical link"), SiteCheck("rel_me", False))
    inputs = base(site_checks=checks, profiles=(profile("github", Verdict.LINKED, 3),))
    recs = recommend(inputs, site_url=SITE)
    assert sorted(rules(recs)) == ["fix_site_check:canonical", "fix_site_check:rel_me"]
    rec = by_id(recs, "fix_site_check:canonical")
    assert rec.params == {"check": "canonical", "detail": "no canonical link"}
    fixed = replace(inputs, site_checks=(checks[0], SiteCheck("canonical", True), checks[2]))
    assert rec.impact == round(overall(fixed) - overall(inputs), 1)
    # One check of three more passes: a third of the site component, whose weight is renormalised without
    # consistency (no profile showed a name).
    assert rec.impact == pytest.approx(0.15 / 0.90 * 100 / 3, abs=0.1)


def test_no_site_check_recommendation_when_the_site_was_not_measured() -> None:
    inputs = base(site_checks=(SiteCheck("canonical", False),), site_measured=False)
    assert not any(r.rule == "fix_site_check" for r in recommend(inputs, site_url=SITE))


def test_confirm_probable_profile_once_per_url() -> None:
    probable = "https://speakerdeck.com/etremblay"
    results = (
        *base().results,
        result(4, Ownership.PROBABLE_PROFILE, probable),
        replace(result(6, Ownership.PROBABLE_PROFILE, probable), query=f"{Q} Montréal"),
    )
    inputs = base(results=results, profiles=(profile("github", Verdict.LINKED, 3),))
    recs = recommend(inputs, site_url=SITE)
    assert rules(recs) == [f"confirm_probable_profile:{probable}"]
    fixed = replace(inputs, confirmed=frozenset({probable}))
    assert recs[0].impact > 0
    assert recs[0].impact == round(overall(fixed) - overall(inputs), 1)


def test_namesake_pressure_fires_above_the_threshold_only() -> None:
    linked = (profile("github", Verdict.LINKED, 3), profile("x", Verdict.LINKED, 5))
    low = base(results=(*base().results, result(10, Ownership.NAMESAKE, "https://other.example/")), profiles=linked)
    assert recommend(low, site_url=SITE) == ()
    namesakes = (
        result(2, Ownership.NAMESAKE, "https://a.example/"),
        result(4, Ownership.NAMESAKE, "https://b.example/"),
    )
    high = base(results=(*base().results, *namesakes), profiles=linked)
    pressure = compute_scores(high).namesake_pressure
    assert pressure is not None
    assert pressure >= NAMESAKE_PRESSURE_THRESHOLD
    recs = recommend(high, site_url=SITE)
    assert rules(recs) == ["namesake_pressure:namesakes"]
    assert recs[0].params["share"] == f"{pressure:.0f}"
    assert recs[0].impact == 0.0


def test_a_namesake_in_first_position_triggers_the_advice_below_the_threshold() -> None:
    linked = (profile("github", Verdict.LINKED, 3), profile("x", Verdict.LINKED, 5))
    q2, q3 = f"{Q} Montréal", f"{Q} architecte"
    # First on the bare name, absent from two qualified queries: a small share on average, still the top result.
    first = result(1, Ownership.NAMESAKE, "https://a.example/")
    inputs = base(
        results=(*base().results, first),
        profiles=linked,
        succeeded=(("ddg", Q), ("ddg", q2), ("ddg", q3)),
    )
    pressure = compute_scores(inputs).namesake_pressure
    assert pressure is not None and pressure < NAMESAKE_PRESSURE_THRESHOLD
    rec = by_id(recommend(inputs, site_url=SITE), "namesake_pressure:namesakes")
    assert (rec.params["position"], rec.params["url"]) == ("1", "https://a.example/")


def test_priorities_follow_impact() -> None:
    checks = (SiteCheck("https", True), SiteCheck("canonical", False))
    inputs = base(
        results=base().results[1:],  # the site does not rank
        site_checks=checks,
        profiles=(
            profile("github", Verdict.NOT_LINKED, 3),
            profile("x", Verdict.UNVERIFIABLE, 5),
            profile("mastodon", Verdict.LINKED, None),
        ),
    )
    recs = recommend(inputs, site_url=SITE)
    assert [r.priority for r in recs] == list(range(1, len(recs) + 1))
    impacts = [r.impact for r in recs]
    assert impacts == sorted(impacts, reverse=True)
    assert [r.id for r in recs] == [
        "add_site_link:github",  # the only ranking profile with a known verdict: link-back 0 -> 100
        "site_missing:site",
        "fix_site_check:canonical",
        "profile_missing:mastodon",
        "check_by_hand:x",
    ]
    assert recs[0].impact > recs[1].impact > recs[2].impact > recs[3].impact > recs[4].impact == 0.0


def test_ties_keep_the_rules_order() -> None:
    inputs = base(
        profiles=(
            profile("github", Verdict.LINKED, 3),
            profile("x", Verdict.UNVERIFIABLE, 5),
            profile("linkedin", Verdict.UNVERIFIABLE, 7),
        )
    )
    assert rules(recommend(inputs, site_url=SITE)) == ["check_by_hand:x", "check_by_hand:linkedin"]


# -- reasons as codes, positions, namesakes, sensitive topics (issue 6) ---------------------------------------


def coded(key: str, verdict: Verdict, best: int | None, code: str, **params: str) -> ProfileCheck:
    linkback = LinkBack(verdict, f"English reason of {code}", "<a>", reason_code=code, reason_params=params)
    return ProfileCheck(key, f"https://{key}.example/etremblay", linkback, best)


def test_wrong_target_and_check_by_hand_carry_the_reason_code_and_the_rank() -> None:
    inputs = base(
        profiles=(
            coded("github", Verdict.WRONG_TARGET, 3, "former_site", url="https://old.example/"),
            coded("x", Verdict.UNVERIFIABLE, 5, "login_wall", network="x"),
        )
    )
    recs = recommend(inputs, site_url=SITE)
    wrong = by_id(recs, "fix_wrong_target:github")
    assert wrong.params["why"] == "former_site" and wrong.params["why.url"] == "https://old.example/"
    assert wrong.params["reason"] == "English reason of former_site"  # kept for the JSON and old readers
    assert (wrong.params["position"], wrong.params["engine"]) == ("3", "ddg")
    by_hand = by_id(recs, "check_by_hand:x")
    assert by_hand.params["why"] == "login_wall" and by_hand.params["why.network"] == "x"
    assert (by_hand.params["position"], by_hand.params["engine"]) == ("5", "ddg")


def test_site_check_recommendations_carry_the_detail_code_and_the_missing_profiles() -> None:
    checks = (
        SiteCheck("rel_me", False, "missing for: github, x", "rel_me_missing", {"networks": "github,x"}),
        SiteCheck("not_noindex", False, "noindex found", "noindex"),
    )
    inputs = base(site_checks=checks, profiles=(profile("github", Verdict.LINKED, 3),))
    recs = recommend(inputs, site_url=SITE)
    rel_me = by_id(recs, "fix_site_check:rel_me")
    assert rel_me.params["networks"] == "github,x" and rel_me.params["why"] == "rel_me_missing"
    noindex = by_id(recs, "fix_site_check:not_noindex")
    assert noindex.impact > 0 and noindex.params["why"] == "noindex"


def test_namesake_pressure_names_the_best_ranked_namesake_and_the_name_to_use() -> None:
    linked = (profile("github", Verdict.LINKED, 3), profile("x", Verdict.LINKED, 5))
    namesakes = (
        result(4, Ownership.NAMESAKE, "https://b.example/"),
        result(2, Ownership.NAMESAKE, "https://a.example/"),
    )
    recs = recommend(base(results=(*base().results, *namesakes), profiles=linked), site_url=SITE)
    rec = by_id(recs, "namesake_pressure:namesakes")
    assert rec.params["url"] == "https://a.example/"
    assert (rec.params["position"], rec.params["engine"], rec.params["name"]) == ("2", "ddg", Q)
    assert "https://a.example/" in rec.evidence


def test_probable_profile_and_inconsistent_name_recommendations_name_their_position() -> None:
    probable = "https://speakerdeck.com/etremblay"
    inconsistency = Inconsistency("display_name", "x", "Mimi T.", "config", Q)
    inputs = base(
        results=(*base().results, result(7, Ownership.PROBABLE_PROFILE, probable)),
        profiles=(profile("github", Verdict.LINKED, 3), profile("x", Verdict.LINKED, 5)),
        inconsistencies=(inconsistency,),
    )
    recs = recommend(inputs, site_url=SITE)
    assert by_id(recs, f"confirm_probable_profile:{probable}").params["position"] == "7"
    named = by_id(recs, "inconsistent_names:x")
    assert (named.params["position"], named.params["engine"]) == ("5", "ddg")


def test_sensitive_topics_are_flagged_in_your_own_results_only_and_never_scored() -> None:
    probable = "https://speakerdeck.com/etremblay"
    results = (
        replace(result(1, Ownership.SITE, SITE + "/"), snippet="Architecte infonuagique. Conseillère municipale."),
        replace(result(3, Ownership.PROFILE, "https://github.com/etremblay", "github"), title="Sunday church choir"),
        # The same profile on a second query: one recommendation per page and topic, at its best position.
        replace(
            result(8, Ownership.PROFILE, "https://github.com/etremblay", "github"),
            query=f"{Q} Montréal",
            snippet="Church again",
        ),
        replace(result(2, Ownership.NAMESAKE, "https://namesake.example/"), snippet="Sexy photos"),
        replace(result(4, Ownership.PROBABLE_PROFILE, probable), snippet="Talk on the election"),
        replace(result(5, Ownership.MENTION, "https://news.example/"), snippet="Interview on religion"),
    )
    linked = (profile("github", Verdict.LINKED, 3),)
    inputs = base(results=results, profiles=linked, succeeded=(("ddg", Q), ("ddg", f"{Q} Montréal")))
    recs = recommend(inputs, site_url=SITE)
    sensitive = [r for r in recs if r.rule == "sensitive_topics"]
    assert [r.id for r in sensitive] == ["sensitive_topics:religion:https://github.com/etremblay"]
    rec = sensitive[0]
    assert rec.impact == 0.0
    assert rec.params["topic"] == "religion" and rec.params["term"] == "church"
    assert rec.params["excerpt"] == "Sunday church choir" and rec.params["field"] == "title"
    assert (rec.params["position"], rec.params["engine"]) == ("3", "ddg")
    assert rec.evidence == "title: Sunday church choir"
    # "Conseillère municipale" is not on the list: a miss rather than a false alarm. Confirming the probable
    # profile makes it yours, so its snippet is read too.
    confirmed = recommend(replace(inputs, confirmed=frozenset({probable})), site_url=SITE)
    assert f"sensitive_topics:politics:{probable}" in rules(confirmed)
    # Flagging changes no impact: the other recommendations are the same with or without the words.
    plain = recommend(
        base(
            results=tuple(replace(r, title="t", snippet="s") for r in results),
            profiles=linked,
            succeeded=inputs.succeeded,
        ),
        site_url=SITE,
    )
    assert [(r.id, r.impact) for r in plain] == [(r.id, r.impact) for r in recs if r.rule != "sensitive_topics"]


def _every_rule() -> tuple[Recommendation, ...]:
    """One audit that triggers every rule of recommend.py."""
    results = (
        result(1, Ownership.NAMESAKE, "https://namesake.example/"),
        result(2, Ownership.PROFILE, "https://linkedin.example/etremblay", "linkedin"),
        result(3, Ownership.PROFILE, "https://github.com/etremblay", "github"),
        replace(result(5, Ownership.PROFILE, "https://x.com/etremblay", "x"), snippet="Thoughts on politics"),
        result(6, Ownership.PROBABLE_PROFILE, "https://speakerdeck.com/etremblay"),
    )
    profiles = (
        coded("github", Verdict.NOT_LINKED, 3, "no_link", host="emilietremblay.ca", source="api:github"),
        coded("x", Verdict.WRONG_TARGET, 5, "http_link", url="http://emilietremblay.ca/"),
        coded("linkedin", Verdict.UNVERIFIABLE, 2, "login_wall", network="linkedin"),
        coded("mastodon", Verdict.LINKED, None, "linked", url=SITE),
    )
    checks = (
        SiteCheck("https", False, "served from http://emilietremblay.ca/", "served_from", {"url": "http://e.ca/"}),
        SiteCheck("title_has_name", False, "title: 'Accueil'", "title", {"text": "Accueil"}),
        SiteCheck("description_has_name", False, "description: ''", "no_description", {"text": ""}),
        SiteCheck("not_noindex", False, "noindex found", "noindex"),
        SiteCheck("canonical", False, "no canonical link", "no_canonical"),
        SiteCheck("rel_me", False, "missing for: github", "rel_me_missing", {"networks": "github"}),
        SiteCheck("jsonld_sameas", False, "missing for: x", "sameas_missing", {"networks": "x"}),
    )
    inconsistency = Inconsistency("display_name", "github", "E. T.", "config", Q)
    inputs = base(results=results, profiles=profiles, site_checks=checks, inconsistencies=(inconsistency,))
    return recommend(inputs, site_url=SITE)


def test_every_rule_of_the_issue_fires_with_an_english_and_a_french_message() -> None:
    recs = _every_rule()
    assert {r.rule for r in recs} == {
        "add_site_link",
        "fix_wrong_target",
        "check_by_hand",
        "profile_missing",
        "site_missing",
        "fix_site_check",
        "inconsistent_names",
        "confirm_probable_profile",
        "sensitive_topics",
        "namesake_pressure",
    }
    assert {r.params["check"] for r in recs if r.rule == "fix_site_check"} == {
        "https",
        "title_has_name",
        "description_has_name",
        "not_noindex",
        "canonical",
        "rel_me",
        "jsonld_sameas",
    }
    for rec in recs:
        en = recommendation_message("en", rec.rule, rec.params, rec.id)
        fr = recommendation_message("fr", rec.rule, rec.params, rec.id)
        assert en != rec.id and fr != rec.id and en != fr, rec.id
        for message in (en, fr):
            assert "?" not in message.replace("?)", ""), (rec.id, message)  # no unfilled slot
            assert "%(" not in message
        if rec.params.get("network"):
            assert network_label(rec.params["network"]) in en, (rec.id, en)
        if rec.params.get("position") and rec.params.get("engine"):
            assert f"#{rec.params['position']} on ddg" in en, en
            assert f"n°\u00a0{rec.params['position']} sur" in fr, fr
    messages = {r.id: recommendation_message("en", r.rule, r.params, r.id) for r in recs}
    assert messages["fix_wrong_target:x"].startswith("Your X profile (#5 on ddg) links to the wrong place.")
    assert "It links to http://emilietremblay.ca/ over http" in messages["fix_wrong_target:x"]
    assert "LinkedIn shows profiles to logged-in visitors only" in messages["check_by_hand:linkedin"]
    assert "“Contact info”" in messages["check_by_hand:linkedin"]
    assert "noindex" in messages["fix_site_check:not_noindex"]
    assert "(missing: GitHub)" in messages["fix_site_check:rel_me"]
    assert (
        "JSON-LD" in messages["fix_site_check:jsonld_sameas"]
        and "(missing: X)" in messages["fix_site_check:jsonld_sameas"]
    )
    assert "one name variant everywhere (“Émilie Tremblay”" in messages["namesake_pressure:namesakes"]
    sensitive = messages["sensitive_topics:politics:https://x.com/etremblay"]
    assert sensitive.startswith("For your review:") and "touches on politics" in sensitive
    assert "“Thoughts on politics”" in sensitive
