"""trends: frames built from audits, NaN (never 0) where nothing was measured."""

from __future__ import annotations

import math

import pandas as pd

from auditor.report.trends import best_positions, positions_frame, scores_frame
from tests.report.factories import DATES, make_audit, make_failed, make_history, make_partial


def test_scores_frame_sorted_with_nan_for_unmeasured() -> None:
    history = make_history()
    frame = scores_frame(list(reversed(history)))
    assert list(frame.columns) == [
        "as_of",
        "status",
        "overall",
        "visibility",
        "linkback",
        "site",
        "consistency",
        "namesake_pressure",
    ]
    assert list(frame["as_of"].dt.date) == list(DATES)
    assert frame.loc[0, "overall"] == 41.2
    assert math.isnan(frame.loc[1, "consistency"])  # month 1 did not measure it
    assert frame["overall"].dtype == "float64"


def test_scores_frame_failed_audit_is_all_nan() -> None:
    frame = scores_frame([make_audit(0), make_failed(1)])
    assert frame.loc[1, "status"] == "failed"
    assert frame.loc[1, ["overall", "visibility", "linkback", "site", "consistency"]].isna().all()
    assert (frame.fillna(-1).loc[1, ["overall"]] == -1).all()  # not 0


def test_scores_frame_empty() -> None:
    frame = scores_frame([])
    assert frame.empty and "overall" in frame.columns


def test_positions_frame_best_rank_per_engine_and_network() -> None:
    frame = positions_frame([make_audit(0)])
    assert set(frame.columns) == {"as_of", "engine", "network", "position"}
    row = frame[(frame["engine"] == "duckduckgo_html") & (frame["network"] == "site")]
    assert row["position"].tolist() == [4.0]  # 5 for the bare name, 4 with the qualifier
    linkedin = frame[(frame["engine"] == "duckduckgo_html") & (frame["network"] == "linkedin")]
    assert linkedin["position"].tolist() == [2.0]  # best over both queries (3 and 2)
    x = frame[(frame["engine"] == "duckduckgo_html") & (frame["network"] == "x")]
    assert x["position"].isna().all()  # configured but never ranked: NaN, not absent, not 0


def test_positions_frame_failed_engine_is_nan() -> None:
    frame = positions_frame([make_partial(2)])
    ddg = frame[frame["engine"] == "duckduckgo_html"]
    assert len(ddg) > 0 and ddg["position"].isna().all()
    assert frame[frame["engine"] == "searxng"]["position"].notna().any()


def test_best_positions_first_date_reached() -> None:
    best = best_positions(make_history())
    assert list(best.columns) == ["engine", "network", "best_position", "as_of"]
    row = best[(best["engine"] == "duckduckgo_html") & (best["network"] == "site")].iloc[0]
    assert row["best_position"] == 1.0
    assert row["as_of"] == pd.Timestamp(DATES[1])  # first reached in April, kept in May
    never = best[(best["engine"] == "duckduckgo_html") & (best["network"] == "x")].iloc[0]
    assert math.isnan(never["best_position"]) and pd.isna(never["as_of"])
    assert best.iloc[0]["network"] == "site"  # the site leads each engine's rows


def test_best_positions_empty() -> None:
    best = best_positions([])
    assert best.empty and list(best.columns) == ["engine", "network", "best_position", "as_of"]
