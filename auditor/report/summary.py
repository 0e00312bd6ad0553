"""What an audit says in a few lines: its status, its score against the last one and the best, what moved,
and what to do next. Pure: audits in, a `Summary` out, worded as text, one line or JSON-ready data.

It is what a monthly run prints, what a notification carries and what `auditor summary` shows again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from auditor.models import Audit, Ownership
from auditor.report.advice import recommendation_message
from auditor.report.changes import LinkbackChange, ResultMove, ScoreDelta, compute_changes
from auditor.report.document import by_priority

TOP_ACTIONS = 3
SHOWN_MOVES = 5
"""Results that entered or left the top 10 listed in the text; the JSON keeps them all."""
_WATCHED = (Ownership.SITE, Ownership.PROFILE, Ownership.PROBABLE_PROFILE, Ownership.NAMESAKE)
"""The results worth a line: the person's own, and the namesakes who compete for the same name."""


@dataclass(frozen=True)
class Failure:
    """Something the audit could not read: an engine (left out of the scores), a profile or the site."""

    kind: str
    """`engine`, `profile` or `site`."""
    name: str
    """The engine's name, the profile's network, or `site`."""
    status: str
    detail: str

    @property
    def label(self) -> str:
        """How a line names it: `profile github` (a network's key alone would read as an engine's line)."""
        return f"profile {self.name}" if self.kind == "profile" else self.name


PROFILE_FAILURES = ("fetch_error", "unreadable")
"""Link-back reasons that mean the profile could not be read at all (a login wall is an answer)."""
SITE_FAILURES = ("site_error", "site_status")


@dataclass(frozen=True)
class Action:
    """One of the recommendations to act on first, worded in the summary's language."""

    id: str
    message: str
    gain: float
    """Points the overall score would gain (the recommendation's counterfactual impact)."""


@dataclass(frozen=True)
class Summary:
    audit_id: int | None
    person: str
    as_of: dt.date
    status: str
    failures: tuple[Failure, ...]
    overall: float | None
    previous_as_of: dt.date | None
    previous_overall: float | None
    best_overall: float | None
    """The best overall score of this audit and every earlier one."""
    best_as_of: dt.date | None
    moved: tuple[ScoreDelta, ...]
    """Components whose score changed (or became measurable, or stopped being) since the previous audit."""
    entered: tuple[ResultMove, ...]
    left: tuple[ResultMove, ...]
    linkbacks: tuple[LinkbackChange, ...]
    actions: tuple[Action, ...]
    report: str | None
    """The HTML report's path, when it exists."""

    @property
    def change(self) -> float | None:
        if self.overall is None or self.previous_overall is None:
            return None
        return self.overall - self.previous_overall


def summarize(
    audit: Audit,
    previous: Audit | None,
    overall_history: Sequence[tuple[dt.date, float | None]],
    *,
    lang: str = "en",
    report: str | None = None,
) -> Summary:
    """The summary of `audit`, compared with `previous` (the audit before it that measured something).

    `overall_history` holds the (date, overall score) of the person's finished audits; those up to this
    audit's date give the best ever.
    """
    changes = compute_changes(previous, audit)
    measured = [(day, score) for day, score in overall_history if day <= audit.as_of and score is not None]
    if audit.scores.overall is not None:
        measured.append((audit.as_of, audit.scores.overall))
    # The earliest date that reached the best score: when it was first reached.
    best = max(measured, key=lambda pair: (pair[1], -pair[0].toordinal()), default=None)
    return Summary(
        audit_id=audit.id,
        person=audit.person,
        as_of=audit.as_of,
        status=audit.status.value,
        failures=_failures(audit),
        overall=audit.scores.overall,
        previous_as_of=previous.as_of if previous else None,
        previous_overall=previous.scores.overall if previous else None,
        best_overall=best[1] if best else None,
        best_as_of=best[0] if best else None,
        moved=tuple(s for s in changes.scores if s.component != "overall" and _moved(s)),
        entered=tuple(m for m in changes.entered if m.ownership in _WATCHED),
        left=tuple(m for m in changes.left if m.ownership in _WATCHED),
        linkbacks=changes.linkbacks,
        actions=tuple(
            Action(r.id, recommendation_message(lang, r.rule, r.params, r.id), r.impact)
            for r in by_priority(audit)[:TOP_ACTIONS]
        ),
        report=report,
    )


def _failures(audit: Audit) -> tuple[Failure, ...]:
    engines = [
        Failure("engine", e.name, e.status.value, e.detail) for e in audit.engines if not e.status.counts_in_score
    ]
    profiles = [
        Failure("profile", p.network, p.linkback.verdict.value, p.linkback.reason)
        for p in audit.profiles
        if p.linkback.reason_code in PROFILE_FAILURES
    ]
    site = [Failure("site", "site", "failed", c.detail) for c in audit.site_checks if c.detail_code in SITE_FAILURES]
    return (*engines, *profiles, *site[:1])


def _moved(delta: ScoreDelta) -> bool:
    if delta.delta is None:
        return delta.previous is not None or delta.current is not None
    return round(delta.delta, 1) != 0


def one_line(summary: Summary) -> str:
    """The whole summary in one line, for a log or a phone's notification."""
    parts = [f"{summary.person} {summary.as_of.isoformat()}: {summary.status}"]
    if summary.failures:
        parts[0] += f" ({', '.join(f'{f.label} {f.status}' for f in summary.failures)})"
    score = f"overall {_num(summary.overall)}"
    if summary.change is not None:
        score += f" ({_num(summary.change, signed=True)})"
    if summary.best_overall is not None:
        score += f", best {_num(summary.best_overall)}"
    parts.append(score)
    if summary.actions:
        first = summary.actions[0]
        parts.append(f"next: {first.message} ({_num(first.gain, signed=True)})")
    return "; ".join(parts)


def as_text(summary: Summary, *, head: bool = True) -> list[str]:
    """The summary as lines of plain text, most important first; without `head`, from the change on (for
    a caller that has already printed the status and each engine's)."""
    lines = []
    if head:
        lines.append(f"Status: {summary.status}   overall score: {_num(summary.overall)}")
    for failure in summary.failures:
        # Without `head` the caller has printed every engine's line already; profiles and the site follow.
        if head or failure.kind != "engine":
            detail = f" - {failure.detail}" if failure.detail else ""
            lines.append(f"  {failure.label}: {failure.status}{detail}")
    if summary.previous_as_of is None:
        lines.append("Change: first audit, nothing to compare with yet")
    else:
        lines.append(
            f"Change: {_num(summary.change, signed=True)} since {summary.previous_as_of.isoformat()}"
            f" ({_num(summary.previous_overall)})"
        )
    if summary.best_overall is not None and summary.best_as_of is not None:
        lines.append(f"Best ever: {_num(summary.best_overall)} ({summary.best_as_of.isoformat()})")
    if summary.moved:
        moved = ", ".join(f"{s.component} {_delta_text(s)}" for s in summary.moved)
        lines.append(f"Components that moved: {moved}")
    for title, moves in (("Entered the top 10", summary.entered), ("Left the top 10", summary.left)):
        if moves:
            lines.append(f"{title}:")
            lines += [f"  {_move_text(m)}" for m in moves[:SHOWN_MOVES]]
            if len(moves) > SHOWN_MOVES:
                lines.append(f"  and {len(moves) - SHOWN_MOVES} more")
    if summary.linkbacks:
        lines.append("Link-backs that changed:")  # worded unlike the "  engine: status" lines too
        lines += [
            f"  {c.network} link-back: {c.previous.value if c.previous else 'not checked'} -> {c.current.value}"
            f" ({c.kind})"
            for c in summary.linkbacks
        ]
    if summary.actions:
        lines.append("Top actions:")
        lines += [f"  {i}. {a.message} ({_num(a.gain, signed=True)})" for i, a in enumerate(summary.actions, 1)]
    if summary.report:
        lines.append(f"Report: {summary.report}")
    return lines


def to_dict(summary: Summary) -> dict[str, Any]:
    """The same as `as_text`, as JSON-ready data (None where a score could not be measured)."""
    return {
        "audit_id": summary.audit_id,
        "person": summary.person,
        "as_of": summary.as_of.isoformat(),
        "status": summary.status,
        "failures": [
            {"kind": f.kind, "name": f.name, "status": f.status, "detail": f.detail} for f in summary.failures
        ],
        "overall": summary.overall,
        "change": summary.change,
        "previous": (
            {"as_of": summary.previous_as_of.isoformat(), "overall": summary.previous_overall}
            if summary.previous_as_of
            else None
        ),
        "best": (
            {"as_of": summary.best_as_of.isoformat(), "overall": summary.best_overall} if summary.best_as_of else None
        ),
        "components_moved": {
            s.component: {"previous": s.previous, "current": s.current, "delta": s.delta} for s in summary.moved
        },
        "entered_top10": [_move_dict(m) for m in summary.entered],
        "left_top10": [_move_dict(m) for m in summary.left],
        "linkbacks": [
            {
                "network": c.network,
                "previous": c.previous.value if c.previous else None,
                "current": c.current.value,
                "kind": c.kind,
            }
            for c in summary.linkbacks
        ],
        "actions": [{"id": a.id, "message": a.message, "gain": a.gain} for a in summary.actions],
        "report": summary.report,
    }


def _move_dict(move: ResultMove) -> dict[str, Any]:
    return {
        "engine": move.engine,
        "query": move.query,
        "url": move.url,
        "title": move.title,
        "ownership": move.ownership.value,
        "previous_position": move.previous_position,
        "current_position": move.current_position,
    }


def _move_text(move: ResultMove) -> str:
    before = "-" if move.previous_position is None else str(move.previous_position)
    after = "-" if move.current_position is None else str(move.current_position)
    title = move.title if len(move.title) <= 80 else move.title[:79] + "…"
    # Positions first: the lines stay unlike the "  engine: status" lines that scripts pick out of a run.
    return f"{before} -> {after} {move.ownership.value} {move.url} ({move.engine}, {move.query!r}) {title}"


def _delta_text(delta: ScoreDelta) -> str:
    if delta.delta is None:
        return f"{_num(delta.previous)} -> {_num(delta.current)}"
    return _num(delta.delta, signed=True)


def _num(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.1f}" if signed else f"{value:.1f}"
