"""What a user needs to know about each engine before choosing it: cost, key, limits, how to start.

Each engine declares its own facts (`EngineSpec.cost`, `limits`, `notices`); `auditor engines` prints them and
the README's engines table says the same. Facts as of late 2026 (DESIGN.md section 4); a fact that expires
(Google's Custom Search closing) is computed from the date, not written down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from auditor.engines import registry


def notes(name: str, today: dt.date) -> tuple[str, ...]:
    """Warnings about `name` worth printing whenever it is configured."""
    return registry.get(name).notices(today)


def engine_notes(names: Iterable[str], today: dt.date) -> list[str]:
    """The warnings of every engine in `names`, for `auditor audit` to print before it starts."""
    return [note for name in names for note in notes(name, today)]
