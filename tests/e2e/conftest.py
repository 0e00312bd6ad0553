"""End-to-end fixtures: a running sandbox, a config copied into a temp dir, the real `auditor` command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.sandbox import MINIMAL_SCENARIO, Sandbox, load_scenario

MINIMAL_CONFIG = MINIMAL_SCENARIO.with_name("minimal.auditor.toml")
SLUG = "carl-frederic-de-celles"
AS_OF = "2026-01-01"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def auditor(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run the real command in a child process, as a user would."""
    done = subprocess.run(
        [sys.executable, "-m", "auditor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def scenario_with_faults(tmp_path: Path, faults: dict[str, str]) -> Path:
    """A copy of the minimal scenario whose only month has `faults`."""
    text = MINIMAL_SCENARIO.read_text(encoding="utf-8")
    inline = ", ".join(f'{engine} = "{mode}"' for engine, mode in faults.items())
    marker = "[[months]]\nas_of = 2026-01-01\n"
    assert marker in text, "the minimal scenario's first month changed shape"
    path = tmp_path / "scenario" / "faulty.toml"
    path.parent.mkdir()
    path.write_text(text.replace(marker, f"{marker}faults = {{ {inline} }}\n"), encoding="utf-8")
    shutil.copyfile(MINIMAL_CONFIG, path.with_name("minimal.auditor.toml"))
    return path


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    target = tmp_path / "auditor.toml"
    shutil.copyfile(MINIMAL_CONFIG, target)
    return target


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(load_scenario(MINIMAL_SCENARIO)) as running:
        yield running


def read_json(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))
