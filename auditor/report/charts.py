"""Trend charts as inline SVG, drawn with matplotlib from the frames of `trends`, and the trend section's data.

The report must make no request of any kind, so the SVG keeps its text as text (no font files, no
embedded images) and loses its XML prolog and DOCTYPE (the DOCTYPE names a w3.org DTD). matplotlib is used
through `Figure` objects only, never pyplot, so nothing global (a GUI backend, a figure registry) is touched.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator
from matplotlib.typing import RcKeyType

from auditor.models import Audit
from auditor.report import i18n, trends

# Okabe & Ito's palette: distinguishable with the common colour-vision deficiencies. Lines also differ by
# marker and dash, so the charts still read in grey print.
PALETTE = ("#000000", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DASHES = ("-", "--", "-.", ":")

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "auditor-report",  # stable ids, so the same data give the same file
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_MAX_TICKS = 8


def scores_chart(
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str],
    date_label: Callable[[dt.date], str],
    title: str,
    chart_id: str = "scores",
) -> str:
    """Overall and component scores (0-100) over time, one line per column of `columns` (name -> label)."""
    with matplotlib.rc_context(_RC):
        fig, ax = _figure()
        dates = [ts.date() for ts in frame["as_of"]]
        for i, (column, text) in enumerate(columns.items()):
            ax.plot(
                dates,
                frame[column].to_numpy(dtype=float),
                label=text,
                color=PALETTE[i % len(PALETTE)],
                marker=MARKERS[i % len(MARKERS)],
                linestyle=DASHES[i % len(DASHES)],
                linewidth=2.6 if i == 0 else 1.6,
                markersize=5,
            )
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        _date_axis(ax, dates, date_label)
        ax.set_title(title, loc="left", fontsize=11)
        _legend(ax, fig)
        return _to_svg(fig, chart_id, title)


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
    with matplotlib.rc_context(_RC):
        fig, ax = _figure()
        dates = sorted({ts.date() for ts in frame["as_of"]})
        for i, (network, text) in enumerate(labels.items()):
            rows = frame[frame["network"] == network].sort_values("as_of")
            if rows["position"].isna().all():
                continue
            ax.plot(
                [ts.date() for ts in rows["as_of"]],
                rows["position"].to_numpy(dtype=float),
                label=text,
                color=PALETTE[(i + 1) % len(PALETTE)],
                marker=MARKERS[i % len(MARKERS)],
                linestyle=DASHES[i % len(DASHES)],
                linewidth=1.8,
                markersize=5,
            )
        ax.set_ylim(depth + 0.5, 0.5)
        # Position 1 always gets its tick: it is the one every user looks for.
        ax.yaxis.set_major_locator(FixedLocator([1, *range(5, depth + 1, 5)]))
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        ax.axhline(10.5, color="#999999", linewidth=0.8, linestyle=":")
        _date_axis(ax, dates, date_label)
        ax.set_title(title, loc="left", fontsize=11)
        _legend(ax, fig)
        return _to_svg(fig, chart_id, title)


def _figure() -> tuple[Figure, Axes]:
    # Narrow enough that its text stays legible once scaled down to a phone screen.
    fig = Figure(figsize=(5.8, 3.8), layout="constrained")
    FigureCanvasAgg(fig)  # headless raster canvas; savefig(format="svg") switches to the SVG writer
    return fig, fig.add_subplot()


def _date_axis(ax: Axes, dates: Sequence[dt.date], date_label: Callable[[dt.date], str]) -> None:
    # Ticks on the audit dates themselves (a monthly audit is the natural unit), thinned when there are many.
    ticks = list(dates)
    if len(ticks) > _MAX_TICKS:
        step = -(-len(ticks) // _MAX_TICKS)
        ticks = ticks[::-1][::step][::-1]
    numbers = mdates.date2num(ticks)
    if len(ticks) > 4:
        ax.set_xticks(numbers, [date_label(d) for d in ticks], rotation=30, ha="right")
    else:
        ax.set_xticks(numbers, [date_label(d) for d in ticks])
    if len(dates) == 1:
        ax.set_xlim(numbers[0] - 15, numbers[0] + 15)


def _legend(ax: Axes, fig: Figure) -> None:
    handles, texts = ax.get_legend_handles_labels()
    if handles:
        # Below the plot rather than beside it, so the plot keeps the full width on a phone.
        fig.legend(handles, texts, loc="outside lower center", ncols=3, frameon=False, fontsize=9)


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r"#([A-Za-z_][\w.\-]*)")


def _to_svg(fig: Figure, chart_id: str, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and the DOCTYPE (an external DTD reference)
    # Several charts share one HTML document, where ids must be unique: prefix every id and reference.
    ids = set(_ID.findall(svg))
    svg = _ID.sub(lambda m: f'id="{chart_id}-{m.group(1)}"', svg)
    svg = _REF.sub(lambda m: f"#{chart_id}-{m.group(1)}" if m.group(1) in ids else m.group(0), svg)
    # Scale with the page: keep the viewBox, drop the fixed size in points.
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    svg = svg.replace("<svg", f'<svg class="chart" role="img" aria-label="{escaped}" focusable="false"', 1)
    if "<image" in svg or "<script" in svg:  # never expected from line charts; refuse rather than ship it
        raise ValueError("chart SVG holds an image or a script")
    return svg


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
            for row in trends.best_positions(timeline).to_dict("records")
        ],
    }


def _trusted_svg(svg: str | None) -> Markup | None:
    # The one place markup is trusted: this module builds the SVG from numbers and from labels that
    # matplotlib escapes itself, and refuses any <image> or <script> in it. Scraped text never reaches it.
    return Markup(svg) if svg is not None else None


def _day(value: Any) -> dt.date | None:
    """A frame's Timestamp as a date; None for NaT (never reached)."""
    return None if value is None or value != value else value.date()  # NaT != NaT, like NaN


def _nan_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value
