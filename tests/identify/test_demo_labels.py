"""End to end on the demo scenario: her unconfigured Malt page is found probable from its link to her site,
shown as "Is this you?", kept out of the score; once labelled `me` the next audit (and a rescore) counts it
as hers and the visibility score rises. The namesake's own site is a namesake, not a mention."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.sandbox import DEMO_SCENARIO, Sandbox, load_scenario
from auditor.store import Store
from tests.e2e.conftest import auditor, read_json

MALT = "https://www.malt.fr/profile/emilietremblay"
NAMESAKE_SITE = "https://emilietremblayrh.ca/"
REPORTS = Path("reports") / "emilie-tremblay"


@pytest.fixture(scope="module")
def demo_sandbox() -> Iterator[Sandbox]:
    scenario = load_scenario(DEMO_SCENARIO)
    with Sandbox(scenario) as running:
        running.set_month(len(scenario.months) - 1)  # 2026-11: Malt ranks on the first page
        yield running


def _audit(config: Path, sandbox: Sandbox, as_of: str) -> dict[str, Any]:
    run = auditor("audit", "-c", str(config), "--sandbox", sandbox.url, "--as-of", as_of, "--quiet", "--lang", "en")
    assert run.code == 0, run.stderr
    return read_json(config.parent / REPORTS / f"{as_of}.json")  # type: ignore[no-any-return]


def _rows(report: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [r for r in report["results"] if r["url"] == url]


def test_probable_profile_confirmed_by_a_label_counts_in_the_next_audit(tmp_path: Path, demo_sandbox: Sandbox) -> None:
    config = tmp_path / "auditor.toml"
    shutil.copyfile(DEMO_SCENARIO.with_name("demo.auditor.toml"), config)

    first = _audit(config, demo_sandbox, "2026-11-01")
    malt = _rows(first, MALT)
    assert malt and {r["ownership"] for r in malt} == {"probable_profile"}
    assert 'href="https://emilietremblay.ca/"' in malt[0]["evidence"]
    assert "links to your site" in malt[0]["reason"] and malt[0]["label"] is None
    assert {r["ownership"] for r in _rows(first, NAMESAKE_SITE)} == {"namesake"}
    html = (config.parent / REPORTS / "2026-11-01.html").read_text(encoding="utf-8")
    assert 'id="probable"' in html and "Is this you?" in html
    assert "auditor label 'https://malt.fr/profile/emilietremblay' me" in html
    assert any(
        r["id"] == "confirm_probable_profile:https://malt.fr/profile/emilietremblay" for r in first["recommendations"]
    )

    labelled = auditor("label", "-c", str(config), MALT, "me")
    assert labelled.code == 0, labelled.stderr

    second = _audit(config, demo_sandbox, "2026-11-02")
    malt = _rows(second, MALT)
    assert {(r["ownership"], r["label"]) for r in malt} == {("profile", "me")}
    assert second["scores"]["visibility"] > first["scores"]["visibility"]
    assert second["scores"]["overall"] > first["scores"]["overall"]
    html = (config.parent / REPORTS / "2026-11-02.html").read_text(encoding="utf-8")
    assert 'class="badge labelled"' in html and "labelled by you" in html
    assert 'id="probable"' not in html  # nothing left to confirm
    # In the profiles table like a configured profile, at its best position, said to be labelled by the user.
    profiles = html.split('<section id="profiles"')[1].split("</section>")[0]
    row = next(tr for tr in profiles.split("<tr") if "malt.fr/profile/emilietremblay" in tr)
    assert "labelled by you" in row and "Malt" in row
    assert f"#{min(r['position'] for r in malt)}<" in row

    # A rescore applies today's labels to the stored audit too, from its stored responses.
    rescored = auditor("rescore", "all", "-c", str(config))
    assert rescored.code == 0, rescored.stderr
    with Store.open(config.parent / "auditor.db", write=False) as store:
        before = store.finished_audits("Émilie Tremblay")[0]
    assert {r.ownership.value for r in before.results if r.url == MALT} == {"profile"}
    assert before.scores.visibility == pytest.approx(second["scores"]["visibility"])
