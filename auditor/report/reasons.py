"""Why a profile got its link-back verdict and what a site check found, worded in the report's language.

The pipeline keeps the English `reason`/`detail` (JSON, CLI) and, beside it, a stable code with its params
(`verify/decide.py`, `verify/site.py`); the report words the code from the catalogs below. Technical text
that has no translation (an HTTP client's error, an API's own message, the gathering notes) is returned
apart, for the page to show verbatim in a <code> element labelled as such. An audit stored before codes
existed has none: its English text is returned marked as English, so the page says so instead of passing
it off as a translation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from auditor.report import i18n
from auditor.report.i18n import N_


@dataclass(frozen=True)
class Technical:
    """Verbatim technical text, with a translated label saying what it is."""

    label: str
    text: str


@dataclass(frozen=True)
class Worded:
    """A reason as the report shows it."""

    text: str
    """The translated sentence(s); the stored English text when `english`."""
    technical: tuple[Technical, ...] = ()
    english: bool = False
    """True when there was no code to word: `text` is the English recorded with the audit."""


LINKBACK = {
    "linked": N_("It links to %(url)s."),
    "linked_via_exit_page": N_("It links to %(url)s through the exit page of %(host)s."),
    "linked_via_redirect": N_("It links to %(url)s, which redirects to %(final)s."),
    "http_link": N_("It links to %(url)s over http, while your site is served over https."),
    "gone_page": N_("It links to %(url)s, a page of your site that answers HTTP %(status)s."),
    "former_site": N_("It links to your former site %(url)s."),
    "redirects_to_former_site": N_("It links to %(url)s, which redirects to your former site %(final)s."),
    "redirects_to_http": N_(
        "It links to %(url)s, which redirects to %(final)s over http, while your site is served over https."
    ),
    "redirects_to_gone_page": N_(
        "It links to %(url)s, which redirects to %(final)s, a page of your site that answers HTTP %(status)s."
    ),
    "link_not_followed": N_("The link %(url)s could not be followed, so it proves nothing either way."),
    "fetch_error": N_("The profile could not be fetched."),
    "login_wall": N_("%(network)s shows profiles to logged-in visitors only (login wall)."),
    "profile_gone": N_("The profile answered HTTP %(status)s: check its URL in your config."),
    "profile_not_shown": N_("The answer does not show this %(network)s profile."),
    "profile_status": N_("The profile page answered HTTP %(status)s."),
    "no_account": N_("%(network)s has no account %(handle)s: check the profile URL in your config."),
    "other_account": N_("The profile leads to another account (%(url)s): check the profile URL in your config."),
    "account_gone": N_("The account %(handle)s is gone (suspended, deactivated or deleted)."),
    "account_moved": N_("The account has moved to %(url)s: update the profile URL in your config."),
    "unreadable": N_("The profile could not be read."),
    "needs_js": N_("%(network)s inserts its links with JavaScript: the page's HTML alone cannot show a link."),
    "needs_login": N_("%(network)s hides links from logged-out visitors: the page alone cannot show a link."),
    "browser_no_profile": N_(
        "The page rendered by the browser does not show the profile (a login wall, or it did not load)."
    ),
    "no_link": N_("No link to %(host)s on the profile (read from: %(source)s)."),
    "no_link/other": N_("No link to %(host)s on the profile (read from: %(source)s); it links to %(other)s."),
}

RESULT = {
    "names_you_links_site": N_("It names you and links to your site."),
    "names_you_links_profile": N_("It names you and links to your %(network)s profile."),
    "names_you_with_qualifier": N_("It names you with “%(qualifier)s”, one of your qualifiers."),
    "namesake_words": N_("It is about someone with your name: %(words)s."),
    "namesake_nothing": N_("It carries your name, with nothing that ties it to you."),
}
"""Why a page that carries the name is a mention or a namesake (`identify/classify.py`)."""

MANUAL = {
    "manual_linked": N_("Checked by you on %(checked_on)s: it links to your site."),
    "manual_not_linked": N_("Checked by you on %(checked_on)s: it does not link to your site."),
}
"""The verdicts that rest on the user's own check (`verify.manual`, `auditor confirm`), not on `decide`."""

_LINKBACK_NOTES = {
    "verified_at": N_('The instance verified this link on %(verified_at)s: your site links back with rel="me".'),
    "unverified": N_('The instance has not verified this link yet: add a rel="me" link to this profile on your site.'),
}

SITE = {
    "served_from": N_("Served from %(url)s."),
    "title": N_("Title: “%(text)s”."),
    "no_title": N_("The page has no title."),
    "description": N_("Meta description: “%(text)s”."),
    "no_description": N_("The page has no meta description."),
    "noindex": N_("The page asks search engines not to list it (noindex)."),
    "indexable": N_("Search engines may list the page."),
    "canonical": N_("Canonical URL: %(url)s."),
    "no_canonical": N_("The page declares no canonical URL."),
    "rel_me_missing": N_('No rel="me" link to: %(networks)s.'),
    "rel_me_all": N_('Every profile is linked with rel="me".'),
    "sameas_missing": N_("Missing from the sameAs of a schema.org Person: %(networks)s."),
    "sameas_all": N_("A schema.org Person lists every profile in sameAs."),
    "site_error": N_("Your site did not answer."),
    "site_status": N_("Your site answered HTTP %(status)s at %(url)s."),
}

_TECHNICAL = {
    "detail": N_("Technical detail"),
    "unchecked": N_("The page it leads to could not be checked"),
    "notes": N_("Notes from the check"),
    "unknown": N_("Whether it links to your site is unknown"),
}


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _values(lang: str, params: Mapping[str, str]) -> _Params:
    """The params as the sentence shows them: labels for keys, dates and lists in the reader's language."""
    values = _Params({k: i18n.isolate_bidi(str(v)) for k, v in params.items()})
    if "network" in values:
        values["network"] = i18n.network_label(values["network"])
    if "source" in values:
        values["source"] = i18n.label(lang, "source", values["source"])
    if "networks" in values:
        values["networks"] = ", ".join(i18n.network_label(n) for n in values["networks"].split(",") if n)
    for key in ("verified_at", "checked_on"):
        if key in values:
            with contextlib.suppress(ValueError):  # not a date: shown as recorded
                values[key] = i18n.format_date(dt.date.fromisoformat(values[key]), lang)
    return values


def _technical(lang: str, params: Mapping[str, str]) -> tuple[Technical, ...]:
    return tuple(
        Technical(i18n.gettext(lang, label), str(params[key])) for key, label in _TECHNICAL.items() if params.get(key)
    )


def linkback_reason(lang: str, code: str, params: Mapping[str, str], english: str) -> Worded:
    """The reason of a link-back verdict; `english` is the stored `reason`, used when `code` is unknown."""
    key = "no_link/other" if code == "no_link" and params.get("other") else code
    template = LINKBACK.get(key) or MANUAL.get(key)
    if template is None:
        return Worded(english, _technical(lang, params), english=True)
    values = _values(lang, params)
    sentences = [i18n.gettext(lang, template) % values]
    sentences += [i18n.gettext(lang, note) % values for name, note in _LINKBACK_NOTES.items() if params.get(name)]
    return Worded(" ".join(sentences), _technical(lang, params))


def result_reason(lang: str, code: str, params: Mapping[str, str], english: str) -> Worded | None:
    """Why a result that names the person is a mention or a namesake; None for results whose reason the
    report does not show (their badge says it all). An unreadable candidate page is technical detail."""
    template = RESULT.get(code)
    if template is None:
        return None
    unknown = params.get("unknown")
    technical = (Technical(i18n.gettext(lang, _TECHNICAL["unknown"]), unknown),) if unknown else ()
    return Worded(i18n.gettext(lang, template) % _values(lang, params), technical)


def site_detail(lang: str, code: str, params: Mapping[str, str], english: str) -> Worded:
    """What a site check found; `english` is the stored `detail`, used when `code` is unknown."""
    template = SITE.get(code)
    if template is None:
        return Worded(english, english=bool(english))
    return Worded(i18n.gettext(lang, template) % _values(lang, params), _technical(lang, params))
