"""The identity graph in the report: an inline SVG drawn by hand (no script, no outside request) and the
words for its edges. Pure.

The drawing puts the site in the middle and every profile around it, one line per pair: its style and a
word say its state (a solid line both ways, a dashed arrow one way, dots for missing, a cross for broken),
so it reads in black and white and without colour vision; the table beside it lists every mechanism.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from auditor.models import EdgeState, GraphEdge, GraphNode, IdentityGraph
from auditor.report import i18n
from auditor.report.i18n import N_
from auditor.report.reasons import Worded, linkback_reason

WIDTH = 440
NODE_RADIUS = 160
"""Distance of the profiles from the site, in viewBox units."""
FONT = 16
_STYLE = {
    # state: (stroke, width, dash pattern, colour)
    "both_ways": ("#009E73", 3.5, "", "both"),
    "one_way": ("#0072B2", 2.5, "8 5", "one"),
    "broken": ("#D55E00", 2.5, "2 4", "broken"),
    "missing": ("#8c8c8c", 1.5, "1 6", "missing"),
    "unknown": ("#8c8c8c", 1.5, "10 4 2 4", "unknown"),
}
_RANK = {EdgeState.BOTH_WAYS: 4, EdgeState.ONE_WAY: 3, EdgeState.BROKEN: 2, EdgeState.MISSING: 1}

EDGE_REASONS: Mapping[str, str] = {
    "not_on_site": N_("Your site's home page has no such link to it."),
    "plain_link_only": N_('Your site links to it, without rel="me".'),
    "site_unreadable": N_("Your site could not be read (%(detail)s)."),
    "not_api": N_("Read only through the network's API, which did not answer for this profile in this audit."),
    "verified": N_("The instance verified that your site links back to this profile."),
    "unverified": N_(
        'The profile links to your site, but the instance has not verified it: your site needs a rel="me" '
        "link to the profile."
    ),
    "no_site_field": N_("None of the profile's fields links to your site."),
    "empty_field": N_("The website field is empty."),
    "points_elsewhere": N_("The website field points elsewhere: %(url)s."),
    "not_fetched": N_("Its page was not read in this audit: add it under [profiles] to check it."),
    "page_no_link": N_("Its page has no link to your site."),
    "not_listed": N_("GitHub's social accounts do not list it."),
    "unreadable": N_("The answer could not be read."),
    "handle_not_domain": N_("The handle %(handle)s is not on your domain %(domain)s."),
    "no_did_file": N_(
        "Your site has no /.well-known/atproto-did naming the account (a DNS record may prove the handle "
        "instead; this version does not read DNS)."
    ),
    "did_elsewhere": N_("Your site's /.well-known/atproto-did names %(named)s, not this account (%(did)s)."),
    "did_matches": N_("Your site's /.well-known/atproto-did names this account."),
    "no_official_website": N_("The item does not name your site as its official website (P856)."),
}
NOTES: Mapping[str, str] = {
    "jsonld_malformed": N_("JSON-LD block %(block)s of your site could not be read; it was ignored."),
    "sameas_not_url": N_("A sameAs of your site is not a URL (%(value)s); it was ignored."),
    "atproto_elsewhere": N_(
        "Your site's /.well-known/atproto-did names another account (%(named)s); it was not counted as yours."
    ),
}


@dataclass(frozen=True)
class Pair:
    """The site and one other node, with the state of their link taken over every mechanism."""

    node: GraphNode
    state: EdgeState
    outward: bool
    """The node vouches for the site."""
    inward: bool
    """The site vouches for the node."""


def _best(edges: Sequence[GraphEdge]) -> EdgeState | None:
    known = [e.state for e in edges if e.state.is_known]
    return max(known, key=lambda s: _RANK[s]) if known else None


def pairs(graph: IdentityGraph) -> list[Pair]:
    """One per node other than the site: both ways when each side vouches for the other by some mechanism."""
    out = []
    for node in graph.nodes:
        if node.id == "site":
            continue
        to_site = [e for e in graph.edges if e.source == node.id and e.target == "site"]
        from_site = [e for e in graph.edges if e.source == "site" and e.target == node.id]
        outward = any(e.state.is_present for e in to_site)
        inward = any(e.state.is_present for e in from_site)
        if outward and inward:
            state = EdgeState.BOTH_WAYS
        elif outward or inward:
            state = EdgeState.ONE_WAY
        else:
            state = _best([*to_site, *from_site]) or EdgeState.UNKNOWN
        out.append(Pair(node, state, outward, inward))
    return out


def node_label(node: GraphNode, lang: str) -> str:
    if node.kind == "site":
        return i18n.gettext(lang, N_("your site"))
    if node.kind == "wikidata":
        return "Wikidata"
    return i18n.network_label(node.network) if node.network else i18n.gettext(lang, N_("web page"))


def graph_svg(graph: IdentityGraph, lang: str) -> Markup:
    """The graph as an inline SVG: `role="img"` with a title naming every pair and its state in words."""
    found = pairs(graph)
    height = int(2 * NODE_RADIUS * 0.8 + 70)
    cx, cy = WIDTH / 2, height / 2
    # An even count starts half a step round, so that no profile sits level with the site's own label.
    offset = math.pi / len(found) if found and len(found) % 2 == 0 else 0.0
    parts: list[str] = []
    spoken: list[str] = []
    for index, pair in enumerate(found):
        angle = -math.pi / 2 + offset + 2 * math.pi * index / max(len(found), 1)
        x, y = cx + NODE_RADIUS * math.cos(angle), cy + NODE_RADIUS * 0.8 * math.sin(angle)
        stroke, width, dash, _name = _STYLE[pair.state.value]
        markers = ""
        if pair.state is EdgeState.ONE_WAY:
            # The arrow points from the side that vouches to the side vouched for.
            markers = ' marker-end="url(#g-arrow)"' if pair.inward else ' marker-start="url(#g-arrow-back)"'
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        # The line stops short of both labels, so an arrowhead is not hidden under a node's text.
        x1, y1, x2, y2 = _shortened(cx, cy, x, y, 40, 24)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
            f'stroke-width="{width}"{dashed}{markers}/>'
        )
        word = i18n.label(lang, "edge_state", pair.state)
        mx, my = (cx + x) / 2, (cy + y) / 2
        mark = "✕ " if pair.state is EdgeState.BROKEN else "? " if pair.state is EdgeState.UNKNOWN else ""
        # The state's word leans away from the middle, so that the words of two neighbouring lines never meet.
        side = "end" if x < cx - 1 else "start" if x > cx + 1 else "middle"
        lean = {"end": -6.0, "start": 6.0, "middle": 0.0}[side]
        parts.append(_text(mx + lean, my + 4, f"{mark}{word}", FONT - 3, stroke, italic=True, anchor=side))
        name = node_label(pair.node, lang)
        parts.append(_text(x, y + 5, name, FONT, "#1b1b1b", bold=True))
        spoken.append(f"{name}: {word}")
    parts.append(_text(cx, cy + 5, node_label(graph.nodes[0], lang) if graph.nodes else "", FONT + 1, "#0072B2", True))
    title = i18n.gettext(lang, N_("How your site and your profiles link to each other")) + ". " + "; ".join(spoken)
    defs = (
        "<defs>"
        '<marker id="g-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#0072B2"/></marker>'
        '<marker id="g-arrow-back" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M10,0 L0,5 L10,10 z" fill="#0072B2"/></marker>'
        "</defs>"
    )
    return Markup(
        f'<svg class="graph" role="img" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif"><title>{escape(title)}</title>{defs}{"".join(parts)}</svg>'
    )


def _shortened(x1: float, y1: float, x2: float, y2: float, start: float, end: float) -> tuple[float, ...]:
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    return x1 + ux * start, y1 + uy * start, x2 - ux * end, y2 - uy * end


def _text(
    x: float,
    y: float,
    text: str,
    size: int,
    fill: str,
    bold: bool = False,
    italic: bool = False,
    anchor: str = "middle",
) -> str:
    weight = ' font-weight="700"' if bold else ""
    style = ' font-style="italic"' if italic else ""
    # A white halo keeps a label readable where it crosses a line.
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{weight}{style} '
        f'stroke="#fff" stroke-width="4" paint-order="stroke">{escape(text)}</text>'
    )


def edge_reason(lang: str, edge: GraphEdge) -> Worded:
    """Why an edge has its state, in the reader's language: a profile's link to the site in the words of its
    link-back verdict, every other mechanism from its own catalog entries."""
    return reason_words(lang, edge.reason_code, edge.reason_params)


def reason_words(lang: str, code: str, params: Mapping[str, str]) -> Worded:
    message = EDGE_REASONS.get(code)
    if message is not None:
        values = {k: i18n.isolate_bidi(str(v)) for k, v in params.items()}
        return Worded(i18n.gettext(lang, message) % values)
    if code:
        return linkback_reason(lang, code, params, "")
    return Worded("")


def note_text(lang: str, code: str, params: Mapping[str, str], detail: str) -> str:
    message = NOTES.get(code)
    if message is None:
        return detail
    return i18n.gettext(lang, message) % {k: i18n.isolate_bidi(str(v)) for k, v in params.items()}
