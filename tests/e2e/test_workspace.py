"""Workspaces: many people in one config, audited in one run through one paced client, never mixed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from auditor.audit import agency
from auditor.audit.agency import audit_workspace
from auditor.audit.demo_people import generate, person_name, run_people_demo
from auditor.audit.workspace import load_workspace
from auditor.report.agency import sparkline
from auditor.sandbox import Sandbox, load_scenario
from auditor.store import Store
from tests.e2e.conftest import auditor

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture
def people_sandbox(tmp_path: Path) -> Iterator[tuple[Sandbox, Path]]:
    """A generated scenario of four people and its workspace in `tmp_path`."""
    scenario, workspace = generate(4)
    (tmp_path / "people.scenario.toml").write_text(scenario, encoding="utf-8")
    (tmp_path / "workspace.toml").write_text(workspace, encoding="utf-8")
    with Sandbox(load_scenario(tmp_path / "people.scenario.toml")) as running:
        yield running, tmp_path / "workspace.toml"


def _people(database: Path) -> set[str]:
    with Store.open(database, write=False) as store:
        return {row.person for row in store.rows()}


def test_one_run_audits_everyone_each_in_their_own_history(tmp_path: Path) -> None:
    demo = run_people_demo(tmp_path, 7)
    assert [r.slug for r in demo.run.results] == [f"p{i:03d}" for i in range(1, 8)]
    for index, result in enumerate(demo.run.results):
        assert result.outcome is not None, result.error
        assert _people(tmp_path / "history" / f"{result.slug}.db") == {person_name(index)}
        assert result.outcome.paths.html.exists()
    # The seventh person's site answers HTTP 500: their audit is partial, the others' complete, and the run's
    # exit code is the worst person's.
    statuses = [r.outcome.audit.status.value for r in demo.run.results if r.outcome]
    assert statuses == ["complete"] * 6 + ["partial"]
    assert demo.run.exit_code == 3


def test_every_engine_host_is_paced_and_people_interleave(tmp_path: Path) -> None:
    # Intervals of 100 ms (not the sandbox's 20): a loaded machine's scheduling noise stays well inside the
    # tolerance.
    demo = run_people_demo(tmp_path, 6, time_scale=0.1)
    engines = {h.host: h for h in demo.hosts if h.host in ("html.duckduckgo.com", "searx.sandbox.example")}
    assert set(engines) == {"html.duckduckgo.com", "searx.sandbox.example"}
    for host in engines.values():
        assert host.interval > 0  # SearXNG included
        assert host.requests >= 6
    # No two requests to one host closer than its interval: as the pacer timed them (a lower bound of what the
    # host saw; clock resolution only), with every request the sandbox received let go by the pacer; and the
    # sandbox's own stamps, which lag on a loaded machine, with a tolerance for that.
    assert demo.unpaced() == []
    assert demo.paced_violations() == []
    assert demo.sandbox_violations(tolerance=0.8) == []
    # Interleaved: the first six SearXNG requests are six different people's first pages, not one person's pages
    # one after the other.
    asked = [
        parse_qs(urlsplit(e.path).query)["q"][0]
        for e in sorted(demo.exchanges, key=lambda e: e.started)
        if e.host == "searx.sandbox.example"
    ]
    assert len(set(asked[:6])) == 6


def test_one_persons_failure_never_stops_the_others(
    people_sandbox: tuple[Sandbox, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox, path = people_sandbox
    real = agency.run_audit

    async def failing_for_the_second(config, fetcher, **kwargs):  # type: ignore[no-untyped-def]
        if config.person.name == person_name(1):
            raise RuntimeError("boom")
        return await real(config, fetcher, **kwargs)

    monkeypatch.setattr(agency, "run_audit", failing_for_the_second)
    workspace = load_workspace(path)
    run = audit_workspace(workspace, list(workspace.people), as_of=AS_OF, sandbox_url=sandbox.url)
    by_slug = {r.slug: r for r in run.results}
    assert by_slug["p002"].outcome is None and "boom" in by_slug["p002"].error
    assert all(by_slug[s].outcome is not None for s in ("p001", "p003", "p004"))
    assert run.exit_code == 4
    # The failed audit stays incomplete: `--resume` finishes it, and only it.
    monkeypatch.setattr(agency, "run_audit", real)
    resumed = audit_workspace(workspace, list(workspace.people), as_of=AS_OF, sandbox_url=sandbox.url, resume=True)
    assert [r.slug for r in resumed.results] == ["p002"]
    assert resumed.results[0].outcome is not None
    with Store.open(workspace.people["p002"].database_path, write=False) as store:
        assert [r.status.value for r in store.rows()] == ["complete"]


def test_cli_audits_a_workspace_and_history_reads_one_person(people_sandbox: tuple[Sandbox, Path]) -> None:
    sandbox, path = people_sandbox
    run = auditor("audit", "-c", str(path), "--sandbox", sandbox.url, "--as-of", "2026-06-01", "--person", "p001",
                  "--person", "p003")  # fmt: skip
    assert run.code == 0, run.stderr
    assert "[2/2 people]" in run.stderr and "requests sent" in run.stderr
    assert not (path.parent / "history" / "p002.db").exists()
    one = auditor("history", "-c", str(path), "--person", "p003", "--json")
    assert one.code == 0, one.stderr
    assert {row["person"] for row in json.loads(one.stdout)} == {person_name(2)}
    everyone = auditor("history", "-c", str(path))
    assert everyone.code == 0 and "p002" in everyone.stdout
    # Removing a person from the workspace keeps their history, listed as inactive.
    text = path.read_text(encoding="utf-8")
    start = text.index("[people.p001]")
    end = text.index("[people.p002]")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    listed = auditor("history", "-c", str(path), "--json")
    rows = {row["person"]: row for row in json.loads(listed.stdout)}
    assert rows["p001"]["active"] is False and rows["p001"]["audits"] == 1
    assert rows["p003"]["active"] is True and rows["p002"]["audits"] == 0
    assert (path.parent / "history" / "p001.db").exists()


def test_budget_is_checked_for_the_whole_run_and_says_who_fits(people_sandbox: tuple[Sandbox, Path]) -> None:
    sandbox, path = people_sandbox
    text = path.read_text(encoding="utf-8").replace(
        "[engines.searxng]\n", "[engines.duckduckgo_html]\nmonthly_budget = 5\n\n[engines.searxng]\n"
    )
    path.write_text(text, encoding="utf-8")
    run = auditor("audit", "-c", str(path), "--sandbox", sandbox.url)
    assert run.code == 2
    error = next(line for line in run.stderr.splitlines() if line.startswith("Error:"))
    assert "needs 8 requests" in error and error.endswith("these people fit: p001, p002")
    assert sandbox.exchanges == []
    # Databases are opened (and locked) before the check, but no audit is begun in any of them.
    assert all(not _people(db) for db in (path.parent / "history").glob("*.db"))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t + '\n[people.p002]\nname = "Other"\nsite = "https://other.ca"\n', "people.p002: the same person"),
        (lambda t: t.replace("[people.p003.profiles]", 'nmae = "x"\n\n[people.p003.profiles]'), "people.p003.nmae"),
        (lambda t: t.replace('site = "https://p004.sandbox-people.ca"', 'site = "p004.ca"'), "people.p004.site"),
    ],
)
def test_bad_input_is_one_line_and_nobody_is_audited(
    people_sandbox: tuple[Sandbox, Path], edit: object, expected: str
) -> None:
    sandbox, path = people_sandbox
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    run = auditor("audit", "-c", str(path), "--sandbox", sandbox.url)
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0]
    assert sandbox.exchanges == []
    assert not (path.parent / "history").exists()


def test_person_option_on_a_one_person_config_is_refused(config_file: Path) -> None:
    run = auditor("history", "-c", str(config_file), "--person", "someone")
    assert run.code == 2
    assert "is a one-person config" in run.stderr


def test_agency_page_lists_everyone_with_a_sparkline_once_there_are_two_audits(
    people_sandbox: tuple[Sandbox, Path],
) -> None:
    sandbox, path = people_sandbox
    for day in ("2026-05-01", "2026-06-01"):
        run = auditor("audit", "-c", str(path), "--sandbox", sandbox.url, "--as-of", day, "--person", "p001", "-q")
        assert run.code == 0, run.stderr
    page = (path.parent / "reports" / "agency.html").read_text(encoding="utf-8")
    assert "<script" not in page
    first = page.index('id="by-name"')
    by_name = page[first:]
    for index in range(4):
        assert person_name(index) in by_name
    p001 = by_name[by_name.index(person_name(0)) : by_name.index("</tr>", by_name.index(person_name(0)))]
    assert '<svg class="spark"' in p001 and "+0,0" in p001
    p002 = by_name[by_name.index(person_name(1)) : by_name.index("</tr>", by_name.index(person_name(1)))]
    assert "<svg" not in p002


def test_demo_people_prints_the_run_against_its_bound(tmp_path: Path) -> None:
    run = auditor("demo", "--people", "3", "--dir", str(tmp_path), "-q")
    assert run.code == 0, run.stderr
    assert "searx.sandbox.example" in run.stdout
    assert "politeness lower bound" in run.stdout and "ratio" in run.stdout
    assert (tmp_path / "workspace.toml").exists() and (tmp_path / "reports" / "agency.html").exists()


def test_sparkline_scales_scores_to_its_box() -> None:
    assert sparkline([50.0]) == ""
    svg = str(sparkline([0.0, 100.0, 50.0]))
    assert 'points="0.0,20.0 40.0,0.0 80.0,10.0"' in svg


def test_init_workspace_writes_a_starter_that_loads(tmp_path: Path) -> None:
    run = auditor("init", "--workspace", "-c", str(tmp_path / "ws.toml"))
    assert run.code == 0, run.stderr
    assert "[people.SLUG]" in run.stdout
    workspace = load_workspace(tmp_path / "ws.toml")
    assert list(workspace.people) == ["emilie-tremblay", "jean-dupuis"]
    assert workspace.people["jean-dupuis"].database_path == tmp_path / "history" / "jean-dupuis.db"
