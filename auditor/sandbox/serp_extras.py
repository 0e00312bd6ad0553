"""The blocks beyond the organic results, as SerpApi, Serper and Brave put them in their JSON and as Google's
and Bing's pages draw them: a knowledge panel, "people also ask", an AI overview, videos (`Extras` of the
scenario). Only the first page of a query carries them, as on the engines."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from auditor.sandbox.scenario import Extras, Result

ExtrasFor = Callable[[str], Extras]


def _host(result: Result) -> str:
    return urlsplit(result.url).hostname or ""


def serpapi_fields(extras: Extras) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    panel = extras.panel
    if panel is not None:
        graph: dict[str, Any] = {"title": panel.title, "type": panel.description, "description": panel.description}
        if panel.links:
            first, *rest = panel.links
            graph["source"] = {"name": _host(first), "link": first.url}
            graph["profiles"] = [{"name": r.title, "link": r.url} for r in rest]
        fields["knowledge_graph"] = graph
    if extras.questions:
        fields["related_questions"] = [{"question": q, "snippet": "", "title": q} for q in extras.questions]
    if extras.overview:
        fields["ai_overview"] = {
            "text_blocks": [{"type": "paragraph", "snippet": extras.overview[0].snippet, "reference_indexes": [0]}],
            "references": [
                {"title": r.title, "link": r.url, "snippet": r.snippet, "source": _host(r), "index": i}
                for i, r in enumerate(extras.overview)
            ],
        }
    if extras.videos:
        fields["inline_videos"] = [
            {"position": i + 1, "title": r.title, "link": r.url, "platform": _host(r)}
            for i, r in enumerate(extras.videos)
        ]
    return fields


def serper_fields(extras: Extras) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    panel = extras.panel
    if panel is not None:
        graph: dict[str, Any] = {"title": panel.title, "type": panel.description, "description": panel.description}
        if panel.links:
            graph["website"] = panel.links[0].url
        if len(panel.links) > 1:
            graph["descriptionLink"] = panel.links[1].url
            graph["descriptionSource"] = _host(panel.links[1])
        fields["knowledgeGraph"] = graph
    if extras.questions:
        fields["peopleAlsoAsk"] = [{"question": q, "snippet": "", "title": q} for q in extras.questions]
    if extras.videos:
        fields["videos"] = [{"title": r.title, "link": r.url, "source": _host(r)} for r in extras.videos]
    return fields


def brave_fields(extras: Extras, wanted: frozenset[str] | None) -> dict[str, Any]:
    """Brave's blocks beside `web`: only the types its `result_filter` names (`wanted`; None: every type)."""
    fields: dict[str, Any] = {}
    panel = extras.panel
    if panel is not None and (wanted is None or "infobox" in wanted):
        box: dict[str, Any] = {"type": "infobox", "title": panel.title, "description": panel.description}
        if panel.links:
            first, *rest = panel.links
            box["url"] = first.url
            box["profiles"] = [{"name": r.title, "url": r.url} for r in rest]
        fields["infobox"] = {"type": "graph", "results": [box]}
    if extras.questions and (wanted is None or "faq" in wanted):
        fields["faq"] = {
            "type": "faq",
            "results": [{"question": q, "answer": "", "title": q} for q in extras.questions],
        }
    if extras.videos and (wanted is None or "videos" in wanted):
        fields["videos"] = {"type": "videos", "results": [{"title": r.title, "url": r.url} for r in extras.videos]}
    return fields


def searxng_infoboxes(extras: Extras, engines: Sequence[str]) -> list[dict[str, Any]]:
    """SearXNG's infobox (its Wikipedia or Wikidata panel): the first cited page is its `id`."""
    panel = extras.panel
    if panel is None:
        return []
    first = panel.links[0].url if panel.links else ""
    return [
        {
            "infobox": panel.title,
            "id": first,
            "content": panel.description,
            "img_src": None,
            "urls": [{"title": r.title, "url": r.url} for r in panel.links[1:]],
            "attributes": [],
            "engine": "wikidata",
            "engines": ["wikidata", *engines[:1]],
        }
    ]


def _google_link(result: Result) -> str:
    return escape(f"/url?q={quote(result.url, safe='')}&sa=U")


def google_side(extras: Extras) -> str:
    """The right-hand column (`#rhs`) with the knowledge panel; "" without one."""
    panel = extras.panel
    if panel is None:
        return ""
    links = "".join(f'<a href="{_google_link(r)}">{escape(_host(r))}</a> ' for r in panel.links)
    return f"""<div id="rhs"><div class="kp-wholepage"><div class="kp-header">
<h2 data-attrid="title">{escape(panel.title)}</h2><div data-attrid="subtitle">{escape(panel.description)}</div></div>
<div class="kp-links">{links}</div></div></div>"""


def google_blocks(extras: Extras) -> str:
    """The blocks Google puts above and among the results: AI overview, videos, "people also ask"."""
    parts = []
    if extras.overview:
        cited = "".join(f'<li><a href="{_google_link(r)}">{escape(r.title)}</a></li>' for r in extras.overview)
        parts.append(
            f'<div data-attrid="ai_overview"><h2>Aperçu IA</h2><p>{escape(extras.overview[0].snippet)}</p>'
            f"<ul>{cited}</ul></div>"
        )
    if extras.videos:
        items = "".join(f'<a href="{_google_link(r)}">{escape(r.title)}</a>' for r in extras.videos)
        parts.append(f'<div class="video-pack"><h2>Vidéos</h2><video-voyager>{items}</video-voyager></div>')
    if extras.questions:
        pairs = "".join(
            f'<div class="related-question-pair"><div role="button">{escape(q)}</div></div>' for q in extras.questions
        )
        parts.append(f'<div class="g kno-kp mnr-c g-blk"><h2>Autres questions posées</h2>{pairs}</div>')
    return "\n".join(parts)


def _bing_link(result: Result) -> str:
    encoded = base64.urlsafe_b64encode(result.url.encode("utf-8")).decode("ascii").rstrip("=")
    return escape(f"https://www.bing.com/ck/a?!&&u=a1{encoded}&ntb=1")


def bing_side(extras: Extras) -> str:
    panel = extras.panel
    if panel is None:
        return ""
    links = "".join(f'<a href="{_bing_link(r)}">{escape(_host(r))}</a> ' for r in panel.links)
    return f"""<aside id="b_context"><div class="b_entityTP"><h2 class="b_entityTitle">{escape(panel.title)}</h2>
<div class="b_entitySubTitle">{escape(panel.description)}</div><div>{links}</div></div></aside>"""


def bing_blocks(extras: Extras) -> str:
    parts = []
    if extras.overview:
        cited = "".join(f'<a href="{_bing_link(r)}">{escape(r.title)}</a>' for r in extras.overview)
        said = escape(extras.overview[0].snippet)
        parts.append(f'<li class="b_ans"><div id="b_copilot_answer"><p>{said}</p>{cited}</div></li>')
    if extras.questions:
        asked = "".join(f'<div class="df_qntext">{escape(q)}</div>' for q in extras.questions)
        parts.append(f'<li class="b_ans"><div id="relatedQnAListDisplay">{asked}</div></li>')
    if extras.videos:
        items = "".join(f'<a href="{_bing_link(r)}">{escape(r.title)}</a>' for r in extras.videos)
        parts.append(f'<li class="b_ans"><div id="vidAns">{items}</div></li>')
    return "\n".join(parts)
