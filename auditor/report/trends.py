"""Audits over time as pandas DataFrames. Pure: audits in, frames out, no I/O.

A score that could not be measured stays NaN, never 0: a blocked month must show as a gap in the trend,
not as a drop (DESIGN.md section 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from auditor.models import Audit, Ownership

SCORE_COLUMNS = ("overall", "visibility", "linkback", "site", "consistency", "namesake_pressure")
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


def positions_frame(audits: Sequence[Audit]) -> pd.DataFrame:
    """as_of, engine, network (profile key or "site"), position: the best rank over the audit's queries.

    One row per audit, engine run in it, and network known in it (the site and every configured profile),
    so a profile that did not rank shows as NaN rather than vanishing from the frame. An engine that
    failed gives NaN too: its positions are unknown, not absent.
    """
    rows = []
    for audit in audits:
        networks = [SITE, *sorted({p.network for p in audit.profiles} | _ranked_profiles(audit))]
        for engine in audit.engines:
            best: dict[str, int] = {}
            if engine.status.counts_in_score:
                for r in audit.results:
                    key = _network_of(r.ownership, r.profile)
                    if r.engine == engine.name and key is not None:
                        best[key] = min(best.get(key, r.position), r.position)
            for network in networks:
                rows.append(
                    {
                        "as_of": pd.Timestamp(audit.as_of),
                        "engine": engine.name,
                        "network": network,
                        "position": float(best[network]) if network in best else float("nan"),
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
    frame = positions_frame(audits)
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
