"""`auditor audit` of the verify scenario: one profile per source, with verdicts, evidence, consistency and the
site's checks in the JSON and the HTML report; then the month her site is down."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from auditor.sandbox import DEMO_SCENARIO, Sandbox, load_scenario
from tests.e2e.conftest import auditor, read_json

pytestmark = pytest.mark.browser  # the config holds an X profile: Chromium renders it

VERIFY_SCENARIO = DEMO_SCENARIO.with_name("verify.toml")
REPORTS = Path("reports") / "noemie-gagnon"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, int]]:
    directory = tmp_path_factory.mktemp("verify")
    config = directory / "auditor.toml"
    shutil.copyfile(VERIFY_SCENARIO.with_name("verify.auditor.toml"), config)
    with Sandbox(load_scenario(VERIFY_SCENARIO)) as sandbox:
        first = auditor("audit", "-c", str(config), "--sandbox", sandbox.url, "--as-of", "2026-03-01", "--quiet")
        assert first.code == 0, first.stderr
        sandbox.set_month(1)
        down = auditor("audit", "-c", str(config), "--sandbox", sandbox.url, "--as-of", "2026-04-01", "--quiet")
    yield directory, first.code, down.code


def report(directory: Path, date: str) -> dict[str, Any]:
    return read_json(directory / REPORTS / f"{date}.json")


def test_each_profile_has_its_verdict_from_its_source(audited: tuple[Path, int, int]) -> None:
    data = report(audited[0], "2026-03-01")
    assert data["status"] == "complete"  # a login wall is an answer, not a failed check
    profiles = {p["network"]: p for p in data["profiles"]}
    got = {key: (p["linkback"]["verdict"], p["linkback"]["source"]) for key, p in profiles.items()}
    assert got == {
        "github": ("linked", "api:github"),
        "mastodon": ("linked", "api:mastodon"),
        "stackoverflow": ("linked", "api:stackexchange"),
        "bluesky": ("linked", "api:bluesky"),
        "linkedin": ("unverifiable", "html"),
        "x": ("linked_via_redirect", "browser"),
        "malt": ("linked", "html"),
    }
    for profile in profiles.values():
        assert profile["linkback"]["reason"]
        assert profile["linkback"]["final_url"]
    assert profiles["linkedin"]["linkback"]["evidence"] == "HTTP 999"
    assert profiles["linkedin"]["linkback"]["status_code"] == 999
    assert profiles["malt"]["linkback"]["nofollow"] is True
    assert profiles["malt"]["display_name"] == "Noémie Gagnon"  # a windows-1252 page, decoded


def test_consistency_lists_the_odd_name_and_advises(audited: tuple[Path, int, int]) -> None:
    data = report(audited[0], "2026-03-01")
    assert data["consistency"] == [
        {
            "field": "display_name",
            "profile_a": "x",
            "value_a": "Noémie G.",
            "profile_b": "config",
            "value_b": "Noémie Gagnon",
        }
    ]
    assert data["scores"]["consistency"] is not None and data["scores"]["consistency"] < 100
    rules = {r["id"]: r for r in data["recommendations"]}
    assert "«\u00a0Noémie G.\u00a0»" in rules["inconsistent_names:x"]["message"]  # French no-break spaces
    assert "check_by_hand:linkedin" in rules


def test_the_site_passes_every_check(audited: tuple[Path, int, int]) -> None:
    checks = {c["id"]: c for c in report(audited[0], "2026-03-01")["site"]["checks"]}
    assert all(c["passed"] for c in checks.values()), checks
    assert set(checks) == {
        "https",
        "title_has_name",
        "description_has_name",
        "not_noindex",
        "canonical",
        "rel_me",
        "jsonld_sameas",
    }


def test_the_report_shows_evidence_status_and_final_url(audited: tuple[Path, int, int]) -> None:
    page = (audited[0] / REPORTS / "2026-03-01.html").read_text(encoding="utf-8")
    profiles = BeautifulSoup(page, "html.parser").find("section", id="profiles")
    assert profiles is not None
    text = profiles.get_text(" ", strip=True)
    assert "HTTP 999" in text and "API GitHub" in text and "navigateur" in text
    assert 'blog: "https://noemiegagnon.ca"' in text
    assert "Comment vos profils vous présentent" in text and "Noémie G." in text


def test_a_site_that_is_down_is_partial_with_its_reason_never_a_false_not_linked(
    audited: tuple[Path, int, int],
) -> None:
    directory, _, code = audited
    assert code == 3
    data = report(directory, "2026-04-01")
    assert data["status"] == "partial"
    (check,) = data["site"]["checks"]
    assert check["id"] == "https" and not check["passed"] and "did not answer" in check["detail"]
    assert data["scores"]["site"] is None  # unmeasured, not zero
    verdicts = {p["network"]: p["linkback"]["verdict"] for p in data["profiles"]}
    assert "not_linked" not in verdicts.values()
    assert verdicts["x"] == "linked_via_redirect"  # t.co still leads to the site that did not answer


def test_rescore_rebuilds_each_verdict_from_the_stored_answers_links_followed_included(
    audited: tuple[Path, int, int], tmp_path: Path
) -> None:
    # On a copy: the other tests read the audited directory's reports.
    directory = audited[0]
    for name in ("auditor.toml", "auditor.db"):
        shutil.copyfile(directory / name, tmp_path / name)
    config = str(tmp_path / "auditor.toml")
    rescored = auditor("rescore", "all", "-c", config)
    assert rescored.code == 0, rescored.stderr
    for date in ("2026-03-01", "2026-04-01"):
        rendered = auditor("report", "1" if date == "2026-03-01" else "2", "-c", config)
        assert rendered.code == 0, rendered.stderr
        before = {p["network"]: p for p in report(directory, date)["profiles"]}
        after = {p["network"]: p for p in report(tmp_path, date)["profiles"]}
        # Verdict, reason, evidence (the t.co chain the browser's page led to), source, final URL, status.
        assert after == before, date
        assert after["x"]["linkback"]["verdict"] == "linked_via_redirect"
    down = {p["network"]: p for p in report(tmp_path, "2026-04-01")["profiles"]}
    assert "did not answer" in down["x"]["linkback"]["reason"]  # the chain reached the site, which was down
