"""`auditor demo`: a fictional person's six months of audits against the sandbox, start to finish."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from auditor.audit.pipeline import Progress
from auditor.audit.runner import AuditOutcome, audit_once
from auditor.config import load_config
from auditor.errors import UsageError
from auditor.report.html import slugify
from auditor.sandbox import DEMO_SCENARIO, Sandbox, load_scenario

CONFIG_NAME = "auditor.toml"


def run_demo(
    directory: Path, *, progress: Progress = lambda event: None, announce: Callable[[str], object] | None = None
) -> AuditOutcome:
    """Write the demo config into `directory`, replay every month of the scenario, return the last outcome.

    The demo starts from a clean history each time (its own database and reports only), so running it twice
    never doubles the months.
    """
    scenario = load_scenario(DEMO_SCENARIO)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        config_path = directory / CONFIG_NAME
        shutil.copyfile(scenario.config_path, config_path)
    except OSError as exc:
        raise UsageError(f"{directory}: cannot write the demo there ({exc.strerror})") from None
    config = load_config(config_path)
    for stale in (config.database_path, *config.database_path.parent.glob(config.database_path.name + "-*")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(config.reports_path / slugify(config.person.name), ignore_errors=True)
    outcome: AuditOutcome | None = None
    with Sandbox(scenario) as sandbox:
        for index, month in enumerate(scenario.months):
            sandbox.set_month(index)
            outcome = audit_once(config, as_of=month.as_of, sandbox_url=sandbox.url, progress=progress)
            if announce is not None:
                score = outcome.audit.scores.overall
                shown = "n/a" if score is None else f"{score:5.1f}"
                announce(f"  {month.as_of.isoformat()}  {outcome.audit.status.value:<9} overall {shown}")
    if outcome is None:
        raise UsageError("the demo scenario has no months")
    return outcome
