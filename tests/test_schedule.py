"""`auditor schedule`: each recipe is valid for its scheduler and runs this config's audit by absolute path."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from auditor.cli.recipes import recipes
from auditor.config import parse_config

CONFIG = """\
[person]
name = "Carl-Frédéric de Celles"
site = "https://cfdecelles.ca"

[audit]
engines = ["duckduckgo_html", "brave"]

[storage]
database = "data/history.db"
reports_dir = "out"

[notify.email]
host = "smtp.example.org"
user = "cf@example.org"
sender = "cf@example.org"
to = ["cf@example.org"]
"""
COMMAND = ("/opt/auditor env/bin/auditor",)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    directory = tmp_path / "my brand 100%"  # a space and a percent sign: both need escaping somewhere
    directory.mkdir()
    path = directory / "auditor.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _recipes(kind: str, config_path: Path):  # type: ignore[no-untyped-def]
    config = parse_config(CONFIG, source=str(config_path), base_dir=config_path.parent)
    return recipes(kind, config, config_path, COMMAND)


def test_cron_is_one_monthly_line_whose_command_the_shell_parses(config_path: Path) -> None:
    [recipe] = _recipes("cron", config_path)
    lines = [line for line in recipe.text.splitlines() if line and not line.startswith("#")]
    assert lines[0] == "MAILTO=cf@example.org"
    minute, hour, day, month, weekday, command = lines[1].split(" ", 5)
    assert (minute, hour, day, month, weekday) == ("0", "7", "1", "*", "*")
    assert "%" not in command.replace("\\%", "")  # cron would cut the command at a bare %
    shell = command.replace("\\%", "%")
    assert subprocess.run(["sh", "-n", "-c", shell], check=False).returncode == 0
    words = shlex.split(shell.split("&& ", 2)[2].split(" >")[0])
    assert words[0] == COMMAND[0] and words[-4:] == ["audit", "-q", "-c", str(config_path)]
    assert all(Path(w).is_absolute() for w in words if "/" in w)


def test_systemd_service_and_monthly_persistent_timer(config_path: Path, tmp_path: Path) -> None:
    service, timer = _recipes("systemd", config_path)
    assert (service.path, timer.path) == (
        "auditor-carl-frederic-de-celles.service",
        "auditor-carl-frederic-de-celles.timer",
    )
    units = {}
    for recipe in (service, timer):
        parser = configparser.ConfigParser(strict=True, interpolation=None, comment_prefixes=("#",))
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(recipe.text)
        units[recipe.path] = parser
    unit = units[service.path]
    assert unit["Service"]["Type"] == "oneshot" and unit["Service"]["SuccessExitStatus"] == "3"
    exec_start = unit["Service"]["ExecStart"]
    assert exec_start.startswith('"/opt/auditor env/bin/auditor" ') and "%%" in exec_start  # 100% escaped
    assert unit["Service"]["WorkingDirectory"] == str(config_path.parent).replace("%", "%%")
    schedule = units[timer.path]["Timer"]
    assert schedule["OnCalendar"] == "*-*-01 07:00:00" and schedule["Persistent"] == "true"
    assert units[timer.path]["Install"]["WantedBy"] == "timers.target"

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # checked structurally above; systemd-analyze is not installed here
    # systemd-analyze needs the command to exist: a copy of the units pointing at a real executable.
    directory = tmp_path / "units"
    directory.mkdir()
    for recipe in (service, timer):
        (directory / recipe.path).write_text(recipe.text.replace("/opt/auditor env/bin/auditor", "/bin/true"))
    run = subprocess.run(
        [analyze, "verify", *(str(directory / r.path) for r in (service, timer))],
        capture_output=True,
        text=True,
        check=False,
    )
    complaints = [line for line in run.stderr.splitlines() if "auditor-carl" in line]
    assert run.returncode == 0 and complaints == [], run.stderr


def test_systemd_analyze_notices_a_broken_unit(config_path: Path, tmp_path: Path) -> None:
    """The check above can fail: a misspelt value is reported."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; the units are checked structurally instead")
    service, timer = _recipes("systemd", config_path)
    for recipe in (service, timer):
        text = recipe.text.replace("/opt/auditor env/bin/auditor", "/bin/true").replace("oneshot", "oneshoot")
        (tmp_path / recipe.path).write_text(text)
    run = subprocess.run(
        [analyze, "verify", *(str(tmp_path / r.path) for r in (service, timer))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "oneshoot" in run.stderr


def test_github_actions_workflow_parses_and_runs_the_audit_monthly(config_path: Path) -> None:
    [recipe] = _recipes("github-actions", config_path)
    assert recipe.path == ".github/workflows/auditor.yml"
    workflow = yaml.safe_load(recipe.text)
    assert workflow["on"]["schedule"] == [{"cron": "0 7 1 * *"}]
    steps = workflow["jobs"]["audit"]["steps"]
    audit = next(s for s in steps if s.get("name") == "Audit")
    assert "auditor audit -c auditor.toml" in audit["run"]
    assert audit["env"] == {
        "AUDITOR_SMTP_PASSWORD": "${{ secrets.AUDITOR_SMTP_PASSWORD }}",
        "BRAVE_API_KEY": "${{ secrets.BRAVE_API_KEY }}",
    }
    restore = next(s for s in steps if s.get("name") == "Restore the audit history")
    assert "gh run download" in restore["run"] and "--name auditor-history" in restore["run"]
    assert "cp .history/history.db data/history.db" in restore["run"]
    saved = next(s for s in steps if s.get("name") == "Save the audit history")
    assert saved["if"] == "always()" and saved["with"]["name"] == "auditor-history"
    assert saved["with"]["path"] == "data/history.db"
    report = next(s for s in steps if s.get("name") == "Publish the report")
    assert report["uses"].startswith("actions/upload-artifact@") and report["with"]["path"] == "out/"
    assert steps.index(restore) < steps.index(audit) < steps.index(saved)


def test_the_command_prints_or_writes_the_recipe_and_refuses_an_unknown_scheduler(
    config_path: Path, tmp_path: Path
) -> None:
    from tests.e2e.conftest import auditor

    printed = auditor("schedule", "cron", "-c", str(config_path))
    assert printed.code == 0, printed.stderr
    assert f"-c '{config_path}'" in printed.stdout.replace("\\%", "%")
    written = auditor("schedule", "github-actions", "-c", str(config_path), "-o", str(tmp_path / "repo"))
    assert written.code == 0, written.stderr
    assert (
        yaml.safe_load((tmp_path / "repo" / ".github" / "workflows" / "auditor.yml").read_text())["name"] == "auditor"
    )
    unknown = auditor("schedule", "launchd", "-c", str(config_path))
    assert unknown.code == 2 and "'launchd': expected one of cron, systemd, github-actions" in unknown.stderr


WORKSPACE = """\
[people.carl]
name = "Carl-Frédéric de Celles"
site = "https://cfdecelles.ca"

[people.maelle]
name = "Maëlle Bouchard"
site = "https://maellebouchard.ca"

[audit]
engines = ["duckduckgo_html", "brave"]

[storage]
history_dir = "data/people"
reports_dir = "out"
"""


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    directory = tmp_path / "my agency 100%"
    directory.mkdir()
    path = directory / "agency.toml"
    path.write_text(WORKSPACE, encoding="utf-8")
    return path


def _workspace_recipes(kind: str, path: Path):  # type: ignore[no-untyped-def]
    from auditor.audit.workspace import load_workspace
    from auditor.cli.recipes import workspace_recipes

    return workspace_recipes(kind, load_workspace(path), COMMAND)


def test_a_workspace_is_one_cron_run_for_everyone(workspace_path: Path) -> None:
    [recipe] = _workspace_recipes("cron", workspace_path)
    assert "the 2 people of agency.toml" in recipe.text
    [line] = [line for line in recipe.text.splitlines() if line.startswith("0 7 1 * * ")]
    shell = line.removeprefix("0 7 1 * * ").replace("\\%", "%")
    assert subprocess.run(["sh", "-n", "-c", shell], check=False).returncode == 0
    words = shlex.split(shell.split("&& ", 2)[2].split(" >")[0])
    # Everyone in one run: the workspace itself, no --person.
    assert words[-4:] == ["audit", "-q", "-c", str(workspace_path)] and "--person" not in words


def test_a_workspace_has_its_own_systemd_units_sized_for_its_people(workspace_path: Path, tmp_path: Path) -> None:
    service, timer = _workspace_recipes("systemd", workspace_path)
    assert (service.path, timer.path) == ("auditor-agency-workspace.service", "auditor-agency-workspace.timer")
    parser = configparser.ConfigParser(strict=True, interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(service.text)
    assert parser["Service"]["ExecStart"].endswith(f'-c "{str(workspace_path).replace("%", "%%")}"')
    assert parser["Service"]["TimeoutStartSec"] == "1h"  # two people: well inside an hour
    # Four hundred people with three qualifiers each at depth 30: DuckDuckGo alone is 400 x 4 queries x 3 pages
    # at 1 s (1.33 h), so the unit allows twice that, in whole hours.
    many = tmp_path / "many.toml"
    people = "".join(
        f'[people.p{i}]\nname = "Person {i}"\nsite = "https://p{i}.example"\nqualifiers = ["a", "b", "c"]\n'
        for i in range(400)
    )
    many.write_text(people + '[audit]\nengines = ["duckduckgo_html"]\ndepth = 30\n', encoding="utf-8")
    service, _ = _workspace_recipes("systemd", many)
    parser.read_string(service.text)
    assert parser["Service"]["TimeoutStartSec"] == "3h"
    [workflow] = _workspace_recipes("github-actions", many)
    assert yaml.safe_load(workflow.text)["jobs"]["audit"]["timeout-minutes"] == 180


def test_a_workspace_workflow_keeps_the_whole_history_folder_and_publishes_the_agency_page(
    workspace_path: Path, tmp_path: Path
) -> None:
    [recipe] = _workspace_recipes("github-actions", workspace_path)
    workflow = yaml.safe_load(recipe.text)
    steps = workflow["jobs"]["audit"]["steps"]
    audit = next(s for s in steps if s.get("name") == "Audit")
    assert "auditor audit -c agency.toml" in audit["run"] and "--person" not in audit["run"]
    assert audit["env"] == {"BRAVE_API_KEY": "${{ secrets.BRAVE_API_KEY }}"}
    saved = next(s for s in steps if s.get("name") == "Save the audit history")
    assert saved["with"]["path"] == "data/people/"
    report = next(s for s in steps if s.get("name") == "Publish the report")
    assert report["with"]["path"] == "out/"
    assert "agency.html" in recipe.text
    # The restore step, run for real: every person's database from the last run's artifact lands in the folder.
    restore = next(s for s in steps if s.get("name") == "Restore the audit history")
    line = restore["run"].strip().splitlines()[-1]
    (tmp_path / "run" / ".history").mkdir(parents=True)
    for slug in ("carl", "maelle", "gone"):
        (tmp_path / "run" / ".history" / f"{slug}.db").write_text(slug, encoding="utf-8")
    assert subprocess.run(["sh", "-c", line], cwd=tmp_path / "run", check=False).returncode == 0
    kept = tmp_path / "run" / "data" / "people"
    assert sorted(p.name for p in kept.iterdir()) == ["carl.db", "gone.db", "maelle.db"]
    # A first run (no artifact yet) is no failure.
    (tmp_path / "first").mkdir()
    assert subprocess.run(["sh", "-c", line], cwd=tmp_path / "first", check=False).returncode == 0


def test_the_command_schedules_a_workspace(workspace_path: Path, tmp_path: Path) -> None:
    from tests.e2e.conftest import auditor

    written = auditor("schedule", "systemd", "-c", str(workspace_path), "-o", str(tmp_path / "units"))
    assert written.code == 0, written.stderr
    assert sorted(p.name for p in (tmp_path / "units").iterdir()) == [
        "auditor-agency-workspace.service",
        "auditor-agency-workspace.timer",
    ]
    printed = auditor("schedule", "github-actions", "-c", str(workspace_path))
    assert printed.code == 0, printed.stderr
    steps = yaml.safe_load(printed.stdout)["jobs"]["audit"]["steps"]
    assert next(s for s in steps if s.get("name") == "Save the audit history")["with"]["path"] == "data/people/"
