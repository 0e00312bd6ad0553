"""Launch headless Chromium through Playwright for the report's browser tests.

Playwright's own browser build cannot be downloaded everywhere, so Debian's `/usr/bin/chromium` is used when
Playwright has none. A missing browser is a failure with a message saying what to install, never a skip:
these tests are the proof that hostile content stays inert (DESIGN.md section 9).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ARGS = [
    "--no-sandbox",  # CI containers run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",  # no update checks or field trials: the tests count requests
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _executable(playwright: Any) -> str | None:
    """None means Playwright's own Chromium, when it is installed; else the first system Chromium found."""
    override = os.environ.get("AUDITOR_CHROMIUM")
    if override:
        return override
    try:
        if Path(playwright.chromium.executable_path).exists():
            return None
    except Exception:
        pass
    for candidate in (*SYSTEM_CHROMIUM, shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail(
        "no Chromium for the browser tests: install Debian's `chromium` package, run "
        "`playwright install chromium`, or set AUDITOR_CHROMIUM to a Chromium binary",
        pytrace=False,
    )


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser, closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need the `playwright` Python package", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_executable(playwright), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
