"""charts: inline SVG that references nothing outside the page."""

from __future__ import annotations

import re

from auditor.report import charts
from auditor.report.trends import positions_frame, scores_frame
from tests.report.factories import make_failed, make_history


def _scores_svg(chart_id: str = "scores") -> str:
    frame = scores_frame([*make_history(), make_failed()])  # a NaN row: a gap, not an error
    return charts.scores_chart(
        frame,
        columns={"overall": "Overall", "visibility": "Visibility <&>"},
        date_label=lambda d: d.isoformat(),
        title='Scores "over" <time>',
        chart_id=chart_id,
    )


def test_svg_is_inline_and_self_contained() -> None:
    svg = _scores_svg()
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "<image" not in svg and "<script" not in svg and "<foreignObject" not in svg
    # Only XML namespace names may mention a URL; nothing is fetched from them.
    urls = set(re.findall(r"https?://[^\s\"')]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert 'role="img"' in svg and 'aria-label="Scores &quot;over&quot; &lt;time>"' in svg
    assert "Visibility &lt;&amp;&gt;" in svg  # the chart escapes its text
    assert "<text" in svg  # text kept as text: no font file, no glyph paths
    assert not re.search(r'<svg[^>]* width="', svg.split(">", 1)[0] + ">")


def test_ids_are_prefixed_per_chart() -> None:
    first, second = _scores_svg("a"), _scores_svg("b")
    ids_a = set(re.findall(r'id="([^"]+)"', first))
    ids_b = set(re.findall(r'id="([^"]+)"', second))
    assert ids_a and not ids_a & ids_b
    assert all(i.startswith("a-") for i in ids_a)
    for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', first):
        assert ref in ids_a


def test_positions_chart() -> None:
    frame = positions_frame(make_history())
    svg = charts.positions_chart(
        frame[frame["engine"] == "searxng"],
        labels={"site": "Your site", "github": "GitHub", "x": "X"},
        date_label=lambda d: d.isoformat(),
        title="Positions",
        depth=20,
        chart_id="pos-searxng",
    )
    assert svg.startswith("<svg") and "GitHub" in svg
    assert ">X<" not in svg  # never ranked: no line, no legend entry
