"""Trend charts as inline SVG, drawn from the frames of `trends` (`svgchart`), and the trend section's data.

The report must make no request of any kind, so the SVG keeps its text as text (no font files, no embedded
images) and names no DTD; ids are prefixed with the chart's, as several charts share one page.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup

from auditor.models import Audit
from auditor.report import i18n, trends
from auditor.report.svgchart import Axes, Series, line_chart

# Okabe & Ito's palette: distinguishable with the common colour-vision deficiencies. Lines also differ by
# marker and dash, so the charts still read in grey print.
PALETTE = ("#000000", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DASHES = ("-", "--", "-.", ":")
_MAX_TICKS = 8
_MARGIN = 0.05
"""Room left on each side of the dates, as a share of their span (a point on the edge stays whole)."""


def scores_chart(
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str],
    date_label: Callable[[dt.date], str],
    title: str,
    chart_id: str = "scores",
) -> str:
    """Overall and component scores (0-100) over time, one line per column of `columns` (name -> label)."""
    dates = [ts.date() for ts in frame["as_of"]]
    days = [float(d.toordinal()) for d in dates]
    series = [
        Series(
            label=text,
            points=list(zip(days, frame[column].to_numpy(dtype=float).tolist(), strict=True)),
            color=PALETTE[i % len(PALETTE)],
            marker=MARKERS[i % len(MARKERS)],
            dash=DASHES[i % len(DASHES)],
            width=2.6 if i == 0 else 1.6,
        )
        for i, (column, text) in enumerate(columns.items())
    ]
    axes = _date_axes(dates, date_label, y_range=(0, 100), y_ticks=(0, 25, 50, 75, 100))
    return line_chart(series, axes, title=title, chart_id=chart_id)


def positions_chart(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    date_label: Callable[[dt.date], str],
    title: str,
    depth: int,
    chart_id: str,
) -> str:
    """Best position of each network over time for one engine; position 1 at the top, gaps where absent.

    `frame` holds one engine's rows of `trends.positions_frame`; `labels` maps network keys to names and
    also fixes the order of the lines.
    """
    dates = sorted({ts.date() for ts in frame["as_of"]})
    series = []
    for i, (network, text) in enumerate(labels.items()):
        rows = frame[frame["network"] == network].sort_values("as_of")
        if rows["position"].isna().all():
            continue
        days = [float(ts.date().toordinal()) for ts in rows["as_of"]]
        series.append(
            Series(
                label=text,
                points=list(zip(days, rows["position"].to_numpy(dtype=float).tolist(), strict=True)),
                color=PALETTE[(i + 1) % len(PALETTE)],
                marker=MARKERS[i % len(MARKERS)],
                dash=DASHES[i % len(DASHES)],
                width=1.8,
            )
        )
    # Position 1 at the top and always ticked: it is the one every user looks for. The rule marks page one.
    axes = _date_axes(dates, date_label, y_range=(depth + 0.5, 0.5), y_ticks=(1, *range(5, depth + 1, 5)), rule_at=10.5)
    return line_chart(series, axes, title=title, chart_id=chart_id)


def _date_axes(
    dates: Sequence[dt.date],
    date_label: Callable[[dt.date], str],
    *,
    y_range: tuple[float, float],
    y_ticks: Sequence[float],
    rule_at: float | None = None,
) -> Axes:
    # Ticks on the audit dates themselves (a monthly audit is the natural unit), thinned when there are many.
    ticks = list(dates)
    if len(ticks) > _MAX_TICKS:
        step = -(-len(ticks) // _MAX_TICKS)
        ticks = ticks[::-1][::step][::-1]
    days = [d.toordinal() for d in dates]
    low, high = (min(days), max(days)) if days else (0, 1)
    pad = 15.0 if high == low else (high - low) * _MARGIN
    return Axes(
        x_range=(low - pad, high + pad),
        x_ticks=[(float(d.toordinal()), date_label(d)) for d in ticks],
        y_range=y_range,
        y_ticks=y_ticks,
        rotate_x_labels=len(ticks) > 4,
        rule_at=rule_at,
    )


def trend_section(timeline: Sequence[Audit], *, lang: str, depth: int) -> dict[str, Any]:
    """What the report's trend section shows: the charts (as trusted markup) and their data as tables."""
    _ = i18n.translations(lang).gettext
    # The same table as `auditor trends`: one computation of the history for the page and the command line.
    scores = trends.trend_table(trends.points_from_audits(timeline))
    positions = trends.positions_frame(timeline)
    components = ("overall", "visibility", "linkback", "site", "consistency")
    columns = {c: i18n.label(lang, "component", c) for c in components}

    def date_label(value: Any) -> str:
        return i18n.format_date(value, lang, "medium")

    networks = ["site", *sorted(set(positions["network"]) - {"site"})]
    names = {n: (_("Your site") if n == "site" else i18n.network_label(n)) for n in networks}
    engine_charts = []
    for engine in dict.fromkeys(positions["engine"]):
        rows = positions[positions["engine"] == engine]
        svg = None
        if not rows["position"].isna().all():
            svg = positions_chart(
                rows,
                labels=names,
                date_label=date_label,
                title=_("Best position per network on %(engine)s") % {"engine": i18n.label(lang, "engine", engine)},
                depth=depth,
                chart_id="pos-" + re.sub(r"[^A-Za-z0-9]+", "-", str(engine)),
            )
        engine_charts.append((engine, _trusted_svg(svg)))
    return {
        "scores_svg": _trusted_svg(
            scores_chart(scores, columns=columns, date_label=date_label, title=_("Scores over time (0-100)"))
        ),
        "scores": [
            (_day(row["as_of"]), row["status"], [_nan_to_none(row[c]) for c in components])
            for row in scores.to_dict("records")
        ],
        "components": components,
        "positions": engine_charts,
        "best": [
            (
                row["engine"],
                names.get(row["network"], row["network"]),
                _nan_to_none(row["best_position"]),
                _day(row["as_of"]),
            )
            for row in trends.best_positions_of(positions).to_dict("records")
        ],
    }


def _trusted_svg(svg: str | None) -> Markup | None:
    # The one place markup is trusted: `svgchart` builds the SVG from numbers and from labels it escapes
    # itself, and it draws no <image> or <script>. Scraped text never reaches it.
    if svg is not None and ("<image" in svg or "<script" in svg):  # never drawn; refuse rather than ship it
        raise ValueError("chart SVG holds an image or a script")
    return Markup(svg) if svg is not None else None


def _day(value: Any) -> dt.date | None:
    """A frame's Timestamp as a date; None for NaT (never reached)."""
    return None if value is None or value != value else value.date()  # NaT != NaT, like NaN


def _nan_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value
