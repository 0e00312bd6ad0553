"""summary: what an audit says in a few lines, against the audit before it and the best ever."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from auditor.models import AuditStatus, EngineRun, EngineStatus, Ownership
from auditor.report.summary import as_text, one_line, summarize, to_dict
from tests.report.factories import DATES, make_audit, make_history


def test_change_best_ever_and_components_that_moved() -> None:
    _first, second, third = make_history()
    summary = summarize(third, second, [(DATES[0], 41.2), (DATES[1], 55.0)])
    assert summary.previous_as_of == DATES[1]
    assert summary.change is not None and round(summary.change, 1) == 13.9  # 68.9 - 55.0
    assert (summary.best_overall, summary.best_as_of) == (68.9, DATES[2])
    moved = {s.component: s for s in summary.moved}
    assert set(moved) == {"visibility", "linkback", "site", "consistency"}
    assert moved["consistency"].delta is None  # unmeasured last month: shown as a change of state, not 0
    data = to_dict(summary)
    assert data["change"] == summary.change and data["best"] == {"as_of": "2026-05-01", "overall": 68.9}
    assert data["components_moved"]["consistency"] == {"previous": None, "current": 80.0, "delta": None}


def test_a_fall_keeps_the_earlier_best_and_says_so() -> None:
    first, _second, third = make_history()
    fallen = replace(first, id=9, as_of=dt.date(2026, 6, 1))  # back to 41.2 after 68.9
    summary = summarize(fallen, third, [(DATES[0], 41.2), (DATES[1], 55.0), (DATES[2], 68.9)])
    assert summary.change is not None and round(summary.change, 1) == -27.7
    assert (summary.best_overall, summary.best_as_of) == (68.9, DATES[2])
    text = "\n".join(as_text(summary))
    assert "Change: -27.7 since May 1, 2026 (68.9)" in text
    assert "Best ever: 68.9 (May 1, 2026)" in text
    assert "-27.7" in one_line(summary) and "best 68.9" in one_line(summary)


def test_results_in_and_out_of_the_top_10_are_own_and_namesakes_only() -> None:
    first, _, third = make_history()
    summary = summarize(third, first, [])
    assert summary.entered or summary.left
    watched = {Ownership.SITE, Ownership.PROFILE, Ownership.PROBABLE_PROFILE, Ownership.NAMESAKE}
    assert {m.ownership for m in (*summary.entered, *summary.left)} <= watched
    assert all(m.current_position is not None and m.current_position <= 10 for m in summary.entered)


def test_link_backs_that_changed_and_the_top_three_actions_with_their_gain() -> None:
    first, _, third = make_history()
    summary = summarize(third, first, [])
    assert summary.linkbacks and all(c.previous != c.current for c in summary.linkbacks)
    assert 1 <= len(summary.actions) <= 3
    ranked = sorted(third.recommendations, key=lambda r: (r.priority, -(r.impact or 0), r.id))[:3]
    assert [a.id for a in summary.actions] == [r.id for r in ranked]
    assert [a.gain for a in summary.actions] == [r.impact for r in ranked]
    assert "Top actions:" in as_text(summary)


def test_what_failed_is_named_and_a_first_audit_has_nothing_to_compare() -> None:
    audit = make_audit(0)
    blocked = EngineRun("searxng", EngineStatus.BLOCKED, "CAPTCHA page")
    partial = replace(audit, status=AuditStatus.PARTIAL, engines=(audit.engines[0], blocked))
    summary = summarize(partial, None, [], report="/r/2026-03-01.html")
    assert summary.change is None and summary.previous_as_of is None
    lines = as_text(summary)
    assert lines[0] == "Status: partial   overall score: 41.2"
    assert "  searxng: blocked - CAPTCHA page" in lines
    assert "Change: first audit, nothing to compare with yet" in lines
    assert lines[-1] == "Report: /r/2026-03-01.html"
    assert one_line(summary).startswith("Émilie Tremblay, audit of March 1, 2026: partial (searxng blocked)")
    assert "\n" not in one_line(summary)


def test_a_later_audit_never_counts_in_the_best_ever() -> None:
    first, second, _ = make_history()
    summary = summarize(second, first, [(DATES[0], 41.2), (DATES[2], 99.0)])
    assert (summary.best_overall, summary.best_as_of) == (55.0, DATES[1])


def test_only_engine_lines_look_like_the_engine_lines_a_cron_script_picks_out() -> None:
    """The README's cron script keeps the lines `^  [a-z_]+: ` of a run: each engine's status, nothing else."""
    import re

    first, _, third = make_history()
    blocked = EngineRun("searxng", EngineStatus.BLOCKED, "CAPTCHA page")
    partial = replace(third, status=AuditStatus.PARTIAL, engines=(third.engines[0], blocked))
    summary = summarize(partial, first, [])
    assert summary.entered and summary.linkbacks and summary.actions  # every kind of indented line is there
    picked = [line for line in as_text(summary) if re.match(r"^  [a-z_]+: ", line)]
    assert picked == ["  searxng: blocked - CAPTCHA page"]


def test_a_profile_or_the_site_that_could_not_be_read_is_named_too() -> None:
    from auditor.models import LinkBack, SiteCheck, Verdict

    audit = make_audit(2)
    broken = LinkBack(
        Verdict.UNVERIFIABLE,
        "connection refused",
        reason_code="fetch_error",
        reason_params={"detail": "connection refused"},
    )
    walled = LinkBack(Verdict.UNVERIFIABLE, "HTTP 999 (login wall)", reason_code="login_wall")
    profiles = tuple(
        replace(p, linkback=broken if p.network == "github" else walled if p.network == "linkedin" else p.linkback)
        for p in audit.profiles
    )
    down = SiteCheck("https", False, "no answer", "site_error")
    partial = replace(audit, status=AuditStatus.PARTIAL, profiles=profiles, site_checks=(down, *audit.site_checks[1:]))
    summary = summarize(partial, None, [])
    assert [(f.kind, f.name) for f in summary.failures] == [("profile", "github"), ("site", "site")]  # not the wall
    lines = as_text(summary, head=False)
    # Worded from the catalog, what the client said kept verbatim after it.
    assert "  profile GitHub: could not check - The profile could not be fetched. - connection refused" in lines
    assert "  your site: failed - Your site did not answer." in lines
    assert "(profile GitHub could not check, your site failed)" in one_line(summary)
    assert to_dict(summary)["failures"][0] == {
        "kind": "profile",
        "name": "github",
        "status": "unverifiable",
        "detail": "connection refused",
    }
