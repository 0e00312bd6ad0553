"""The report's first sentence: how well a search for the person's name finds them, and which way it went
since the previous audit. One catalog entry per case, so that every language words the whole sentence."""

from __future__ import annotations

from auditor.models import Audit, AuditStatus
from auditor.report import i18n
from auditor.report.changes import Changes
from auditor.report.i18n import N_

HIGH, MID = 70.0, 40.0
"""Overall scores from which a search "finds you easily" and "finds you"; below MID, mostly others."""
STEADY = 0.05
"""A change smaller than this (in points) reads as no change: the scores are shown to one decimal."""

SENTENCES = {
    "failed": N_("Nothing could be measured this time: no search engine answered, so there is no score."),
    "unmeasured": N_("Not enough could be measured this time for an overall score."),
    ("high", "up"): N_("People who search your name find you easily, and more so than on %(date)s."),
    ("high", "down"): N_("People who search your name find you easily, a little less than on %(date)s."),
    ("high", "same"): N_("People who search your name find you easily, as on %(date)s."),
    ("high", "first"): N_("People who search your name find you easily."),
    ("mid", "up"): N_(
        "People who search your name find you, though others still hold top places; better than on %(date)s."
    ),
    ("mid", "down"): N_(
        "People who search your name find you, though others still hold top places; less than on %(date)s."
    ),
    ("mid", "same"): N_("People who search your name find you, though others still hold top places, as on %(date)s."),
    ("mid", "first"): N_("People who search your name find you, though others still hold top places."),
    ("low", "up"): N_(
        "People who search your name mostly find pages that are not yours, though fewer than on %(date)s."
    ),
    ("low", "down"): N_("People who search your name mostly find pages that are not yours, more than on %(date)s."),
    ("low", "same"): N_("People who search your name mostly find pages that are not yours, as on %(date)s."),
    ("low", "first"): N_("People who search your name mostly find pages that are not yours."),
}


def verdict(audit: Audit, changes: Changes, lang: str) -> str:
    """One sentence in `lang`, plain text (escaped where it is shown)."""
    overall = audit.scores.overall
    if audit.status is AuditStatus.FAILED:
        return i18n.gettext(lang, SENTENCES["failed"])
    if overall is None:
        return i18n.gettext(lang, SENTENCES["unmeasured"])
    level = "high" if overall >= HIGH else "mid" if overall >= MID else "low"
    delta = changes.delta("overall") if changes.has_previous else None
    if delta is None or changes.previous_as_of is None:
        way = "first"
    else:
        way = "up" if delta >= STEADY else "down" if delta <= -STEADY else "same"
    date = i18n.format_date(changes.previous_as_of, lang) if changes.previous_as_of else ""
    return i18n.gettext(lang, SENTENCES[(level, way)]) % {"date": date}
