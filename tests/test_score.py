"""The scores of DESIGN.md section 6; None where nothing was measured, never a silent zero."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.config import DEFAULT_CTR
from auditor.models import ClassifiedResult, LinkBack, Ownership, ProfileCheck, SiteCheck, Verdict
from auditor.scoring.scores import (
    ScoreInputs,
    attention,
    compute_scores,
    consistency_score,
    linkback_score,
    overall,
    site_score,
    visibility_by_engine,
)

WEIGHTS = {"visibility": 0.45, "linkback": 0.30, "site": 0.15, "consistency": 0.10}
FULL_20 = sum(DEFAULT_CTR[:20])
FULL_10 = sum(DEFAULT_CTR[:10])
Q = "Émilie Tremblay"


def result(
    position: int,
    ownership: Ownership,
    *,
    engine: str = "ddg",
    query: str = Q,
    url: str = "",
    profile: str | None = None,
) -> ClassifiedResult:
    url = url or f"https://example.org/{engine}/{position}"
    return ClassifiedResult(engine, query, position, url, url, "t", "s", None, ownership, profile)


def profile(network: str, verdict: Verdict, best: int | None, name: str | None = None) -> ProfileCheck:
    return ProfileCheck(network, f"https://{network}.example/e", LinkBack(verdict, "r"), best, name)


def inputs(**changes: object) -> ScoreInputs:
    base = ScoreInputs(
        results=(),
        succeeded=(("ddg", Q),),
        profiles=(),
        site_checks=(),
        site_measured=False,
        depth=20,
        ctr=DEFAULT_CTR,
        weights=WEIGHTS,
        names=("Émilie Tremblay",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_attention_curve() -> None:
    assert attention(1, DEFAULT_CTR) == 28.5
    assert attention(2, DEFAULT_CTR) == 15.7
    assert attention(10, DEFAULT_CTR) == 2.5
    assert attention(20, DEFAULT_CTR) == 0.25
    assert attention(21, DEFAULT_CTR) == 0.0
    assert attention(0, DEFAULT_CTR) == 0.0
    assert list(DEFAULT_CTR) == sorted(DEFAULT_CTR, reverse=True)  # never rises further down the page
    assert all(attention(p, DEFAULT_CTR) < 1.0 for p in range(11, 21))  # page two: under 1% a position


def test_visibility_sums_owned_positions() -> None:
    results = (
        result(1, Ownership.SITE),
        result(2, Ownership.NAMESAKE),
        result(3, Ownership.PROFILE, profile="github"),
        result(4, Ownership.MENTION),
        result(5, Ownership.OTHER),
        result(6, Ownership.PROBABLE_PROFILE),
    )
    assert visibility_by_engine(inputs(results=results)) == pytest.approx({"ddg": 100 * (28.5 + 11.0) / FULL_20})


def test_confirmed_probable_profiles_count() -> None:
    probable = result(6, Ownership.PROBABLE_PROFILE, url="https://speakerdeck.com/etremblay")
    unconfirmed = visibility_by_engine(inputs(results=(probable,)))
    confirmed = visibility_by_engine(inputs(results=(probable,), confirmed=frozenset({probable.normalized_url})))
    assert unconfirmed == {"ddg": 0.0}
    assert confirmed == pytest.approx({"ddg": 100 * 4.8 / FULL_20})


def test_only_succeeded_engine_query_pairs_are_scored() -> None:
    results = (
        result(1, Ownership.SITE),
        result(1, Ownership.SITE, engine="searxng"),  # searxng failed for this query
        result(1, Ownership.SITE, query=f"{Q} Montréal"),  # a query that failed on ddg
    )
    scores = visibility_by_engine(inputs(results=results))
    assert set(scores) == {"ddg"}
    assert scores["ddg"] == pytest.approx(100 * 28.5 / FULL_20)


def test_results_past_depth_are_ignored() -> None:
    results = (result(2, Ownership.SITE), result(15, Ownership.PROFILE, profile="github"))
    scores = visibility_by_engine(inputs(results=results, depth=10))
    assert scores["ddg"] == pytest.approx(100 * 15.7 / FULL_10)


def test_visibility_is_the_mean_over_queries_then_engines() -> None:
    q2 = f"{Q} Montréal"
    results = (
        result(1, Ownership.SITE),  # ddg, Q
        result(1, Ownership.SITE, engine="searxng"),
        result(1, Ownership.SITE, engine="searxng", query=q2),
    )
    succeeded = (("ddg", Q), ("ddg", q2), ("searxng", Q), ("searxng", q2))
    per_engine = visibility_by_engine(inputs(results=results, succeeded=succeeded))
    top = 100 * 28.5 / FULL_20
    assert per_engine == pytest.approx({"ddg": top / 2, "searxng": top})
    assert compute_scores(inputs(results=results, succeeded=succeeded)).visibility == pytest.approx(0.75 * top)


def test_a_perfect_page_scores_100() -> None:
    results = tuple(result(p, Ownership.SITE) for p in range(1, 21))
    assert visibility_by_engine(inputs(results=results))["ddg"] == pytest.approx(100.0)


def test_linkback_is_weighted_by_the_attention_of_the_best_position() -> None:
    profiles = (
        profile("github", Verdict.LINKED, 1),
        profile("x", Verdict.NOT_LINKED, 3),
        profile("linkedin", Verdict.UNVERIFIABLE, 2),  # unknown: left out
        profile("mastodon", Verdict.LINKED, None),  # does not rank: left out while others rank
    )
    assert linkback_score(inputs(profiles=profiles)) == pytest.approx(100 * 28.5 / (28.5 + 11.0))


def test_linked_via_redirect_counts_as_linked_and_wrong_target_does_not() -> None:
    profiles = (profile("x", Verdict.LINKED_VIA_REDIRECT, 2), profile("github", Verdict.WRONG_TARGET, 2))
    assert linkback_score(inputs(profiles=profiles)) == pytest.approx(50.0)


def test_linkback_falls_back_to_equal_weights_when_nothing_ranks() -> None:
    profiles = (
        profile("github", Verdict.LINKED, None),
        profile("x", Verdict.NOT_LINKED, None),
        profile("mastodon", Verdict.NOT_LINKED, 25),  # past the curve: weighs nothing, so does not "rank"
        profile("linkedin", Verdict.UNVERIFIABLE, None),
    )
    assert linkback_score(inputs(profiles=profiles)) == pytest.approx(100 / 3)


def test_linkback_is_none_when_no_verdict_is_known() -> None:
    assert linkback_score(inputs(profiles=(profile("linkedin", Verdict.UNVERIFIABLE, 1),))) is None
    assert linkback_score(inputs()) is None


def test_site_score_is_the_share_of_checks_passing() -> None:
    checks = (SiteCheck("https", True), SiteCheck("canonical", False), SiteCheck("rel_me", True), SiteCheck("t", True))
    assert site_score(inputs(site_checks=checks, site_measured=True)) == pytest.approx(75.0)


def test_site_not_measured_is_none_not_zero() -> None:
    checks = (SiteCheck("https", False),)
    assert site_score(inputs(site_checks=checks, site_measured=False)) is None
    assert site_score(inputs(site_checks=(), site_measured=True)) is None
    assert compute_scores(inputs(site_checks=checks, site_measured=False)).site is None


def test_consistency() -> None:
    profiles = (
        profile("github", Verdict.LINKED, 1, "Émilie Tremblay"),
        profile("x", Verdict.LINKED, 2, "EMILIE TREMBLAY ☁️"),
        profile("mastodon", Verdict.LINKED, 3, "Mimi T."),
        profile("linkedin", Verdict.UNVERIFIABLE, 4, None),  # no name shown: not counted
    )
    assert consistency_score(inputs(profiles=profiles)) == pytest.approx(200 / 3)
    assert consistency_score(inputs(profiles=profiles[3:])) is None


def test_no_engine_succeeded_means_no_overall() -> None:
    profiles = (profile("github", Verdict.LINKED, None, "Émilie Tremblay"),)
    checks = (SiteCheck("https", True),)
    scores = compute_scores(
        inputs(
            succeeded=(),
            results=(result(1, Ownership.SITE),),
            profiles=profiles,
            site_checks=checks,
            site_measured=True,
        )
    )
    assert scores.visibility is None
    assert scores.overall is None
    assert scores.visibility_by_engine == {}
    assert scores.namesake_pressure is None
    assert scores.linkback == 100.0  # the other components are still shown
    assert scores.site == 100.0


def test_overall_is_renormalised_over_measured_components() -> None:
    results = (result(1, Ownership.SITE), result(2, Ownership.PROFILE, profile="github"))
    profiles = (profile("github", Verdict.NOT_LINKED, 2, "Émilie Tremblay"),)
    scores = compute_scores(inputs(results=results, profiles=profiles))  # site not measured
    visibility = 100 * (28.5 + 15.7) / FULL_20
    assert scores.visibility == pytest.approx(visibility)
    assert scores.linkback == 0.0
    assert scores.consistency == 100.0
    assert scores.site is None
    assert scores.overall == pytest.approx((0.45 * visibility + 0.30 * 0.0 + 0.10 * 100) / 0.85)


def test_overall_with_every_component() -> None:
    components = {"visibility": 40.0, "linkback": 50.0, "site": 100.0, "consistency": 0.0}
    assert overall(components, WEIGHTS) == pytest.approx(0.45 * 40 + 0.30 * 50 + 0.15 * 100)


def test_overall_ignores_zero_weights_and_missing_weights() -> None:
    components = {"visibility": 40.0, "linkback": 100.0, "site": 0.0, "consistency": None}
    assert overall(components, {"visibility": 1.0, "linkback": 0.0}) == pytest.approx(40.0)


def test_namesake_pressure() -> None:
    results = (result(1, Ownership.NAMESAKE), result(2, Ownership.SITE), result(3, Ownership.NAMESAKE))
    scores = compute_scores(inputs(results=results))
    assert scores.namesake_pressure == pytest.approx(100 * (28.5 + 11.0) / FULL_20)
    assert scores.visibility == pytest.approx(100 * 15.7 / FULL_20)
