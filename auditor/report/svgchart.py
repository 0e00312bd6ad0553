"""Line charts as inline SVG, written by hand: the report's trend charts. Pure: numbers in, markup text out.

matplotlib drew them before. Loading it took about 0.3 s of CPU and each chart about 0.1 s more of text
measuring and layout: more than half of `auditor report`'s time, for charts that are a few lines with gaps,
markers, fixed ticks and a legend. Those are drawn here directly, as the sparkline is.

The SVG references nothing outside itself (no font, no image, no script); every id carries the chart's id as
its prefix, so that several charts can share one page. Text is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 418.0
"""Units of the viewBox (points of the former 5.8-inch figure): the chart scales with the page."""
PLOT_HEIGHT = 170.0
LEFT, RIGHT, TOP = 38.0, 12.0, 30.0
FONT, TITLE_FONT, LEGEND_FONT = 10.0, 11.0, 9.0
CHAR = 0.56
"""Average advance of a character, in ems, of a sans-serif font: what the legend's layout assumes."""
LEGEND_COLUMNS = 3
LEGEND_ROW = 15.0
SAMPLE = 22.0
"""Length of the line drawn before each legend entry."""

# Dash patterns as multiples of the line's width (matplotlib's, so the charts keep their look).
DASH_PATTERNS = {"-": (), "--": (3.7, 1.6), "-.": (6.4, 1.6, 1.0, 1.6), ":": (1.0, 1.65)}


@dataclass(frozen=True)
class Series:
    """One line: its points (x, y) with y NaN where unmeasured (a gap, never a zero)."""

    label: str
    points: Sequence[tuple[float, float]]
    color: str
    marker: str
    """o s ^ D v P X *"""
    dash: str
    """- -- -. :"""
    width: float = 1.6
    marker_size: float = 5.0


@dataclass(frozen=True)
class Axes:
    """What the axes show: the x range and its labelled ticks, the y range (bottom value first: an inverted
    axis has the larger value at the bottom) and its ticks, and an optional dotted rule across."""

    x_range: tuple[float, float]
    x_ticks: Sequence[tuple[float, str]]
    y_range: tuple[float, float]
    y_ticks: Sequence[float]
    rotate_x_labels: bool = False
    rule_at: float | None = None


def line_chart(series: Sequence[Series], axes: Axes, *, title: str, chart_id: str) -> str:
    """The chart as one `<svg>` element, its accessible name `title`."""
    shown = [s for s in series if any(not math.isnan(y) for _x, y in s.points)]
    legend_rows = math.ceil(len(shown) / LEGEND_COLUMNS)
    longest_tick = max((len(label) for _x, label in axes.x_ticks), default=0)
    tick_room = 8 + longest_tick * CHAR * FONT * 0.5 + FONT if axes.rotate_x_labels else 8 + FONT * 1.2
    bottom = TOP + PLOT_HEIGHT
    height = bottom + tick_room + 8 + legend_rows * LEGEND_ROW
    # An upright label is centred on its tick: the last one needs half its width on the right.
    right = RIGHT if axes.rotate_x_labels else max(RIGHT, longest_tick * CHAR * FONT / 2 + 2)
    box = _Box(LEFT, WIDTH - right, TOP, bottom, axes)
    parts = [
        f'<rect width="{WIDTH:g}" height="{height:.1f}" fill="#ffffff"/>',
        f'<defs><clipPath id="{chart_id}-plot"><rect x="{box.left:.1f}" y="{box.top:.1f}" '
        f'width="{box.right - box.left:.1f}" height="{box.bottom - box.top:.1f}"/></clipPath>'
        + "".join(_marker_def(f"{chart_id}-marker-{i}", s) for i, s in enumerate(shown))
        + "</defs>",
        f'<text x="8" y="16" font-size="{TITLE_FONT:g}">{_text(title)}</text>',
        *_grid_and_ticks(box, axes),
        f'<g clip-path="url(#{chart_id}-plot)" fill="none" stroke-linejoin="round" stroke-linecap="butt">',
        *(_line(box, s) for s in shown),
        "</g>",
        *(_markers(box, s, f"{chart_id}-marker-{i}") for i, s in enumerate(shown)),
        *_legend(shown, chart_id, top=bottom + tick_room + 8),
    ]
    return (
        f'<svg class="chart" role="img" aria-label="{_label(title)}" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {height:.1f}" '
        f'font-family="sans-serif" font-size="{FONT:g}">' + "".join(parts) + "</svg>"
    )


@dataclass(frozen=True)
class _Box:
    left: float
    right: float
    top: float
    bottom: float
    axes: Axes

    def x(self, value: float) -> float:
        lo, hi = self.axes.x_range
        return self.left + (value - lo) / (hi - lo) * (self.right - self.left) if hi != lo else self.left

    def y(self, value: float) -> float:
        low, high = self.axes.y_range
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)


_INK = 'stroke="#000000" stroke-width="0.8"'
"""The axes and their ticks."""


def _grid_and_ticks(box: _Box, axes: Axes) -> list[str]:
    parts = ['<g stroke="#dddddd" stroke-width="0.8">']
    parts += [
        f'<line x1="{box.left:.1f}" y1="{box.y(t):.1f}" x2="{box.right:.1f}" y2="{box.y(t):.1f}"/>'
        for t in axes.y_ticks
    ]
    parts.append("</g>")
    if axes.rule_at is not None:
        y = box.y(axes.rule_at)
        parts.append(
            f'<line x1="{box.left:.1f}" y1="{y:.1f}" x2="{box.right:.1f}" y2="{y:.1f}" stroke="#999999" '
            'stroke-width="0.8" stroke-dasharray="0.8 1.3"/>'
        )
    parts.append(f'<path d="M{box.left:.1f},{box.top:.1f}V{box.bottom:.1f}H{box.right:.1f}" fill="none" {_INK}/>')
    for value in axes.y_ticks:
        y = box.y(value)
        parts.append(f'<line x1="{box.left - 3.5:.1f}" y1="{y:.1f}" x2="{box.left:.1f}" y2="{y:.1f}" {_INK}/>')
        parts.append(f'<text x="{box.left - 6:.1f}" y="{y:.1f}" dy="0.35em" text-anchor="end">{value:g}</text>')
    for value, label in axes.x_ticks:
        x = box.x(value)
        parts.append(f'<line x1="{x:.1f}" y1="{box.bottom:.1f}" x2="{x:.1f}" y2="{box.bottom + 3.5:.1f}" {_INK}/>')
        if axes.rotate_x_labels:
            y = box.bottom + 8
            parts.append(
                f'<text x="{x:.1f}" y="{y:.1f}" dy="0.7em" text-anchor="end" '
                f'transform="rotate(-30 {x:.1f} {y:.1f})">{_text(label)}</text>'
            )
        else:
            parts.append(
                f'<text x="{x:.1f}" y="{box.bottom + 8:.1f}" dy="0.8em" text-anchor="middle">{_text(label)}</text>'
            )
    return parts


def _runs(points: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The points split at every NaN: each run is drawn as one line, the gaps stay empty."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if math.isnan(y):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x, y))
    return [run for run in runs if run]


def _line(box: _Box, series: Series) -> str:
    dashes = DASH_PATTERNS.get(series.dash, ())
    dash = f' stroke-dasharray="{" ".join(f"{d * series.width:.2f}" for d in dashes)}"' if dashes else ""
    lines = []
    for run in _runs(series.points):
        if len(run) < 2:
            continue
        points = " ".join(f"{box.x(x):.1f},{box.y(y):.1f}" for x, y in run)
        lines.append(f'<polyline points="{points}" stroke="{series.color}" stroke-width="{series.width:g}"{dash}/>')
    return "".join(lines)


def _marker_def(marker_id: str, series: Series) -> str:
    r = series.marker_size / 2
    shapes = {
        "o": f'<circle r="{r:.2f}"/>',
        "s": f'<rect x="{-r * 0.9:.2f}" y="{-r * 0.9:.2f}" width="{r * 1.8:.2f}" height="{r * 1.8:.2f}"/>',
        "^": f'<path d="M0,{-r * 1.1:.2f}L{r:.2f},{r * 0.8:.2f}H{-r:.2f}Z"/>',
        "v": f'<path d="M0,{r * 1.1:.2f}L{r:.2f},{-r * 0.8:.2f}H{-r:.2f}Z"/>',
        "D": f'<path d="M0,{-r:.2f}L{r * 0.8:.2f},0L0,{r:.2f}L{-r * 0.8:.2f},0Z"/>',
        "P": _polygon(
            [
                (-0.33, -1),
                (0.33, -1),
                (0.33, -0.33),
                (1, -0.33),
                (1, 0.33),
                (0.33, 0.33),
                (0.33, 1),
                (-0.33, 1),
                (-0.33, 0.33),
                (-1, 0.33),
                (-1, -0.33),
                (-0.33, -0.33),
            ],
            r,
        ),
        "X": _polygon(_rotated_plus(), r),
        "*": _polygon(_star(), r * 1.2),
    }
    shape = shapes.get(series.marker, shapes["o"])
    return f'<g id="{marker_id}" fill="{series.color}" stroke="{series.color}" stroke-width="0.5">{shape}</g>'


def _polygon(points: Sequence[tuple[float, float]], scale: float) -> str:
    return '<path d="M' + "L".join(f"{x * scale:.2f},{y * scale:.2f}" for x, y in points) + 'Z"/>'


def _rotated_plus() -> list[tuple[float, float]]:
    plus = [
        (-0.25, -1),
        (0.25, -1),
        (0.25, -0.25),
        (1, -0.25),
        (1, 0.25),
        (0.25, 0.25),
        (0.25, 1),
        (-0.25, 1),
        (-0.25, 0.25),
        (-1, 0.25),
        (-1, -0.25),
        (-0.25, -0.25),
    ]
    c = math.cos(math.pi / 4)
    return [((x - y) * c, (x + y) * c) for x, y in plus]


def _star() -> list[tuple[float, float]]:
    return [
        (
            math.sin(i * math.pi / 5) * (1 if i % 2 == 0 else 0.45),
            -math.cos(i * math.pi / 5) * (1 if i % 2 == 0 else 0.45),
        )
        for i in range(10)
    ]


def _markers(box: _Box, series: Series, marker_id: str) -> str:
    uses = [
        f'<use href="#{marker_id}" x="{box.x(x):.1f}" y="{box.y(y):.1f}"/>'
        for x, y in series.points
        if not math.isnan(y)
    ]
    return "".join(uses)


def _legend(series: Sequence[Series], chart_id: str, *, top: float) -> list[str]:
    if not series:
        return []
    columns = min(LEGEND_COLUMNS, len(series))
    widths = [SAMPLE + 6 + len(s.label) * CHAR * LEGEND_FONT for s in series]
    column = min(max(widths) + 12, (WIDTH - 16) / columns)
    start = (WIDTH - columns * column) / 2
    parts = [f'<g font-size="{LEGEND_FONT:g}">']
    for i, s in enumerate(series):
        x = start + (i % columns) * column
        y = top + (i // columns) * LEGEND_ROW + LEGEND_ROW / 2
        dashes = DASH_PATTERNS.get(s.dash, ())
        dash = f' stroke-dasharray="{" ".join(f"{d * s.width:.2f}" for d in dashes)}"' if dashes else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + SAMPLE:.1f}" y2="{y:.1f}" stroke="{s.color}" '
            f'stroke-width="{s.width:g}"{dash}/>'
            f'<use href="#{chart_id}-marker-{i}" x="{x + SAMPLE / 2:.1f}" y="{y:.1f}"/>'
        )
        room = column - SAMPLE - 10
        squeeze = f' textLength="{room:.1f}" lengthAdjust="spacingAndGlyphs"' if widths[i] - SAMPLE - 6 > room else ""
        parts.append(f'<text x="{x + SAMPLE + 6:.1f}" y="{y:.1f}" dy="0.35em"{squeeze}>{_text(s.label)}</text>')
    parts.append("</g>")
    return parts


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _label(value: str) -> str:
    """An attribute's value: what the former charts wrote (quotes and `<` escaped, `>` kept)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
