"""Monthly budgets: an audit that would send more requests to an engine than its budget allows this month
refuses before sending anything, and says by how much it would go over.

Queries used this month are the engine responses stored for audits started since the first of the month (UTC,
as `started_at` is stored): the database is the only record that survives between runs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from auditor.audit.plan import build_engines
from auditor.config import Config
from auditor.errors import UsageError

UsedCounter = Callable[[str, dt.datetime], int]
"""`Store.engine_requests_since(engine, since)`."""


@dataclass(frozen=True)
class BudgetUse:
    """One engine's budget against what this month used and what the planned audit needs."""

    engine: str
    budget: int | None
    """None: no limit."""
    used: int
    """Requests stored this month."""
    needed: int
    """Requests the audit would send with every page full (queries x pages for the depth)."""

    @property
    def excess(self) -> int:
        """By how many requests the audit would go over (0 when it fits or there is no limit)."""
        return 0 if self.budget is None else max(0, self.used + self.needed - self.budget)


def month_start(now: dt.datetime) -> dt.datetime:
    now = now.astimezone(dt.UTC) if now.tzinfo else now.replace(tzinfo=dt.UTC)
    return dt.datetime(now.year, now.month, 1, tzinfo=dt.UTC)


def budget_uses(
    config: Config,
    used: UsedCounter,
    *,
    queries: int,
    only: tuple[str, ...] | None = None,
    now: dt.datetime | None = None,
    env: Mapping[str, str] | None = None,
) -> list[BudgetUse]:
    """Each engine of the audit with its budget, this month's use and the audit's need."""
    since = month_start(now or dt.datetime.now(dt.UTC))
    uses = []
    for engine in build_engines(config, only, os.environ if env is None else env):
        # An engine without its key sends nothing, so it needs nothing.
        needed = 0 if engine.unavailable() else queries * engine.requests_for(config.audit.depth)
        budget = config.engines.budget(engine.name)
        uses.append(BudgetUse(engine.name, budget, used(engine.name, since) if budget is not None else 0, needed))
    return uses


def check_budgets(
    config: Config,
    used: UsedCounter,
    *,
    queries: int,
    only: tuple[str, ...] | None = None,
    now: dt.datetime | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    """Raise UsageError naming the first engine whose monthly budget the audit would exceed."""
    for use in budget_uses(config, used, queries=queries, only=only, now=now, env=env):
        if use.excess:
            left = max(0, (use.budget or 0) - use.used)
            raise UsageError(
                f"{use.engine}: this audit needs {use.needed} requests but only {left} of its monthly budget of "
                f"{use.budget} are left ({use.used} used this month): it would go over by {use.excess}",
                tip=f"raise engines.{use.engine}.monthly_budget, lower audit.depth or the number of qualifiers, "
                f"or leave {use.engine} out with --engines",
            )
