"""Audits over time as pandas DataFrames. Pure: audits in, frames out, no I/O.

A score that could not be measured stays NaN, never 0: a blocked month must show as a gap in the trend,
not as a drop (DESIGN.md section 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from auditor.models import Audit, Ownership
from auditor.store import ScorePoint

SCORE_COLUMNS = ("overall", "visibility", "linkback", "site", "consistency", "namesake_pressure")
LOWER_IS_BETTER = ("namesake_pressure",)
"""Components whose best is their lowest: namesakes crowding the first page is a pressure to bring down."""
ROLLING = 3
"""Audits in the rolling mean: a quarter of monthly audits, enough to smooth one engine's bad month."""
SITE = "site"
"""The `network` value of the person's own site in the position frames."""


def scores_frame(audits: Sequence[Audit]) -> pd.DataFrame:
    """One row per audit, sorted by `as_of`: as_of, status, then every score (NaN where unmeasured)."""
    rows = [
        {
            "as_of": pd.Timestamp(a.as_of),
            "status": a.status.value,
            **{c: _num(getattr(a.scores, c)) for c in SCORE_COLUMNS},
        }
        for a in audits
    ]
    frame = pd.DataFrame(rows, columns=["as_of", "status", *SCORE_COLUMNS])
    frame = frame.astype({c: "float64" for c in SCORE_COLUMNS})
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    return frame.sort_values("as_of", kind="stable").reset_index(drop=True)


def points_from_audits(audits: Sequence[Audit]) -> list[ScorePoint]:
    """What `trend_table` needs of each audit, taken from whole audits (the store reads it alone)."""
    return [
        ScorePoint(
            a.id or 0,
            a.as_of,
            a.status,
            {c: getattr(a.scores, c) for c in SCORE_COLUMNS},
            {p.network: p.best_position for p in a.profiles},
        )
        for a in audits
    ]


def trend_table(points: Sequence[ScorePoint], profiles: Sequence[str] = ()) -> pd.DataFrame:
    """One row per audit, oldest first: `audit_id`, `as_of`, `status`; for every score component its value,
    `<component>_change` (since the last audit that measured it), `<component>_mean3` (mean over the last
    three audits, of those that measured it) and `<component>_best` (best so far: the highest, or the lowest
    for `LOWER_IS_BETTER`); then `position_<profile>`, that profile's best position in the audit, for each of
    `profiles` (default: every profile ever checked).

    An unmeasured score stays NaN and is skipped by the change, the mean and the best, never read as 0.
    """
    records = [
        {
            "audit_id": p.id,
            "as_of": p.as_of.isoformat(),
            "status": p.status.value,
            "scores": dict(p.scores),
            "positions": dict(p.positions),
        }
        for p in points
    ]
    flat = pd.json_normalize(records) if records else pd.DataFrame(columns=["audit_id", "as_of", "status"])
    flat["as_of"] = pd.to_datetime(flat["as_of"])
    flat = flat.sort_values("as_of", kind="stable").reset_index(drop=True)
    scores = flat.reindex(columns=[f"scores.{c}" for c in SCORE_COLUMNS]).astype("float64")
    scores.columns = pd.Index(SCORE_COLUMNS)
    derived = {
        "": scores,
        "_change": scores - scores.ffill().shift(),
        "_mean3": scores.rolling(ROLLING, min_periods=1).mean(),
        "_best": scores.cummax().ffill().assign(**{c: scores[c].cummin().ffill() for c in LOWER_IS_BETTER}),
    }
    measures = pd.concat([frame.add_suffix(suffix) for suffix, frame in derived.items()], axis=1)
    ordered = [f"{c}{suffix}" for c in SCORE_COLUMNS for suffix in derived]
    networks = list(profiles) or sorted(
        c.removeprefix("positions.") for c in flat.columns if c.startswith("positions.")
    )
    positions = flat.reindex(columns=[f"positions.{n}" for n in networks]).astype("float64")
    positions.columns = pd.Index([f"position_{n}" for n in networks])
    table = pd.concat([flat[["audit_id", "as_of", "status"]], measures[ordered], positions], axis=1)
    return table.astype({"audit_id": "int64"})


def positions_frame(audits: Sequence[Audit]) -> pd.DataFrame:
    """as_of, engine, network (profile key or "site"), position: the best rank over the audit's queries.

    One row per audit, engine run in it, and network known in it (the site and every configured profile),
    so a profile that did not rank shows as NaN rather than vanishing from the frame. An engine that
    failed gives NaN too: its positions are unknown, not absent.
    """
    rows = []
    for audit in audits:
        networks = [SITE, *sorted({p.network for p in audit.profiles} | _ranked_profiles(audit))]
        # One pass over the audit's results for all its engines: (engine, network) -> best position.
        best: dict[tuple[str, str], int] = {}
        for r in audit.results:
            key = _network_of(r.ownership, r.profile)
            if key is not None:
                found = (r.engine, key)
                best[found] = min(best.get(found, r.position), r.position)
        for engine in audit.engines:
            counts = engine.status.counts_in_score
            for network in networks:
                position = best.get((engine.name, network)) if counts else None
                rows.append(
                    {
                        "as_of": pd.Timestamp(audit.as_of),
                        "engine": engine.name,
                        "network": network,
                        "position": float(position) if position is not None else float("nan"),
                    }
                )
    frame = pd.DataFrame(rows, columns=["as_of", "engine", "network", "position"])
    frame = frame.astype({"position": "float64", "engine": "object", "network": "object"})
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    return frame.sort_values(["as_of", "engine", "network"], kind="stable").reset_index(drop=True)


def best_positions(audits: Sequence[Audit]) -> pd.DataFrame:
    """Per engine and network: the best position ever seen and the first date it was reached.

    Networks that never ranked on an engine keep a row with NaN and NaT: "not yet" is worth showing.
    """
    return best_positions_of(positions_frame(audits))


def best_positions_of(frame: pd.DataFrame) -> pd.DataFrame:
    """`best_positions` from a frame `positions_frame` already built (the report draws the same frame)."""
    columns = ["engine", "network", "best_position", "as_of"]
    if frame.empty:
        out = pd.DataFrame(columns=columns)
        out["best_position"] = out["best_position"].astype("float64")
        out["as_of"] = pd.to_datetime(out["as_of"])
        return out
    rows = []
    for (engine, network), group in frame.groupby(["engine", "network"], sort=True):
        ranked = group.dropna(subset=["position"])
        if ranked.empty:
            rows.append({"engine": engine, "network": network, "best_position": float("nan"), "as_of": pd.NaT})
            continue
        best = ranked["position"].min()
        first = ranked.loc[ranked["position"] == best, "as_of"].min()
        rows.append({"engine": engine, "network": network, "best_position": float(best), "as_of": first})
    out = pd.DataFrame(rows, columns=columns).astype({"best_position": "float64"})
    out["as_of"] = pd.to_datetime(out["as_of"])
    # The site first, then profiles by name: the same order as the report's other tables.
    out["_site_first"] = out["network"] != SITE
    out = out.sort_values(["engine", "_site_first", "network"], kind="stable").drop(columns="_site_first")
    return out.reset_index(drop=True)


def _network_of(ownership: Ownership, profile: str | None) -> str | None:
    if ownership is Ownership.SITE:
        return SITE
    if ownership is Ownership.PROFILE and profile:
        return profile
    return None


def _ranked_profiles(audit: Audit) -> set[str]:
    return {r.profile for r in audit.results if r.ownership is Ownership.PROFILE and r.profile}


def _num(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def recent_overall(audits: Sequence[Audit], count: int = 12) -> list[tuple[pd.Timestamp, float]]:
    """(date, overall score) of the last `count` audits by date, NaN where it was not measured: the
    report's sparkline, drawn from the same frame as the trend section."""
    frame = scores_frame(audits).tail(count)
    return list(zip(frame["as_of"], frame["overall"].astype(float).tolist(), strict=True))
