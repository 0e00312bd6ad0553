"""The report in real headless Chromium: it renders, stays inert, fetches nothing, and fits a phone and paper.

Never skipped: without a browser these tests fail and say what to install (see browser.py). Screenshots of
the first screen land in `test-artifacts/` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.report.changes import compute_changes
from auditor.report.html import ReportPaths, write_report
from tests.browser import chromium
from tests.report.factories import HOSTILE_TITLE, LONG_WORD, SCORING, make_failed, make_history

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HEADINGS = {"en": "Summary", "fr": "Résumé"}
LOCAL = ("file://", "data:")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Any:
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportPaths]:
    """May's report (hostile and very long results, three months of history) in each language."""
    history = make_history(hostile=True)
    return {
        lang: write_report(history[-1], history, reports_dir=tmp_path_factory.mktemp(lang), lang=lang, scoring=SCORING)
        for lang in ("en", "fr")
    }


class Watch:
    """Console errors, page errors, requests and dialogs of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def assert_quiet(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert [u for u in self.requests if not u.startswith(LOCAL)] == []


def _overflow(page: Any) -> int:
    """How far the page is wider than the window (> 0: a horizontal scroll bar on the whole page)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _results_overflow(page: Any) -> int:
    """How far the widest results table scrolls sideways inside its box: long titles must wrap instead."""
    return int(
        page.evaluate(
            """Math.max(0, ...[...document.querySelectorAll('#results .table-wrap')]
                .map(w => w.scrollWidth - w.clientWidth))"""
        )
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_renders_inert_and_offline(lang: str, reports: dict[str, ReportPaths], browser: Any) -> None:
    paths = reports[lang]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page)
    try:
        page.goto(paths.latest.as_uri(), wait_until="load")
        heading = page.locator("#summary-h")
        assert heading.is_visible()
        assert heading.inner_text() == HEADINGS[lang]
        assert page.locator("html").get_attribute("lang") == lang

        page.wait_for_timeout(300)  # time for anything deferred to misbehave
        watch.assert_quiet()
        assert page.locator('a[href^="javascript:" i]').count() == 0
        assert page.locator("script").count() == 0
        assert page.locator("svg.chart").count() == 3
        assert page.locator("#trends svg.chart").count() == 3  # scores, and positions on each engine
        assert page.get_by_text(HOSTILE_TITLE, exact=True).count() >= 1  # shown as text, not run
        # Colour never speaks alone: every coloured badge carries words.
        empty = page.locator(".badge").evaluate_all("els => els.filter(e => !e.textContent.trim()).length")
        assert empty == 0 and page.locator(".badge").count() > 20

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-{lang}.png"))  # the first screen

        page.goto(paths.index.as_uri(), wait_until="load")
        assert page.locator("tbody tr").count() == 3  # every audit is listed ...
        assert page.locator("tbody a").count() == 1  # ... and linked only where its file exists
        watch.assert_quiet()
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_very_long_titles_snippets_and_urls_do_not_break_the_layout(
    lang: str, reports: dict[str, ReportPaths], browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(reports[lang].html.as_uri(), wait_until="load")
        assert page.get_by_text(LONG_WORD[:40]).count() >= 1  # the 2,000-character word is there ...
        assert _overflow(page) <= 0  # ... and wraps: no sideways scroll, on the page or in the results
        assert _results_overflow(page) <= 0
        cell = page.locator("#results td.wrap", has_text=LONG_WORD[:40]).first
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_fits_a_phone_screen(lang: str, reports: dict[str, ReportPaths], browser: Any) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    watch = Watch(page)
    try:
        page.goto(reports[lang].html.as_uri(), wait_until="load")
        # Long titles and URLs wrap; wide tables become cards or scroll inside their own box, never the page.
        assert _overflow(page) <= 0
        assert _results_overflow(page) <= 0
        assert page.locator("#summary .card.main").is_visible()
        watch.assert_quiet()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-{lang}-phone.png"))
    finally:
        page.close()


def test_report_prints_on_paper(reports: dict[str, ReportPaths], browser: Any) -> None:
    # A4 at 96 dpi, with the print style sheet: nothing wider than the page, the navigation gone.
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    try:
        page.emulate_media(media="print")
        page.goto(reports["fr"].html.as_uri(), wait_until="load")
        assert _overflow(page) <= 0
        assert not page.locator("nav.toc").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.pdf(path=str(ARTIFACTS / "report-fr.pdf"), format="A4", print_background=True)
        assert (ARTIFACTS / "report-fr.pdf").stat().st_size > 10_000
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_audit_where_every_engine_failed_still_reads(lang: str, tmp_path: Path, browser: Any) -> None:
    failed = make_failed()
    paths = write_report(failed, [failed], reports_dir=tmp_path, lang=lang, scoring=SCORING)
    assert compute_changes(None, failed).has_previous is False
    page = browser.new_page(viewport={"width": 375, "height": 812}, is_mobile=True)
    watch = Watch(page)
    try:
        page.goto(paths.html.as_uri(), wait_until="load")
        summary = page.locator("#summary").inner_text()
        assert ("Every engine failed" if lang == "en" else "Tous les moteurs ont échoué") in summary
        assert page.locator("#trends").count() == 0  # no history: no trend section, not an empty chart
        assert page.locator("svg").count() == 0
        assert _overflow(page) <= 0
        watch.assert_quiet()
    finally:
        page.close()
