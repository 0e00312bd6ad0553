"""The pieces of the report's first screen: the verdict sentence, the sparkline, the actions' short form."""

from __future__ import annotations

from dataclasses import replace

from auditor.report.advice import recommendation_title
from auditor.report.changes import compute_changes
from auditor.report.evidence import recommendation_evidence
from auditor.report.html import render_html, with_commands
from auditor.report.i18n import format_points
from auditor.report.sparkline import sparkline_svg
from auditor.report.trends import recent_overall
from auditor.report.verdict import verdict
from tests.report.factories import SCORING, make_failed, make_history
from tests.report.language import foreign_sentences


def test_the_verdict_says_how_well_and_which_way() -> None:
    history = make_history()
    before, after = history[1], history[2]
    up = verdict(after, compute_changes(before, after), "en")
    assert up.startswith("People who search your name") and "April 1, 2026" in up and up.endswith(".")
    down = verdict(before, compute_changes(after, replace(before, as_of=after.as_of)), "fr")
    assert "moins" in down and "1er mai 2026" in down
    first = verdict(before, compute_changes(None, before), "en")
    assert first.startswith("People who search your name") and " on " not in first  # no earlier audit to name
    failed = make_failed()
    assert "no search engine answered" in verdict(failed, compute_changes(None, failed), "en")
    low = replace(after, scores=replace(after.scores, overall=12.0))
    assert "not yours" in verdict(low, compute_changes(None, low), "en")


def test_the_sparkline_leaves_a_gap_where_nothing_was_measured() -> None:
    history = [*make_history(), make_failed()]
    values = [score for _day, score in recent_overall(history)]
    assert len(values) == 4 and values[-1] != values[-1]  # NaN: the failed month
    svg = str(sparkline_svg(values, 'score "<b>"'))
    assert svg.count("<polyline") == 1 and "<b>" not in svg and 'aria-label="score &#34;&lt;b&gt;&#34;"' in svg
    assert len(recent_overall(history * 5, count=12)) == 12


def test_points_agree_with_their_number_by_cldr_rules() -> None:
    assert format_points(0.5, "fr") == "+0,5 point"
    assert format_points(1.5, "fr") == "+1,5 point"
    assert format_points(2.2, "fr") == "+2,2 points"
    assert format_points(0.5, "en") == "+0.5 points"
    assert format_points(2.2, "en") == "+2.2 points"


def test_commands_are_code_and_the_rest_is_escaped() -> None:
    html = str(with_commands("run `auditor label <x> me` & see"))
    assert html == "run <code>auditor label &lt;x&gt; me</code> &amp; see"


def test_each_action_has_a_short_form_naming_the_profile_or_page() -> None:
    assert recommendation_title("en", "add_site_link", {"network": "github"}, "x") == "GitHub: add a link to your site"
    assert recommendation_title("fr", "check_by_hand", {"network": "linkedin"}, "x").startswith("LinkedIn\u00a0:")
    url = "https://example.org/page"
    assert recommendation_title("en", "confirm_probable_profile", {"url": url}, "x").startswith(url)
    assert recommendation_title("en", "some_future_rule", {}, "fallback") == "fallback"
    assert recommendation_title("en", "add_site_link", {}, "fallback") == "fallback"  # no empty slot


def test_recommendation_evidence_is_worded_in_the_report_language() -> None:
    history = make_history()
    audit = history[-1]
    shown = {r.rule: recommendation_evidence(r, audit, "fr") for r in audit.recommendations}
    for rule, evidence in shown.items():
        if evidence is not None:
            assert evidence.label and "carries your name" not in evidence.label + evidence.code, rule
    page = render_html(audit, history, compute_changes(history[1], audit), lang="fr", scoring=SCORING)
    assert foreign_sentences(page, "fr") == []
