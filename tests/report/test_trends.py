"""trends: frames built from audits, NaN (never 0) where nothing was measured."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

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


def test_trend_table_change_rolling_mean_and_best_skip_unmeasured_months() -> None:
    from dataclasses import replace

    from auditor.report.trends import points_from_audits, trend_table

    first, second, third = make_history()
    fallen = replace(make_audit(0), id=4, as_of=dt.date(2026, 6, 1))
    table = trend_table(points_from_audits([third, first, fallen, second]), profiles=("linkedin", "tiktok"))
    assert list(table["as_of"].dt.date) == [*DATES, dt.date(2026, 6, 1)]
    assert table["overall"].tolist() == [41.2, 55.0, 68.9, 41.2]
    assert [round(v, 1) for v in table["overall_change"].iloc[1:]] == [13.8, 13.9, -27.7]
    assert math.isnan(table.loc[0, "overall_change"])  # nothing before the first audit
    assert [round(v, 2) for v in table["overall_mean3"]] == [41.2, 48.1, 55.03, 55.03]
    assert table["overall_best"].tolist() == [41.2, 55.0, 68.9, 68.9]  # the fall keeps the best
    # Month 1 did not measure consistency: a gap, and the change after it is against month 0, not against 0.
    assert math.isnan(table.loc[1, "consistency"]) and math.isnan(table.loc[1, "consistency_change"])
    assert table.loc[2, "consistency_change"] == 20.0 and table.loc[1, "consistency_best"] == 60.0
    assert table.loc[2, "consistency_mean3"] == 70.0
    # Namesake pressure is better low: its best is its lowest.
    assert table["namesake_pressure_best"].tolist() == [40.2, 31.4, 18.0, 18.0]
    assert [c for c in table.columns if c.startswith("position_")] == ["position_linkedin", "position_tiktok"]
    linkedin = [
        next(p.best_position for p in a.profiles if p.network == "linkedin") for a in (first, second, third, fallen)
    ]
    assert table["position_linkedin"].tolist() == [float(p) for p in linkedin]
    assert table["position_tiktok"].isna().all()  # configured, never checked: NaN, not 0


def test_trend_table_of_no_audit_is_empty_with_its_columns() -> None:
    from auditor.report.trends import trend_table

    table = trend_table([], profiles=("github",))
    assert table.empty
    assert {"overall", "overall_change", "overall_mean3", "overall_best", "position_github"} <= set(table.columns)


def test_the_store_and_whole_audits_give_the_same_table(tmp_path: Path) -> None:
    from auditor.report.trends import points_from_audits, trend_table
    from auditor.store import Store

    with Store.open(tmp_path / "h.db") as store:
        for audit in make_history():
            audit_id = store.begin_audit(audit.person, audit.as_of)
            store.finish_audit(audit_id, audit)
        light = trend_table(store.score_points(make_history()[0].person))
        whole = trend_table(points_from_audits(store.finished_audits()))
    pd.testing.assert_frame_equal(light, whole)
    assert len(light) == 3 and light["position_linkedin"].notna().all()
