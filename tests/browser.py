"""Launch headless Chromium through Playwright for the report's browser tests.

Playwright's own browser build cannot be downloaded everywhere, so Debian's `/usr/bin/chromium` is used when
Playwright has none. A missing browser is a failure with a message saying what to install, never a skip:
these tests are the proof that hostile content stays inert (DESIGN.md section 9).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from auditor.net.browser import CHROMIUM_ARGS, BrowserUnavailable, chromium_executable


def _executable(playwright: Any) -> str | None:
    try:
        return chromium_executable(playwright)
    except BrowserUnavailable as exc:
        pytest.fail(f"{exc}: {exc.tip}", pytrace=False)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser, closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need the `playwright` Python package", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_executable(playwright), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()
