"""The user's own check of a profile the auditor cannot see (`auditor confirm URL linked|not-linked`).

A login wall (LinkedIn) answers the same every month: the auditor can never tell whether the profile links
to the site, and would ask the user to look every month. Once the user has looked, their word stands as the
profile's link-back for `months` months from the day they looked; then the report asks again. Pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from auditor.models import LinkBack, Verdict

MANUAL_SOURCE = "manual"
"""`LinkBack.source` of a verdict that comes from the user's own check."""


class CheckState(StrEnum):
    LINKED = "linked"
    NOT_LINKED = "not-linked"


@dataclass(frozen=True)
class ManualCheck:
    normalized_url: str
    state: CheckState
    checked_on: dt.date


def parse_state(value: str) -> CheckState:
    """`linked` or `not-linked` (also `not_linked`, any case). Raises ValueError naming the choices."""
    cleaned = value.strip().lower().replace("_", "-")
    try:
        return CheckState(cleaned)
    except ValueError:
        raise ValueError(f"{value!r} is not a check result: use `linked` or `not-linked`") from None


def still_valid(check: ManualCheck, as_of: dt.date, months: int) -> bool:
    """Whether the check stands for an audit of `as_of`: made at most `months` months before it (a check
    made after the audit's date stands for it too, as a label does: the user looked at the same profile)."""
    return check.checked_on >= _months_before(as_of, months)


def apply_manual_check(linkback: LinkBack, check: ManualCheck | None, as_of: dt.date, months: int) -> LinkBack:
    """`linkback` as the user's check makes it: only an unverifiable verdict is replaced (what the auditor
    could see itself wins), and only while the check is recent enough."""
    if check is None or linkback.verdict is not Verdict.UNVERIFIABLE or not still_valid(check, as_of, months):
        return linkback
    linked = check.state is CheckState.LINKED
    return replace(
        linkback,
        verdict=Verdict.LINKED if linked else Verdict.NOT_LINKED,
        reason=f"checked by you on {check.checked_on.isoformat()}: "
        + ("it links to your site" if linked else "it does not link to your site"),
        source=MANUAL_SOURCE,
        reason_code="manual_linked" if linked else "manual_not_linked",
        reason_params={"checked_on": check.checked_on.isoformat()},
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))
