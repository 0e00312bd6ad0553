"""`auditor sandbox` runs the sandbox alone and prints its URL, then an audit can use it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.e2e.conftest import AS_OF, auditor


def test_sandbox_command_prints_a_url_an_audit_can_use(config_file: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "auditor", "sandbox", "--scenario", "minimal"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        state = httpx.get(f"{url}/__sandbox__/", timeout=5).json()
        assert state["scenario"] == "minimal"
        run = auditor("audit", "-q", "-c", str(config_file), "--sandbox", url, "--as-of", AS_OF)
        assert run.code == 0, run.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_sandbox_command_refuses_an_unknown_scenario() -> None:
    run = auditor("sandbox", "--scenario", "no-such-scenario")
    assert run.code == 2
    assert "no-such-scenario" in run.stderr
