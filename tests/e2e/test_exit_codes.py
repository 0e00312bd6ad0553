"""Exit codes a cron job can rely on (DESIGN.md section 3; README "Exit codes"): the ones not already shown by
the audit and fault-matrix tests (0, 3, 4): usage errors are 2, whatever part of the command line is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import auditor


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("audit", "--no-such-option"), "No such option"),
        (("no-such-command",), "No such command"),
        (("--log-level", "loud", "history"), "--log-level: 'loud' is not a log level"),
        (("history", "-c", "missing.toml"), "missing.toml"),
    ],
)
def test_usage_errors_exit_2_with_one_message_and_no_traceback(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    run = auditor(*args, cwd=tmp_path)
    assert run.code == 2, (run.stdout, run.stderr)
    assert message in run.stderr
    assert "Traceback" not in run.stderr
