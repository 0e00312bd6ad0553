"""The user's own word on a result ("this is me", "this is not me"), remembered across audits. Pure data.

Users of reputation tools ask above all to say "not me" once and have it remembered (issue 4). A label is
keyed by the normalised URL; classification compares it by `Registry.same_page_key`, so a label on
github.com/ETremblay also covers github.com/etremblay.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Decision(StrEnum):
    """What the user said of a result."""

    ME = "me"
    """Mine: it counts as one of my profiles (owned, in the score)."""
    NOT_ME = "not-me"
    """Someone else's: a namesake when it carries my name, else just another page."""


@dataclass(frozen=True)
class Label:
    """One remembered decision."""

    normalized_url: str
    """`Registry.normalize` of the URL the user gave."""
    person: str
    """The configured person's name: one database may hold several people's history."""
    decision: Decision
    created_at: str = ""
    """ISO 8601, UTC; when the decision was (last) made."""


def parse_decision(value: str) -> Decision:
    """`me` or `not-me` (also `not_me`, `notme`, any case). Raises ValueError naming the choices."""
    cleaned = value.strip().lower().replace("_", "-")
    if cleaned == "notme":
        cleaned = "not-me"
    try:
        return Decision(cleaned)
    except ValueError:
        raise ValueError(f"{value!r} is not a decision: use `me` or `not-me`") from None
