"""Translations (gettext catalogs, English msgids), locale formatting, and the labels of the report.

The longer messages live beside it: `advice` (recommendations) and `reasons` (why a verdict or a site check
came out as it did).

The catalogs are the `.po` files under `auditor/report/locale/<lang>/LC_MESSAGES/`, read with Babel and compiled
in memory, so no compiled `.mo` file is ever committed or forgotten. To refresh them after changing a
message in a template or here (from the repository root):

    pybabel extract -F auditor/report/babel.cfg -o /tmp/messages.pot --no-location --sort-output -w 110 auditor/report
    pybabel update -i /tmp/messages.pot -d auditor/report/locale -D messages -w 110 \
        --no-fuzzy-matching --ignore-obsolete

then translate the new empty `msgstr` of `auditor/report/locale/fr/LC_MESSAGES/messages.po` (the English catalog
stays empty: gettext falls back to the msgid). `tests/report/test_i18n.py` fails while a message used in a
template or here has no French translation.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from babel.support import Translations

from auditor.engines.registry import label as engine_label

LANGS = ("en", "fr")
LOCALES = {"en": "en_US", "fr": "fr_CA"}
"""Babel locale used for dates and numbers in each report language."""
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, when the language is known."""
    return message


@cache
def translations(lang: str) -> Translations:
    """The compiled catalog of `lang`, read once per process. Raises ValueError for an unknown language."""
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; use {' or '.join(LANGS)}")
    po = resources.files("auditor.report").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=LOCALES[lang], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def format_date(value: dt.date, lang: str, fmt: str = "long") -> str:
    """The date in the locale's words; in French the first of the month is "1er" (1er novembre 2026)."""
    text = _babel_format_date(value, format=fmt, locale=LOCALES[lang])
    if lang == "fr" and value.day == 1 and fmt != "short":
        text = re.sub(r"(?<!\d)1(?=\s)", "1er", text, count=1)
    return text


POINTS = {"one": N_("%(points)s point"), "other": N_("%(points)s points")}
"""A number of points, in the plural form that CLDR gives the formatted number (0,5 point; 1.0 points)."""


def format_points(value: float | None, lang: str, *, signed: bool = True) -> str:
    """`+0,5 point`, `+2.2 points`: the change or gain, with its unit agreed by the language's rules."""
    number = format_number(value, lang, signed=signed)
    if value is None or value != value:
        return number
    plain = format_number(abs(value), "en").replace(",", "")
    form = Locale.parse(LOCALES[lang]).plural_form(Decimal(plain))
    return gettext(lang, POINTS.get(form, POINTS["other"])) % {"points": number}


def format_number(
    value: float | None, lang: str, digits: int = 1, max_digits: int | None = None, *, signed: bool = False
) -> str:
    """A locale-formatted number with `digits` to `max_digits` decimals; an em dash for None (never 0)."""
    if value is None or value != value:  # NaN is unknown too
        return "—"
    optional = max(0, (max_digits or digits) - digits)
    body = "#,##0" + ("." + "0" * digits + "#" * optional if digits or optional else "")
    pattern = f"+{body};-{body}" if signed else body
    return format_decimal(value, format=_number_pattern(pattern), locale=_locale(LOCALES[lang]))


@cache
def _number_pattern(pattern: str) -> NumberPattern:
    # Parsed once: babel parses the pattern and the locale again on every call, and a report with a long
    # history formats hundreds of numbers.
    return parse_pattern(pattern)


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


LABELS: Mapping[str, Mapping[str, str]] = {
    "audit_status": {
        "complete": N_("complete"),
        "partial": N_("partial"),
        "failed": N_("failed"),
        "incomplete": N_("incomplete"),
    },
    "engine_status": {
        "ok": N_("ok"),
        "empty": N_("no results"),
        "blocked": N_("blocked"),
        "rate_limited": N_("rate limited"),
        "auth_error": N_("key refused"),
        "quota_exhausted": N_("quota used up"),
        "parse_failure": N_("unreadable page"),
        "network_error": N_("unreachable"),
    },
    "ownership": {
        "site": N_("your site"),
        "profile": N_("your profile"),
        "probable_profile": N_("probably yours"),
        "namesake": N_("namesake"),
        "mention": N_("mentions you"),
        "other": N_("other"),
    },
    "verdict": {
        "linked": N_("links to your site"),
        "linked_via_redirect": N_("links via a redirect"),
        "wrong_target": N_("wrong target"),
        "not_linked": N_("no link"),
        "unverifiable": N_("could not check"),
    },
    "site_check": {
        "https": N_("Served over HTTPS"),
        "title_has_name": N_("Page title carries your name"),
        "description_has_name": N_("Meta description carries your name"),
        "not_noindex": N_("Not hidden from search engines (no noindex)"),
        "canonical": N_("Declares a canonical URL"),
        "rel_me": N_('Links to your profiles with rel="me"'),
        "jsonld_sameas": N_("schema.org Person whose sameAs lists your profiles"),
    },
    "component": {
        "overall": N_("Overall"),
        "visibility": N_("Visibility"),
        "linkback": N_("Link-backs"),
        "site": N_("Site signals"),
        "consistency": N_("Consistency"),
        "namesake_pressure": N_("Namesake pressure"),
        "consolidation": N_("Consolidation"),
    },
    "edge_state": {
        "both_ways": N_("both ways"),
        "one_way": N_("one way"),
        "missing": N_("missing"),
        "broken": N_("broken"),
        "unknown": N_("cannot be checked"),
    },
    "mechanism": {
        "link_back": N_("link to your site"),
        "rel_me": N_('rel="me" link'),
        "same_as": N_("JSON-LD sameAs"),
        "site_link": N_("plain link"),
        "mastodon_verified": N_("Mastodon verified link"),
        "github_blog": N_("GitHub website field"),
        "github_social": N_("GitHub social account"),
        "atproto_domain": N_("Bluesky handle on your domain"),
        "wikidata": N_("Wikidata item"),
    },
    "linkback_change": {
        "gained": N_("now links to your site"),
        "lost": N_("no longer links to your site"),
        "new": N_("checked for the first time"),
        "changed": N_("verdict changed"),
    },
    "source": {
        "html": N_("page"),
        "api": N_("API"),
        "api:github": N_("GitHub API"),
        "api:mastodon": N_("Mastodon API"),
        "api:stackexchange": N_("Stack Exchange API"),
        "api:bluesky": N_("Bluesky API"),
        "browser": N_("browser"),
        "manual": N_("your own check"),
    },
    "consistency_field": {"display_name": N_("Display name"), "headline": N_("Headline")},
    # Sensitive topics (`sensitive.py`), as a sentence names them: "touches on politics".
    "topic": {"politics": N_("politics"), "religion": N_("religion"), "sex": N_("sex")},
}

ENGINE_ADVICE = {
    "ok": N_("Nothing to do."),
    "empty": N_(
        "The engine answered but listed nothing. Check the spelling of your name and the region in the "
        "config; if the name is right, the engine does not know you yet."
    ),
    "blocked": N_(
        "The engine showed a CAPTCHA, a consent page or a challenge. Wait an hour, then run the audit again; "
        "if it keeps happening, add an API engine (Brave, SerpApi) to the config."
    ),
    "rate_limited": N_(
        "The engine asked us to slow down. Wait before the next run, or audit fewer qualifiers at a time."
    ),
    "auth_error": N_(
        "The engine refused the API key. Check that the environment variable named in the engine's "
        "api_key_env is set and that the key is still active."
    ),
    "quota_exhausted": N_(
        "This month's quota for the engine is used up. Wait for the next month, raise monthly_budget if "
        "your plan allows it, or rely on the other engines."
    ),
    "parse_failure": N_(
        "The page had content but no result could be read: the engine changed its markup. Save the "
        "response and run `auditor parse --engine NAME FILE`, then update the auditor."
    ),
    "network_error": N_(
        "The engine could not be reached. Check your connection, proxy or firewall, then run the audit again."
    ),
}


def label(lang: str, kind: str, value: object) -> str:
    """The translated label of an enum value or id; the raw value when the catalog has none."""
    raw = str(getattr(value, "value", value))
    if kind == "engine":
        return engine_label(raw)
    if kind == "network":
        return network_label(raw)
    message = LABELS.get(kind, {}).get(raw)
    return gettext(lang, message) if message else raw


def network_label(key: str) -> str:
    if key == "site":
        return key
    # Imported late: the registry parses a TOML file the first time it is asked for.
    from auditor.identify.networks import default_registry

    found = default_registry().by_key.get(key)
    return found.label if found else key


def engine_advice(lang: str, status: object) -> str:
    message = ENGINE_ADVICE.get(str(getattr(status, "value", status)))
    return gettext(lang, message) if message else ""


_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolate_bidi(text: str) -> str:
    """`text` from the web as a param of a sentence: when it carries a bidi control (a right-to-left override
    in a scraped display name), it is wrapped in an isolate (FSI ... PDI, the text form of `<bdi>`), which
    ends whatever it opened, so it cannot reorder the sentence around it. Other text is left as it is."""
    if not _BIDI_CONTROLS.intersection(text):
        return text
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
