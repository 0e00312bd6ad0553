"""What a recommendation shows as its evidence, in the report's language.

A recommendation stores one evidence string, written for the JSON: sometimes technical (an anchor's HTML, a
status line), sometimes an English sentence (why a result looks like a profile, what a site check found).
The page shows a translated label and only the technical part, verbatim, in `<code>`; the sentence is
worded again from the audit's own records (the profile's verdict, the site check, the result).
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.models import Audit, Recommendation
from auditor.report import i18n
from auditor.report.i18n import N_
from auditor.report.reasons import site_detail

LABELS = {
    "read": N_("What the check read on the profile:"),
    "answer": N_("What the profile answered:"),
    "probable_profile": N_("This profile carries your name and links to your site:"),
    "probable_site": N_("This site's domain is your name and it links to your site:"),
    "linked_from_site": N_("Your site links to this page."),
    "title": N_("In the result's title:"),
    "snippet": N_("In the result's snippet:"),
    "names": N_("The names the profiles show:"),
    "namesake": N_("The best-ranked namesake:"),
}


@dataclass(frozen=True)
class Evidence:
    """A translated label, and beside it either technical text (`code`) or scraped words (`quote`)."""

    label: str
    code: str = ""
    quote: str = ""


def recommendation_evidence(rec: Recommendation, audit: Audit, lang: str) -> Evidence | None:
    """The evidence of `rec` as the page shows it; None when there is nothing to show."""

    def label(key: str) -> str:
        return i18n.gettext(lang, LABELS[key])

    params = rec.params
    if rec.rule in ("add_site_link", "fix_wrong_target", "check_by_hand"):
        profile = next((p for p in audit.profiles if p.network == params.get("network")), None)
        if profile is None or not profile.linkback.evidence:
            return None  # the message already says why, from the verdict's code
        shown = profile.linkback.evidence
        # A verdict that could be reached read something on the profile; an unverifiable one has only its answer.
        return Evidence(label("read" if profile.linkback.verdict.is_known else "answer"), code=shown)
    if rec.rule == "fix_site_check":
        check = next((c for c in audit.site_checks if c.id == params.get("check")), None)
        if check is None:
            return None
        worded = site_detail(lang, check.detail_code, check.detail_params, check.detail)
        return Evidence(worded.text) if not worded.english else Evidence(label("answer"), code=check.detail)
    if rec.rule == "confirm_probable_profile":
        url = params.get("url", "")
        result = next((r for r in audit.results if r.url == url and r.evidence), None)
        if result is None:
            return Evidence(label("linked_from_site"))
        return Evidence(label("probable_profile" if result.network else "probable_site"), code=result.evidence)
    if rec.rule == "sensitive_topics":
        field = params.get("field", "")
        text = rec.evidence.split(": ", 1)[1] if ": " in rec.evidence else rec.evidence
        return Evidence(label(field), quote=text) if field in ("title", "snippet") else None
    if rec.rule == "inconsistent_names" and rec.evidence:
        return Evidence(label("names"), code=rec.evidence)
    if rec.rule == "namesake_pressure" and rec.evidence:
        return Evidence(label("namesake"), code=rec.evidence)
    return None
