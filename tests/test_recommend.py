"""Recommendations: each rule fires in its situation only; impacts are counterfactual; most impactful first."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.config import DEFAULT_CTR
from auditor.models import ClassifiedResult, LinkBack, Ownership, ProfileCheck, Recommendation, SiteCheck, Verdict
from auditor.recommend import NAMESAKE_PRESSURE_THRESHOLD, recommend
from auditor.score import ScoreInputs, compute_scores

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
