"""svgchart: the trend charts drawn by hand show what the data say (gaps, direction, order, every line)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from auditor.report.svgchart import Axes, Series, line_chart

NAN = math.nan
SVG = "{http://www.w3.org/2000/svg}"


def _axes(**changes: object) -> Axes:
    values: dict[str, object] = {
        "x_range": (0.0, 10.0),
        "x_ticks": [(0.0, "Jan"), (5.0, "Feb"), (10.0, "Mar")],
        "y_range": (0.0, 100.0),
        "y_ticks": (0, 50, 100),
    }
    values.update(changes)
    return Axes(**values)  # type: ignore[arg-type]


def _series(points: list[tuple[float, float]], label: str = "Overall", marker: str = "o") -> Series:
    return Series(label=label, points=points, color="#000000", marker=marker, dash="--")


def _polylines(svg: str) -> list[list[tuple[float, float]]]:
    root = ET.fromstring(svg)
    return [
        [tuple(float(v) for v in pair.split(",")) for pair in line.get("points", "").split()]  # type: ignore[misc]
        for line in root.iter(f"{SVG}polyline")
    ]


def test_the_svg_is_well_formed_xml_with_the_accessible_name() -> None:
    svg = line_chart([_series([(0, 10), (10, 90)])], _axes(), title="Scores <&>", chart_id="c")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Scores <&>"
    assert "Scores &lt;&amp;&gt;" in svg
    assert root.get("width") is None and root.get("viewBox")


def test_an_unmeasured_point_is_a_gap_not_a_zero() -> None:
    svg = line_chart([_series([(0, 10), (2, 20), (4, NAN), (6, 30), (8, 40)])], _axes(), title="t", chart_id="c")
    lines = _polylines(svg)
    assert len(lines) == 2 and [len(line) for line in lines] == [2, 2]
    assert svg.count('<use href="#c-marker-0"') == 4 + 1  # four points and the legend's sample


def test_a_higher_score_is_drawn_higher() -> None:
    (line,) = _polylines(line_chart([_series([(0, 10), (10, 90)])], _axes(), title="t", chart_id="c"))
    (x0, y0), (x1, y1) = line
    assert x1 > x0 and y1 < y0  # SVG's y grows downwards


def test_an_inverted_axis_puts_position_one_at_the_top() -> None:
    axes = _axes(y_range=(20.5, 0.5), y_ticks=(1, 5, 10, 15, 20), rule_at=10.5)
    (line,) = _polylines(line_chart([_series([(0, 1), (10, 20)])], axes, title="t", chart_id="c"))
    assert line[0][1] < line[1][1]


def test_a_series_that_never_has_a_value_is_left_out_of_the_chart_and_legend() -> None:
    svg = line_chart(
        [_series([(0, 5), (10, 6)], "GitHub"), _series([(0, NAN), (10, NAN)], "Nowhere")],
        _axes(),
        title="t",
        chart_id="c",
    )
    assert ">GitHub<" in svg and "Nowhere" not in svg


def test_every_marker_shape_is_drawn_and_every_reference_resolves() -> None:
    series = [_series([(0, 10 * i), (10, 10 * i + 5)], f"s{i}", marker) for i, marker in enumerate("osDv^PX*")]
    svg = line_chart(series, _axes(), title="t", chart_id="pos-x")
    ids = set(re.findall(r'id="([^"]+)"', svg))
    assert len(ids) == len(series) + 1 and all(i.startswith("pos-x-") for i in ids)
    refs = re.findall(r'(?:href="#|url\(#)([^")]+)', svg)
    assert refs and set(refs) <= ids
    root = ET.fromstring(svg)
    shapes = [g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("pos-x-marker-")]
    assert len(shapes) == len(series) and all(len(g) == 1 for g in shapes)


def test_rotated_labels_when_there_are_many_ticks() -> None:
    ticks = [(float(i), f"2026-{i + 1:02d}-01") for i in range(8)]
    svg = line_chart(
        [_series([(0, 1), (7, 2)])], _axes(x_range=(0, 7), x_ticks=ticks, rotate_x_labels=True), title="t", chart_id="c"
    )
    assert svg.count("rotate(-30") == 8
