"""`auditor confirm`: the user's own check of a profile behind a login wall (LinkedIn in the demo) counts as
its link-back, says so in the report with its date, and lapses after `[report] manual_check_months`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.sandbox import DEMO_SCENARIO, Sandbox, load_scenario
from auditor.store import Store
from auditor.store.manual_checks import save_check
from auditor.verify.manual import CheckState, ManualCheck
from tests.e2e.conftest import auditor, read_json

LINKEDIN = "https://www.linkedin.com/in/emilietremblay"
REPORTS = Path("reports") / "emilie-tremblay"


@pytest.fixture(scope="module")
def demo_sandbox() -> Iterator[Sandbox]:
    scenario = load_scenario(DEMO_SCENARIO)
    with Sandbox(scenario) as running:
        running.set_month(len(scenario.months) - 1)
        yield running


@pytest.fixture
def config(tmp_path: Path) -> Path:
    target = tmp_path / "auditor.toml"
    shutil.copyfile(DEMO_SCENARIO.with_name("demo.auditor.toml"), target)
    return target


def _audit(config: Path, sandbox: Sandbox, as_of: str) -> dict[str, Any]:
    run = auditor("audit", "-c", str(config), "--sandbox", sandbox.url, "--as-of", as_of, "--quiet", "--lang", "en")
    assert run.code == 0, run.stderr
    return read_json(config.parent / REPORTS / f"{as_of}.json")  # type: ignore[no-any-return]


def _linkedin(report: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in report["profiles"] if p["network"] == "linkedin")["linkback"]  # type: ignore[no-any-return]


def _rules(report: dict[str, Any]) -> set[str]:
    return {r["id"] for r in report["recommendations"]}


def test_a_url_that_is_not_one_of_the_profiles_is_refused_and_nothing_written(config: Path) -> None:
    for args in (("https://example.org/someone", "linked"), (LINKEDIN, "maybe"), ("not a url", "linked")):
        run = auditor("confirm", *args, "-c", str(config))
        assert run.code == 2, run.stderr
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error:"), lines
    assert not (config.parent / "auditor.db").exists(), "nothing written"


def test_a_confirmed_profile_counts_as_the_user_said_until_the_check_is_old(
    config: Path, demo_sandbox: Sandbox
) -> None:
    before = _audit(config, demo_sandbox, "2026-11-01")
    assert _linkedin(before)["verdict"] == "unverifiable"
    assert "check_by_hand:linkedin" in _rules(before)
    html = (config.parent / REPORTS / "2026-11-01.html").read_text(encoding="utf-8")
    assert f"auditor confirm {LINKEDIN} linked" in html  # the way to record a check is offered

    # Any spelling of the configured URL; `not-linked`: the link-back score counts it as missing.
    run = auditor("confirm", "https://linkedin.com/in/EmilieTremblay/", "not-linked", "-c", str(config))
    assert run.code == 0, run.stderr
    listed = json.loads(auditor("confirm", "--list", "--json", "-c", str(config)).stdout)
    assert [(c["state"], c["checked_on"]) for c in listed] == [("not-linked", dt.date.today().isoformat())]
    rescored = auditor("rescore", "latest", "-c", str(config))
    assert rescored.code == 0, rescored.stderr
    after = read_json(config.parent / REPORTS / "2026-11-01.json")
    assert (_linkedin(after)["verdict"], _linkedin(after)["source"]) == ("not_linked", "manual")
    assert after["scores"]["linkback"] < before["scores"]["linkback"]
    assert "check_by_hand:linkedin" not in _rules(after) and "add_site_link:linkedin" in _rules(after)

    assert auditor("confirm", LINKEDIN, "linked", "-c", str(config)).code == 0
    linked = _audit(config, demo_sandbox, "2026-11-02")
    assert _linkedin(linked)["verdict"] == "linked"
    assert "check_by_hand:linkedin" not in _rules(linked) and "add_site_link:linkedin" not in _rules(linked)
    page = (config.parent / REPORTS / "2026-11-02.html").read_text(encoding="utf-8")
    today = dt.date.today()
    assert f"Checked by you on {today:%B} {today.day}, {today.year}: it links to your site." in page

    # A check older than [report] manual_check_months (6) no longer stands: the recommendation comes back.
    with Store.open(config.parent / "auditor.db") as store:
        save_check(
            store,
            "Émilie Tremblay",
            ManualCheck("https://linkedin.com/in/emilietremblay", CheckState.LINKED, dt.date(2026, 4, 30)),
        )
    stale = _audit(config, demo_sandbox, "2026-11-03")
    assert _linkedin(stale)["verdict"] == "unverifiable"
    assert "check_by_hand:linkedin" in _rules(stale)

    removed = auditor("confirm", "--remove", LINKEDIN, "-c", str(config))
    assert removed.code == 0 and "Removed" in removed.stdout
    assert json.loads(auditor("confirm", "--list", "--json", "-c", str(config)).stdout) == []
