"""Catalogs complete and consistent; numbers and dates formatted for the locale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from auditor.report import i18n

PACKAGE = Path(__file__).resolve().parents[2] / "auditor" / "report"


def _extracted() -> set[str]:
    with (PACKAGE / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(str(PACKAGE), method_map, options_map):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (PACKAGE / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=i18n.LOCALES[lang])


def test_every_message_has_a_french_translation() -> None:
    extracted = _extracted()
    assert len(extracted) > 100
    fr = _catalog("fr")
    missing = sorted(m for m in extracted if not (fr.get(m) and fr.get(m).string))
    assert missing == [], f"run the commands in auditor/report/i18n.py and translate: {missing[:5]}"
    assert not [m.id for m in fr if m.id and m.fuzzy]
    # A plural message is keyed by its singular, as extraction names it.
    stale = sorted(str(m.id) for m in fr if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in extracted)
    assert stale == [], f"messages no longer used: {stale[:5]}"


def test_catalogs_have_the_same_messages_and_valid_placeholders() -> None:
    en, fr = _catalog("en"), _catalog("fr")
    assert {m.id for m in en} == {m.id for m in fr}
    for catalog in (en, fr):
        problems = [(m.id, errors) for m, errors in catalog.check() if errors]
        assert problems == []


def test_translations_are_cached_and_languages_checked() -> None:
    assert i18n.translations("fr") is i18n.translations("fr")
    assert i18n.gettext("fr", "Summary") == "Résumé"
    assert i18n.gettext("en", "Summary") == "Summary"
    with pytest.raises(ValueError, match="unknown report language"):
        i18n.translations("de")


def test_numbers_and_dates_follow_the_locale() -> None:
    assert i18n.format_number(1234.56, "fr") == "1\u00a0234,6"
    assert i18n.format_number(1234.56, "en") == "1,234.6"
    assert (
        i18n.format_number(3.25, "en", signed=True) == "+3.2" or i18n.format_number(3.25, "en", signed=True) == "+3.3"
    )
    assert i18n.format_number(-1, "fr", signed=True) == "-1,0"
    assert i18n.format_number(0.45, "en", 1, 2) == "0.45" and i18n.format_number(28.5, "en", 1, 2) == "28.5"
    assert i18n.format_number(None, "en") == "—"
    assert i18n.format_number(float("nan"), "fr") == "—"
    assert i18n.format_date(dt.date(2026, 5, 1), "fr") == "1er mai 2026"  # the first of the month
    assert i18n.format_date(dt.date(2026, 5, 11), "fr") == "11 mai 2026"
    assert i18n.format_date(dt.date(2026, 11, 1), "fr", "medium") == "1er nov. 2026"
    assert i18n.format_date(dt.date(2026, 5, 1), "en") == "May 1, 2026"


def test_labels_fall_back_to_the_raw_value() -> None:
    assert i18n.label("fr", "ownership", "namesake") == "homonyme"
    assert i18n.label("fr", "site_check", "not_a_check") == "not_a_check"
    assert i18n.label("en", "engine", "duckduckgo_html") == "DuckDuckGo"
    assert i18n.label("en", "network", "github") == "GitHub"
    assert i18n.label("en", "network", "unknown_net") == "unknown_net"
    for status in (
        "ok",
        "empty",
        "blocked",
        "rate_limited",
        "auth_error",
        "quota_exhausted",
        "parse_failure",
        "network_error",
    ):
        assert i18n.engine_advice("en", status) and i18n.engine_advice("fr", status) != i18n.engine_advice("en", status)
