"""Consistency: names and headlines compared across profiles and with the config; its score and its advice."""

from __future__ import annotations

from auditor.config import DEFAULT_CTR
from auditor.models import Inconsistency, LinkBack, ProfileCheck, Verdict
from auditor.report import advice
from auditor.scoring.recommend import recommend
from auditor.scoring.scores import ScoreInputs, consistency_score
from auditor.verify.consistency import find_inconsistencies

NAMES = ("Noémie Gagnon", "Noemie Gagnon")


def profile(network: str, name: str | None, headline: str | None = None) -> ProfileCheck:
    linkback = LinkBack(Verdict.LINKED, "r")
    return ProfileCheck(network, f"https://{network}.example/n", linkback, 3, name, headline)


def test_same_name_in_any_case_and_accents_is_consistent() -> None:
    profiles = [
        profile("github", "Noémie Gagnon"),
        profile("x", "NOEMIE GAGNON ☕"),
        profile("mastodon", "noémie gagnon"),
        profile("linkedin", None),
    ]
    assert find_inconsistencies(profiles, NAMES) == ()


def test_a_name_that_is_not_yours_is_listed_against_the_config() -> None:
    found = find_inconsistencies([profile("github", "Noémie Gagnon"), profile("x", "Noémie G.")], NAMES)
    assert found == (Inconsistency("display_name", "x", "Noémie G.", "config", "Noémie Gagnon"),)


def test_names_that_differ_from_the_others_are_listed_with_both_values() -> None:
    profiles = [
        profile("github", "Noémie Gagnon"),
        profile("mastodon", "Noémie Gagnon"),
        profile("linkedin", "Noémie Gagnon, M. Sc."),
    ]
    found = find_inconsistencies(profiles, NAMES)
    assert found == (Inconsistency("display_name", "linkedin", "Noémie Gagnon, M. Sc.", "github", "Noémie Gagnon"),)


def test_on_a_tie_the_configured_form_is_the_reference() -> None:
    found = find_inconsistencies([profile("x", "Gagnon, Noémie"), profile("github", "Noémie Gagnon")], NAMES)
    assert [(i.profile_a, i.profile_b) for i in found] == [("x", "github")]


def test_headlines_that_share_no_word_with_the_others() -> None:
    profiles = [
        profile("github", "Noémie Gagnon", "Développeuse Python et données · Québec"),
        profile("mastodon", "Noémie Gagnon", "Python, données et ski de fond à Québec"),
        profile("linkedin", "Noémie Gagnon", "Comptable agréée, fiscalité des PME"),
        profile("x", "Noémie Gagnon", "Noémie"),  # nothing but the name: nothing to compare
    ]
    found = find_inconsistencies(profiles, NAMES)
    assert [(i.field, i.profile_a, i.value_a) for i in found] == [
        ("headline", "linkedin", "Comptable agréée, fiscalité des PME")
    ]
    assert found[0].profile_b in ("github", "mastodon")


def inputs(profiles: tuple[ProfileCheck, ...], inconsistencies: tuple[Inconsistency, ...]) -> ScoreInputs:
    return ScoreInputs(
        results=(),
        succeeded=(("ddg", "Noémie Gagnon"),),
        profiles=profiles,
        site_checks=(),
        site_measured=False,
        depth=20,
        ctr=DEFAULT_CTR,
        weights={"visibility": 0.45, "linkback": 0.30, "site": 0.15, "consistency": 0.10},
        names=NAMES,
        inconsistencies=inconsistencies,
    )


def test_score_counts_profiles_listed_in_an_inconsistency() -> None:
    profiles = (
        profile("github", "Noémie Gagnon"),
        profile("mastodon", "Noémie Gagnon"),
        profile("linkedin", "Noémie Gagnon, M. Sc."),
        profile("x", "Noémie G."),
    )
    found = find_inconsistencies(profiles, NAMES)
    assert consistency_score(inputs(profiles, ())) == 75.0  # the name check alone: x
    assert consistency_score(inputs(profiles, found)) == 50.0  # and linkedin, which differs from the others


def test_inconsistent_names_recommendation_names_both_values_with_a_counterfactual_impact() -> None:
    profiles = (profile("github", "Noémie Gagnon"), profile("x", "Noémie G."))
    found = find_inconsistencies(profiles, NAMES)
    base = inputs(profiles, found)
    recs = [r for r in recommend(base, site_url="https://noemiegagnon.ca") if r.rule == "inconsistent_names"]
    assert [r.id for r in recs] == ["inconsistent_names:x"]
    rec = recs[0]
    assert dict(rec.params) == {"network": "x", "value": "Noémie G.", "expected": "Noémie Gagnon"}
    assert "'Noémie G.'" in rec.evidence
    assert rec.impact > 0  # counterfactual: consistency 50 -> 100 on its 10 % weight
    en = advice.recommendation_message("en", rec.rule, rec.params, rec.id)
    fr = advice.recommendation_message("fr", rec.rule, rec.params, rec.id)
    assert en.startswith("Your X profile shows the name “Noémie G.”: show “Noémie Gagnon” there")
    assert fr.startswith("Votre profil X affiche le nom « Noémie G. »")


def test_a_scraped_name_with_a_bidi_override_is_isolated_in_the_sentence() -> None:
    rlo_name = "Noémie \u202eG."
    params = {"network": "x", "value": rlo_name, "expected": "Noémie Gagnon"}
    en = advice.recommendation_message("en", "inconsistent_names", params, "inconsistent_names:x")
    # The override is closed by its isolate (PDI) before the sentence goes on: “...” and the rest keep their order.
    assert f"“\u2068{rlo_name}\u2069”: show “Noémie Gagnon” there" in en
    assert "\u2068" not in advice.recommendation_message(
        "en", "inconsistent_names", {**params, "value": "Noémie G."}, "inconsistent_names:x"
    )
