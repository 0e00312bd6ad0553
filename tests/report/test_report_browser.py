"""The report in real headless Chromium: it renders, stays inert, and fetches nothing.

Never skipped: without a browser these tests fail and say what to install (see browser.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.report import write_report
from tests.browser import chromium
from tests.report.factories import HOSTILE_TITLE, SCORING, make_history

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HEADINGS = {"en": "Summary", "fr": "Résumé"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Any:
    with chromium() as instance:
        yield instance


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_renders_inert_and_offline(lang: str, tmp_path: Path, browser: Any) -> None:
    history = make_history(hostile=True)
    paths = write_report(history[-1], history, reports_dir=tmp_path, lang=lang, scoring=SCORING)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(paths.latest.as_uri(), wait_until="load")
        heading = page.locator("#summary-h")
        assert heading.is_visible()
        assert heading.inner_text() == HEADINGS[lang]
        assert page.locator("html").get_attribute("lang") == lang

        page.wait_for_timeout(300)  # time for anything deferred to misbehave
        assert errors == []
        assert dialogs == []
        outside = [u for u in requests if not u.startswith(("file://", "data:"))]
        assert outside == []
        assert page.locator('a[href^="javascript:" i]').count() == 0
        assert page.locator("script").count() == 0
        assert page.locator("svg.chart").count() == 3
        assert page.get_by_text(HOSTILE_TITLE, exact=True).count() >= 1  # shown as text, not run

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-{lang}.png"))

        page.goto(paths.index.as_uri(), wait_until="load")
        assert page.locator("tbody tr").count() == 3  # every audit is listed ...
        assert page.locator("tbody a").count() == 1  # ... and linked only where its file exists
        assert errors == [] and dialogs == []
        assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    finally:
        page.close()


def test_report_fits_a_phone_screen(tmp_path: Path, browser: Any) -> None:
    history = make_history(hostile=True)
    paths = write_report(history[-1], history, reports_dir=tmp_path, lang="fr", scoring=SCORING)
    page = browser.new_page(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    try:
        page.goto(paths.html.as_uri(), wait_until="load")
        # Long titles and URLs wrap; wide tables scroll inside their own box, never the page.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-fr-phone.png"))
    finally:
        page.close()
