"""What a user needs to know about each engine before choosing it: cost, key, limits, how to start.

`auditor engines` prints it and the README's engines table says the same. Facts as of late 2026 (DESIGN.md
section 4); a fact that expires (Google's Custom Search closing) is computed from the date, not written down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.engines import google_cse
from auditor.report.i18n import ENGINE_LABELS


@dataclass(frozen=True)
class EngineInfo:
    """One engine as `auditor engines` describes it."""

    name: str
    """The name used in `audit.engines`."""
    kind: str
    """`html`, `api` or `browser`."""
    needs_key: bool
    cost: str
    limits: str

    @property
    def label(self) -> str:
        return ENGINE_LABELS.get(self.name, self.name)


CATALOG: tuple[EngineInfo, ...] = (
    EngineInfo("duckduckgo_html", "html", False, "free", "blocks after about 5-7 quick requests (HTTP 202)"),
    EngineInfo("searxng", "api", False, "free (self-hosted)", "your instance's; public ones about 4 calls an hour"),
    EngineInfo("brave", "api", True, "about 1000 queries a month on the included credit", "1 request a second (free)"),
    EngineInfo("serpapi", "api", True, "100 searches a month free, then paid plans", "hourly throughput per plan"),
    EngineInfo("serper", "api", True, "2500 free credits once, then prepaid credits", "one credit per page of 10"),
    EngineInfo("mojeek", "api", True, "paid plans", "a daily limit per key"),
    EngineInfo("google_cse", "api", True, "100 queries a day free, then $5 per 1000", "existing customers only"),
    EngineInfo("browser_google", "browser", False, "free", "consent walls and /sorry/ CAPTCHAs after a few pages"),
    EngineInfo("browser_bing", "browser", False, "free", "bot challenges after a few pages"),
)
BY_NAME = {info.name: info for info in CATALOG}


def notes(name: str, today: dt.date) -> tuple[str, ...]:
    """Warnings about `name` worth printing whenever it is configured."""
    if name == "google_cse":
        return (google_cse.closing_notice(today),)
    return ()


def engine_notes(names: Iterable[str], today: dt.date) -> list[str]:
    """The warnings of every engine in `names`, for `auditor audit` to print before it starts."""
    return [note for name in names for note in notes(name, today)]
