"""scripts/ensure-chromium.sh, which `make test` and `make demo` run: what it does when no Chromium is found.

The machine running the tests may well have Chromium and apt-get; each case hides them behind a PATH, a
candidate list and a Playwright directory of its own, so the script sees only what the case gives it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ensure-chromium.sh"
SH = shutil.which("sh") or "/bin/sh"


def run(tmp_path: Path, *args: str, candidates: str = "", with_apt: bool = False) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("ls", "id"):  # what the script calls besides its shell's builtins
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).unlink(missing_ok=True)
        (bin_dir / tool).symlink_to(found)
    if with_apt:  # a stand-in apt-get that records what it was asked
        fake = bin_dir / "apt-get"
        fake.write_text(f'#!{SH}\necho "$@" >> "{tmp_path}/apt-calls"\n', encoding="utf-8")
        fake.chmod(0o755)
    env = {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path),
        "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-playwright"),
        "CHROMIUM_CANDIDATES": candidates,
    }
    return subprocess.run([SH, str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=30)


def test_for_the_demo_a_missing_chromium_is_one_line_and_the_demo_goes_on(tmp_path: Path) -> None:
    done = run(tmp_path, "--demo")
    assert done.returncode == 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unverifiable" in lines[0] and "apt-get install chromium" in lines[0]


def test_for_the_tests_a_missing_chromium_fails(tmp_path: Path) -> None:
    done = run(tmp_path)
    assert done.returncode == 1
    assert "No Chromium found for the browser tests" in done.stderr


def test_a_system_chromium_is_enough(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n", encoding="utf-8")
    chromium.chmod(0o755)
    for args in ((), ("--demo",)):
        done = run(tmp_path, *args, candidates=f"/nowhere/chromium {chromium}")
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_playwrights_own_build_is_enough(tmp_path: Path) -> None:
    chrome = tmp_path / "no-playwright" / "chromium-1234" / "chrome-linux" / "chrome"
    chrome.parent.mkdir(parents=True)
    chrome.write_text("", encoding="utf-8")
    assert run(tmp_path).returncode == 0


def test_apt_get_is_tried_only_as_root(tmp_path: Path) -> None:
    done = run(tmp_path, "--demo", with_apt=True)
    assert done.returncode == 0
    calls = tmp_path / "apt-calls"
    if os.geteuid() == 0:  # a fresh CI machine: Debian's package is installed
        update, install = calls.read_text(encoding="utf-8").splitlines()
        assert update.startswith("update") and "install" in install and install.endswith("chromium")
    else:  # a user's machine: nothing is installed behind their back, one line says what to do
        assert not calls.exists()
        assert "unverifiable" in done.stderr
