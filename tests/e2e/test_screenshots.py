"""`auditor audit` with the browser engines, end to end: each results page's picture is kept in the history,
and the newest audit's report shows them as embedded thumbnails (and only it), also once re-rendered."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.sandbox import Sandbox, load_scenario
from tests.e2e.conftest import auditor
from tests.engines.fixtures import CONFIG, SCENARIO

pytestmark = pytest.mark.browser
REPORTS = Path("reports") / "noemie-gagnon"
THUMBNAIL = re.compile(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" width="480" height="\d+"')


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(SCENARIO)) as running:
        running.set_month(0)
        yield running


def test_screenshots_are_stored_and_the_newest_report_shows_them(tmp_path: Path, sandbox: Sandbox) -> None:
    config = tmp_path / "auditor.toml"
    text = CONFIG.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            'engines = ["brave", "serpapi", "serper", "mojeek", "google_cse"]', 'engines = ["browser_google"]'
        ).replace("depth = 20", "depth = 10"),
        encoding="utf-8",
    )
    for day in ("2026-01-01", "2026-02-01"):
        run = auditor("audit", "-c", str(config), "--sandbox", sandbox.url, "--as-of", day, "-q")
        assert run.code == 0, run.stderr

    with sqlite3.connect(tmp_path / "auditor.db") as db:
        rows = db.execute(
            "SELECT audit_id, engine, query, page, length(png), width, error FROM screenshots ORDER BY raw_id"
        ).fetchall()
    # One query each (the bare name and the qualified one), one page each, two audits.
    assert [(r[0], r[1], r[3], r[5], r[6]) for r in rows] == [
        (audit, "browser_google", 1, 480, None) for audit in (1, 1, 2, 2)
    ]
    assert all(0 < r[4] <= 120_000 for r in rows)

    def shown(name: str) -> int:
        return len(THUMBNAIL.findall((tmp_path / REPORTS / name).read_text(encoding="utf-8")))

    # Each audit's page was the newest when it was written.
    assert (shown("latest.html"), shown("2026-02-01.html"), shown("2026-01-01.html")) == (2, 2, 2)
    rendered = auditor("report", "latest", "-c", str(config))
    assert rendered.code == 0, rendered.stderr
    assert shown("latest.html") == 2
    # Rendered again together, only the newest audit's pages carry pictures: the history keeps the others.
    rendered = auditor("report", "all", "-c", str(config))
    assert rendered.code == 0, rendered.stderr
    assert (shown("latest.html"), shown("2026-02-01.html"), shown("2026-01-01.html")) == (2, 2, 0)
    # Written elsewhere with -o: the newest audit's page keeps its pictures, an older one's has none.
    for which, expected in (("latest", 2), ("1", 0)):
        page = tmp_path / f"elsewhere-{which}.html"
        rendered = auditor("report", which, "-c", str(config), "-o", str(page))
        assert rendered.code == 0, rendered.stderr
        assert len(THUMBNAIL.findall(page.read_text(encoding="utf-8"))) == expected, which
