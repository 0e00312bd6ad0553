"""What changed between two audits of one person. Pure: two `Audit`s in, one `Changes` out.

Results are compared only for the engine and query pairs that succeeded in *both* audits: an engine that
was blocked last month did not lose every result, it simply was not seen (DESIGN.md section 1, "a failure
is data, never a zero").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditor.models import Audit, ClassifiedResult, EngineStatus, Ownership, Verdict

COMPONENTS = ("overall", "visibility", "linkback", "site", "consistency")
TOP = 10
"""The first page: entering or leaving it is what a visitor notices."""

_OWNERSHIP_ORDER = {
    Ownership.SITE: 0,
    Ownership.PROFILE: 1,
    Ownership.PROBABLE_PROFILE: 2,
    Ownership.MENTION: 3,
    Ownership.NAMESAKE: 4,
    Ownership.OTHER: 5,
}


@dataclass(frozen=True)
class ScoreDelta:
    """One score component before and after."""

    component: str
    previous: float | None
    current: float | None

    @property
    def delta(self) -> float | None:
        """None when either side could not be measured: an unknown is not a change of zero."""
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class ResultMove:
    """One result that entered, left or moved within the results of one engine and query."""

    engine: str
    query: str
    url: str
    title: str
    network: str | None
    ownership: Ownership
    previous_position: int | None
    """None when it was not listed last time (it entered)."""
    current_position: int | None
    """None when it is no longer listed within the audit's depth (it left)."""

    @property
    def is_owned(self) -> bool:
        return self.ownership.is_owned


@dataclass(frozen=True)
class LinkbackChange:
    """A profile whose link-back verdict differs from last time."""

    network: str
    url: str
    previous: Verdict | None
    """None when the profile was not checked last time (newly configured)."""
    current: Verdict

    @property
    def kind(self) -> str:
        """`gained`, `lost`, `new` or `changed` (to or from unverifiable, or between two failures)."""
        if self.previous is None:
            return "new"
        if self.current.is_linked and not self.previous.is_linked and self.previous.is_known:
            return "gained"
        if self.previous.is_linked and not self.current.is_linked and self.current.is_known:
            return "lost"
        return "changed"


@dataclass(frozen=True)
class EngineChange:
    """An engine whose status differs from last time; None on a side where it was not run."""

    name: str
    previous: EngineStatus | None
    current: EngineStatus | None


@dataclass(frozen=True)
class Changes:
    """Everything the report's "what changed" section shows."""

    has_previous: bool
    previous_as_of: dt.date | None = None
    scores: tuple[ScoreDelta, ...] = ()
    entered: tuple[ResultMove, ...] = ()
    """Results now in the top 10 of an engine and query that were not there last time; owned first."""
    left: tuple[ResultMove, ...] = ()
    """Results that were in the top 10 last time and no longer are; owned first."""
    moved: tuple[ResultMove, ...] = ()
    """Owned results listed both times at a different position."""
    linkbacks: tuple[LinkbackChange, ...] = ()
    engines: tuple[EngineChange, ...] = ()
    compared: tuple[tuple[str, str], ...] = ()
    """The (engine, query) pairs whose results could be compared."""

    def delta(self, component: str) -> float | None:
        return next((s.delta for s in self.scores if s.component == component), None)

    @property
    def is_empty(self) -> bool:
        """True when nothing at all moved (scores included)."""
        return not (
            any(s.delta for s in self.scores)
            or any(s.delta is None and s.previous != s.current for s in self.scores)
            or self.entered
            or self.left
            or self.moved
            or self.linkbacks
            or self.engines
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: dates in ISO format, enums as their values, None kept."""
        return {
            "has_previous": self.has_previous,
            "previous_as_of": self.previous_as_of.isoformat() if self.previous_as_of else None,
            "scores": {
                s.component: {"previous": s.previous, "current": s.current, "delta": s.delta} for s in self.scores
            },
            "entered_top10": [move_dict(m) for m in self.entered],
            "left_top10": [move_dict(m) for m in self.left],
            "moved": [move_dict(m) for m in self.moved],
            "linkbacks": [
                {
                    "network": c.network,
                    "url": c.url,
                    "previous": c.previous.value if c.previous else None,
                    "current": c.current.value,
                    "kind": c.kind,
                }
                for c in self.linkbacks
            ],
            "engines": [
                {
                    "name": c.name,
                    "previous": c.previous.value if c.previous else None,
                    "current": c.current.value if c.current else None,
                }
                for c in self.engines
            ],
        }


def move_dict(move: ResultMove) -> dict[str, Any]:
    """A result's move as JSON-ready data (the `compare` JSON and the summary's)."""
    return {
        "engine": move.engine,
        "query": move.query,
        "url": move.url,
        "title": move.title,
        "network": move.network,
        "ownership": move.ownership.value,
        "previous_position": move.previous_position,
        "current_position": move.current_position,
    }


def compute_changes(previous: Audit | None, current: Audit) -> Changes:
    """Compare `current` with `previous`; with no previous audit, an empty `Changes(has_previous=False)`."""
    if previous is None:
        return Changes(has_previous=False)
    pairs = _comparable_pairs(previous, current)
    before = _by_pair(previous.results, pairs)
    after = _by_pair(current.results, pairs)
    entered: list[ResultMove] = []
    left: list[ResultMove] = []
    moved: list[ResultMove] = []
    for pair in pairs:
        old, new = before.get(pair, {}), after.get(pair, {})
        for key, result in new.items():
            was = old.get(key)
            was_pos = was.position if was else None
            if result.position <= TOP and (was_pos is None or was_pos > TOP):
                entered.append(_move(result, was_pos, result.position))
            elif (
                result.ownership.is_owned
                and was_pos is not None
                and was_pos != result.position
                and not (was_pos <= TOP < result.position)  # that one is listed under `left`
            ):
                moved.append(_move(result, was_pos, result.position))
        for key, result in old.items():
            now = new.get(key)
            now_pos = now.position if now else None
            if result.position <= TOP and (now_pos is None or now_pos > TOP):
                # Keep today's classification when the result is still listed: a label may have changed.
                left.append(_move(now or result, result.position, now_pos))
    return Changes(
        has_previous=True,
        previous_as_of=previous.as_of,
        scores=tuple(ScoreDelta(c, getattr(previous.scores, c), getattr(current.scores, c)) for c in COMPONENTS),
        entered=_owned_first(entered),
        left=_owned_first(left),
        moved=_owned_first(moved),
        linkbacks=_linkback_changes(previous, current),
        engines=_engine_changes(previous, current),
        compared=tuple(pairs),
    )


def _comparable_pairs(previous: Audit, current: Audit) -> list[tuple[str, str]]:
    engines = _succeeded(previous) & _succeeded(current)
    if previous.queries and current.queries:
        # A query added this month was never asked before: its results did not "enter", they are new.
        queries = {q.text for q in previous.queries} & {q.text for q in current.queries}
    else:
        queries = {q.text for a in (previous, current) for q in a.queries}
        queries |= {r.query for a in (previous, current) for r in a.results}
    return sorted((engine, query) for engine in engines for query in queries)


def _succeeded(audit: Audit) -> set[str]:
    return {e.name for e in audit.engines if e.status.counts_in_score}


def _by_pair(
    results: Iterable[ClassifiedResult], pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, ClassifiedResult]]:
    wanted = set(pairs)
    grouped: dict[tuple[str, str], dict[str, ClassifiedResult]] = {}
    for r in sorted(results, key=lambda r: r.position):
        pair = (r.engine, r.query)
        if pair in wanted:
            # The same URL listed twice keeps its best position.
            grouped.setdefault(pair, {}).setdefault(r.normalized_url or r.url, r)
    return grouped


def _move(result: ClassifiedResult, previous: int | None, current: int | None) -> ResultMove:
    return ResultMove(
        engine=result.engine,
        query=result.query,
        url=result.url,
        title=result.title,
        network=result.network,
        ownership=result.ownership,
        previous_position=previous,
        current_position=current,
    )


def _owned_first(moves: list[ResultMove]) -> tuple[ResultMove, ...]:
    def key(m: ResultMove) -> tuple[int, str, str, int]:
        position = m.current_position if m.current_position is not None else m.previous_position
        return (_OWNERSHIP_ORDER.get(m.ownership, 9), m.engine, m.query, position or 0)

    return tuple(sorted(moves, key=key))


def _linkback_changes(previous: Audit, current: Audit) -> tuple[LinkbackChange, ...]:
    before = {p.network: p for p in previous.profiles}
    changes = []
    for profile in current.profiles:
        old = before.get(profile.network)
        old_verdict = old.linkback.verdict if old else None
        if old_verdict != profile.linkback.verdict:
            changes.append(LinkbackChange(profile.network, profile.url, old_verdict, profile.linkback.verdict))
    return tuple(changes)


def _engine_changes(previous: Audit, current: Audit) -> tuple[EngineChange, ...]:
    before = {e.name: e.status for e in previous.engines}
    after = {e.name: e.status for e in current.engines}
    return tuple(
        EngineChange(name, before.get(name), after.get(name))
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    )
