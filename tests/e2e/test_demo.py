"""`auditor demo`: six months of a fictional freelancer, a trend, what changed, one partial month; and the
report it wrote, opened in headless Chromium."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium
from tests.e2e.conftest import auditor, read_json

REPORTS = Path("reports") / "emilie-tremblay"
HOSTILE_TITLE_PART = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "demo"
    run = auditor("demo", "--dir", str(target))
    assert run.code == 0, run.stderr
    assert str(target / REPORTS / "latest.html") in run.stdout
    assert f"auditor history -c {target / 'auditor.toml'}" in run.stdout
    return target


def _history(directory: Path) -> list[dict[str, Any]]:
    run = auditor("history", "-c", str(directory / "auditor.toml"), "--json")
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_demo_runs_six_months_and_leaves_an_explorable_history(demo_dir: Path) -> None:
    rows = _history(demo_dir)
    assert [r["as_of"] for r in rows] == [f"2026-{m:02d}-01" for m in range(6, 12)]
    statuses = [r["status"] for r in rows]
    assert "partial" in statuses, "the scenario's faulty month should leave a partial audit"
    assert statuses.count("complete") >= 4
    scores = [r["overall"] for r in rows]
    assert all(s is not None for s in scores)
    assert scores[-1] > scores[0] + 20, f"she fixes things and climbs: {scores}"

    html = (demo_dir / REPORTS / "latest.html").read_text(encoding="utf-8")
    assert "<svg" in html, "the latest report has no trend chart"
    last = read_json(demo_dir / REPORTS / "2026-11-01.json")
    assert last["changes"]["has_previous"] is True


def test_demo_twice_does_not_double_the_history(tmp_path: Path) -> None:
    target = tmp_path / "again"
    for _ in range(2):
        assert auditor("demo", "--dir", str(target), "--quiet").code == 0
    assert len(_history(target)) == 6


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo_report_renders_offline_and_inert_in_chromium(demo_dir: Path, lang: str) -> None:
    report = demo_dir / f"latest-{lang}.html"
    rendered = auditor("report", "latest", "-c", str(demo_dir / "auditor.toml"), "--lang", lang, "-o", str(report))
    assert rendered.code == 0, rendered.stderr
    assert HOSTILE_TITLE_PART in json.dumps(read_json(demo_dir / REPORTS / "2026-11-01.json"), ensure_ascii=False)

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        requests: list[str] = []
        dialogs: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(report.as_uri(), wait_until="load")
        page.wait_for_timeout(300)  # time for anything deferred to misbehave

        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("#summary-h").is_visible()
        assert page.get_by_text("Émilie Tremblay").count() >= 1
        assert errors == []
        assert dialogs == []
        assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
        assert page.locator('a[href^="javascript:" i]').count() == 0
        assert page.locator("script").count() == 0
        assert page.locator("svg").count() >= 2
        assert page.get_by_text(HOSTILE_TITLE_PART, exact=False).count() >= 1  # shown as text, not run
        artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / f"demo-{lang}.png"))


def _bottom(page: Any, selector: str) -> float:
    """Where the last element matching `selector` ends, from the top of the page (CSS pixels)."""
    return float(
        page.evaluate(
            "s => Math.max(...[...document.querySelectorAll(s)].map(e => e.getBoundingClientRect().bottom"
            " + window.scrollY))",
            selector,
        )
    )


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo_report_leads_with_the_verdict_the_score_and_the_top_actions(demo_dir: Path, lang: str) -> None:
    report = demo_dir / f"first-screen-{lang}.html"
    rendered = auditor("report", "latest", "-c", str(demo_dir / "auditor.toml"), "--lang", lang, "-o", str(report))
    assert rendered.code == 0, rendered.stderr
    actions = read_json(demo_dir / REPORTS / "2026-11-01.json")["recommendations"][:3]
    assert actions, "the demo's last audit should have something to do"
    with chromium() as browser:
        for width, height in ((1280, 900), (375, 812)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(report.as_uri(), wait_until="load")
            # The first screen: the verdict, the score with its change and its sparkline, the top actions.
            for selector in (".verdict", "#summary .card.main .v", "#summary .card.main .d", "svg.spark"):
                assert page.locator(selector).count() == 1, selector
                assert _bottom(page, selector) <= height, f"{selector} below the first screen at {width}px"
            items = page.locator("ol.top-actions > li")
            assert items.count() == len(actions)
            assert _bottom(page, "ol.top-actions > li") <= height, f"top actions below the first screen at {width}px"
            texts = [items.nth(i).inner_text() for i in range(items.count())]
            assert any("Malt" in t for t in texts) and any("LinkedIn" in t for t in texts), texts
            gain = "+0,5 point" if lang == "fr" else "+0.5 points"
            assert any(gain in t for t in texts), texts
            assert page.locator(".verdict").inner_text().endswith(".")
            page.close()

        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(report.as_uri(), wait_until="load")
        tall = page.evaluate("document.documentElement.scrollHeight")
        assert tall <= 6000, f"the report is {tall} px tall with its folds closed"
        # Long tables are folded on screen and open on paper.
        assert page.locator("#results details").count() >= 2
        assert not page.locator("#results td.wrap").first.is_visible()
        page.emulate_media(media="print")
        assert page.locator("#results td.wrap").first.is_visible()
        assert page.locator("#trends details table").first.is_visible()
        page.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_sentence_of_the_demo_reports_is_in_their_language(demo_dir: Path, lang: str) -> None:
    from tests.report.language import foreign_sentences

    config = str(demo_dir / "auditor.toml")
    found = {}
    for row in _history(demo_dir):
        page = demo_dir / f"audit-{row['id']}-{lang}.html"
        rendered = auditor("report", str(row["id"]), "-c", config, "--lang", lang, "-o", str(page))
        assert rendered.code == 0, rendered.stderr
        html = page.read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in html
        found[row["as_of"]] = foreign_sentences(html, lang)
    assert all(not sentences for sentences in found.values()), found


def _panels(directory: Path, day: str) -> list[tuple[str, str, bool, str]]:
    report = read_json(directory / REPORTS / f"{day}.json")
    return [
        (f["engine"], f["query"], f["is_persons"], f["reason_code"])
        for f in report["serp_features"]
        if f["kind"] == "knowledge_panel"
    ]


def test_demo_panel_goes_from_a_namesakes_to_hers_and_rescoring_reads_it_again(demo_dir: Path) -> None:
    # June: SearXNG's infobox for her name is her namesake's: recorded with its reason, never hers.
    assert _panels(demo_dir, "2026-06-01") == [("searxng", "Émilie Tremblay", False, "panel_namesake")]
    november = _panels(demo_dir, "2026-11-01")
    assert ("searxng", "Émilie Tremblay", True, "panel_cites_own") in november
    assert ("searxng", "Émilie Tremblay architecte infonuagique", True, "panel_cites_own") in november
    readiness = {i["id"]: i["ready"] for i in read_json(demo_dir / REPORTS / "2026-11-01.json")["panel_readiness"]}
    assert readiness["person_schema"] and readiness["person_sameas"] and not readiness["wikidata"]
    html = (demo_dir / REPORTS / "latest.html").read_text(encoding="utf-8")
    assert 'id="beyond"' in html and "Wikidata a des règles d’admissibilité" in html

    # Rescoring reads them again from the stored answers: wiped from the stored audits, they come back.
    database = demo_dir / "auditor.db"
    stored = _stored_panels(database)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE audits SET data = json_set(data, '$.serp_features', json('[]'))")
    assert all(not panels for panels in _stored_panels(database).values())
    run = auditor("rescore", "all", "-c", str(demo_dir / "auditor.toml"), "--json")
    assert run.code == 0, run.stderr
    assert _stored_panels(database) == stored


def _stored_panels(database: Path) -> dict[str, list[str]]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT as_of, (SELECT json_group_array(json_extract(f.value, '$.reason_code'))"
            " FROM json_each(audits.data, '$.serp_features') AS f"
            " WHERE json_extract(f.value, '$.kind') = 'knowledge_panel') FROM audits ORDER BY as_of"
        ).fetchall()
    return {day: json.loads(panels) for day, panels in rows}
