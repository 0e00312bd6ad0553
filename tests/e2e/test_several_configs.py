"""`-c` given more than once: refused in one line (exit 2) by every command, nothing read or written, instead of
click's silent "the last one wins"."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.sandbox import Sandbox
from tests.e2e.conftest import AS_OF, auditor

SECOND = """\
[person]
name = "Maëlle Bouchard"
site = "https://maellebouchard.ca"
"""


@pytest.fixture
def two_configs(config_file: Path) -> tuple[Path, Path]:
    other = config_file.with_name("other.toml")
    other.write_text(SECOND, encoding="utf-8")
    return config_file, other


def _refused(run_code: int, stderr: str) -> None:
    assert run_code == 2, stderr
    lines = stderr.splitlines()
    assert lines[0] == "Error: -c/--config given 2 times: a command reads one config"
    assert lines[1].startswith("Tip: to audit several people in one run, list them in one workspace")
    assert len(lines) == 2


def test_audit_with_two_configs_audits_nobody(sandbox: Sandbox, two_configs: tuple[Path, Path]) -> None:
    first, second = two_configs
    run = auditor("audit", "-c", str(first), "--config", str(second), "--sandbox", sandbox.url, "--as-of", AS_OF)
    _refused(run.code, run.stderr)
    assert sandbox.requests == []  # nothing sent
    assert not (first.parent / "reports").exists()
    assert not list(first.parent.glob("*.db"))


@pytest.mark.parametrize(
    "command",
    [
        ["history"],
        ["report"],
        ["compare"],
        ["export"],
        ["rescore"],
        ["summary"],
        ["trends"],
        ["label", "--list"],
        ["confirm", "--list"],
        ["engines"],
        ["schedule", "cron"],
        ["init", "--name", "Jo Doe", "--site", "https://jodoe.example"],
    ],
)
def test_every_command_that_takes_a_config_refuses_two(command: list[str], two_configs: tuple[Path, Path]) -> None:
    first, second = two_configs
    before = sorted(p.name for p in first.parent.iterdir())
    run = auditor(*command, f"--config={first}", f"-c{second}", cwd=first.parent)
    _refused(run.code, run.stderr)
    assert sorted(p.name for p in first.parent.iterdir()) == before


def test_a_value_that_looks_like_the_option_is_no_second_config(tmp_path: Path) -> None:
    # `--name -c` names somebody "-c": one config is given, and init writes it.
    run = auditor("init", "--name", "-c", "--site", "https://jodoe.example", "-c", "mine.toml", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert (tmp_path / "mine.toml").exists()
