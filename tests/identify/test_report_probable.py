"""The report's "Is this you?" section and the "labelled by you" marker, in both languages, hostile input inert."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from auditor.models import Audit, ClassifiedResult, Ownership
from auditor.report.changes import compute_changes
from auditor.report.html import render_html
from tests.report.factories import SCORING, make_audit

HOSTILE_EVIDENCE = '<a href="https://emilietremblay.ca/" onclick="alert(1)">x</a><script>alert(2)</script>'


def _with(results: list[ClassifiedResult]) -> Audit:
    """The factory's audit with only these probable profiles (it has one of its own)."""
    audit = make_audit(2)
    kept = tuple(r for r in audit.results if r.ownership is not Ownership.PROBABLE_PROFILE)
    return replace(audit, results=kept + tuple(results))


def _result(url: str, position: int, **kwargs: object) -> ClassifiedResult:
    values: dict[str, object] = {"network": "malt", "ownership": Ownership.PROBABLE_PROFILE, "reason": "r"} | kwargs
    return ClassifiedResult("duckduckgo_html", "Émilie Tremblay", position, url, url, "Malt", "", **values)  # type: ignore[arg-type]


def _render(audit: Audit, lang: str) -> BeautifulSoup:
    html = render_html(audit, [audit], compute_changes(None, audit), lang=lang, scoring=SCORING)
    return BeautifulSoup(html, "lxml")


@pytest.mark.parametrize(
    ("lang", "heading", "marker"),
    [("en", "Is this you?", "labelled by you"), ("fr", "Est-ce vous\u00a0?", "marqué par vous")],
)
def test_probable_profiles_are_listed_once_at_their_best_position_with_evidence(
    lang: str, heading: str, marker: str
) -> None:
    audit = _with(
        [
            _result("https://www.malt.fr/profile/emilietremblay", 14, evidence=HOSTILE_EVIDENCE),
            _result("https://www.malt.fr/profile/emilietremblay", 9, evidence=HOSTILE_EVIDENCE),
            _result("https://emilie-tremblay.dev/", 12, network=None),
            _result("https://gitlab.com/etremblay", 15, ownership=Ownership.PROFILE, label="me"),
        ]
    )
    page = _render(audit, lang)
    section = page.select_one("section#probable")
    assert section is not None and section.h2 is not None and section.h2.get_text() == heading
    assert page.select_one('nav.toc a[href="#probable"]') is not None
    items = section.select("li")
    assert len(items) == 2
    assert ("#9" if lang == "en" else "n°\u00a09") in items[0].get_text()  # the best of its two positions
    assert not section.select("script") and not section.select("[onclick]")
    assert HOSTILE_EVIDENCE in items[0].get_text()  # shown as text, whole
    commands = [c.get_text() for c in section.select("code") if c.get_text().startswith("auditor label")]
    assert "auditor label 'https://www.malt.fr/profile/emilietremblay' me" in commands
    assert "auditor label 'https://emilie-tremblay.dev/' not-me" in commands
    badges = [b.get_text() for b in page.select("#results .badge.labelled")]
    assert badges == [marker]


def test_no_section_without_probable_profiles() -> None:
    page = _render(_with([]), "en")
    assert page.select_one("section#probable") is None
    assert page.select_one('nav.toc a[href="#probable"]') is None


def test_a_quote_in_the_url_cannot_break_out_of_the_shell_command() -> None:
    url = "https://example.org/o'brien;rm -rf ~"
    page = _render(_with([_result(url, 3, network=None)]), "en")
    commands = [c.get_text() for c in page.select("section#probable code")]
    assert f"auditor label '{url.replace(chr(39), chr(39) + chr(92) + chr(39) + chr(39))}' me" in commands
