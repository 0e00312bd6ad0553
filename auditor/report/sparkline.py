"""The score's sparkline beside the overall score: a few points of inline SVG, written by hand (matplotlib
would take a second to load for a drawing this small). Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 160, 40, 4


def sparkline_svg(values: Sequence[float], label: str) -> Markup:
    """The overall scores (0-100, NaN where unmeasured: a gap, never a zero), oldest first, as a line with
    the last point marked. `label` is the chart's accessible name (it is escaped here)."""
    n = len(values)
    step = (WIDTH - 2 * PAD) / max(n - 1, 1)
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None or math.isnan(value):
            runs.append([])
            continue
        y = PAD + (HEIGHT - 2 * PAD) * (1 - max(0.0, min(100.0, value)) / 100)
        runs[-1].append((PAD + i * step, y))
    parts = []
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="2"/>')
        elif run:
            parts.append(f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="2" fill="currentColor"/>')
    last = values[-1] if values else float("nan")
    if values and last is not None and not math.isnan(last):
        x, y = PAD + (n - 1) * step, PAD + (HEIGHT - 2 * PAD) * (1 - max(0.0, min(100.0, last)) / 100)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#0072B2"/>')
    baseline = f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#d5d5d5"/>'
    return Markup(
        f'<svg class="spark" role="img" aria-label="{escape(label)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}">{baseline}{"".join(parts)}</svg>'
    )
