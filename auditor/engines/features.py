"""What a JSON results page shows beyond its organic results: knowledge panel, "people also ask", AI overview,
top stories, images, videos. Pure; each reader takes the answer's top-level object and never raises.

Field names, by engine (README, "SERP features", says which a real recording shows and which come from the
engine's documentation only):
- SerpApi: `knowledge_graph` (title, type, description, source.link, website, profiles[].link),
  `related_questions[]` (question, link), `ai_overview` (references[].link), `top_stories[]`,
  `inline_images[]` (source is the page, link the image), `inline_videos[]`;
- Serper: `knowledgeGraph` (title, type, description, descriptionLink, website), `peopleAlsoAsk[]`
  (question, link), `topStories[]`, `images[]`, `videos[]`;
- Brave: `infobox.results[]` (title, description, url, website_url, profiles[].url), `faq.results[]`
  (question, url), `news.results[]`, `videos.results[]`;
- SearXNG: `infoboxes[]` (infobox, content, id, urls[].url): its Wikipedia or Wikidata panel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from auditor.engines.jsonapi import http_url, plain, table
from auditor.models import FeatureKind, FeatureLink, SerpFeature

MAX_ITEMS = 20
"""Items kept per block: a carousel of 100 images says no more than its first 20 and its count."""


def items(value: object) -> list[dict[str, Any]]:
    """The JSON objects of a list (anything else in it is skipped); [] when `value` is not a list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def link(item: Mapping[str, Any], *keys: str) -> FeatureLink | None:
    """The first http(s) URL among `item[key]` for `keys`, with the item's title."""
    for key in keys:
        url = http_url(item.get(key))
        if url is not None:
            return FeatureLink(url, plain(item.get("title") or item.get("name") or item.get("source")))
    return None


def unique(links: Iterable[FeatureLink | None]) -> tuple[FeatureLink, ...]:
    kept: dict[str, FeatureLink] = {}
    for found in links:
        if found is not None and found.url not in kept and len(kept) < MAX_ITEMS:
            kept[found.url] = found
    return tuple(kept.values())


def panel(title: object, kind: object, description: object, links: Iterable[FeatureLink | None]) -> SerpFeature | None:
    """A knowledge panel, or None when it has no title (nothing says what it is about)."""
    name = plain(title)
    if not name:
        return None
    about = " · ".join(part for part in (plain(kind), plain(description)) if part)
    return SerpFeature(FeatureKind.KNOWLEDGE_PANEL, 1, name, about[:300], unique(links))


def questions(entries: list[dict[str, Any]], *url_keys: str) -> SerpFeature | None:
    asked = [plain(entry.get("question")) for entry in entries]
    asked = [question for question in asked if question]
    if not asked:
        return None
    return SerpFeature(
        FeatureKind.PEOPLE_ALSO_ASK,
        len(asked),
        links=unique(link(entry, *url_keys) for entry in entries),
        questions=tuple(asked[:MAX_ITEMS]),
    )


def block(kind: FeatureKind, entries: list[dict[str, Any]], *url_keys: str) -> SerpFeature | None:
    """Stories, images or videos: present when the list holds anything."""
    if not entries:
        return None
    return SerpFeature(kind, len(entries), links=unique(link(entry, *url_keys) for entry in entries))


def present(*found: SerpFeature | None) -> tuple[SerpFeature, ...]:
    return tuple(feature for feature in found if feature is not None)


def serpapi_features(data: Mapping[str, Any]) -> tuple[SerpFeature, ...]:
    graph = table(data, "knowledge_graph")
    graph_links = [
        link(table(graph, "source"), "link"),
        link(graph, "website"),
        *(link(profile, "link") for profile in items(graph.get("profiles"))),
    ]
    overview = data.get("ai_overview")
    references = items(overview.get("references")) if isinstance(overview, dict) else []
    return present(
        panel(graph.get("title"), graph.get("type"), graph.get("description"), graph_links) if graph else None,
        questions(items(data.get("related_questions")), "link"),
        # An overview may come as a `page_token` alone (its text needs a second request): it is still shown.
        SerpFeature(FeatureKind.AI_OVERVIEW, 1, links=unique(link(ref, "link") for ref in references))
        if isinstance(overview, dict) and overview
        else None,
        block(FeatureKind.TOP_STORIES, items(data.get("top_stories")), "link"),
        block(FeatureKind.IMAGES, items(data.get("inline_images")), "source", "link"),
        block(FeatureKind.VIDEOS, items(data.get("inline_videos")), "link"),
    )


def serper_features(data: Mapping[str, Any]) -> tuple[SerpFeature, ...]:
    graph = table(data, "knowledgeGraph")
    graph_links = [link(graph, "website"), link(graph, "descriptionLink")]
    return present(
        panel(graph.get("title"), graph.get("type"), graph.get("description"), graph_links) if graph else None,
        questions(items(data.get("peopleAlsoAsk")), "link"),
        block(FeatureKind.TOP_STORIES, items(data.get("topStories")), "link"),
        block(FeatureKind.IMAGES, items(data.get("images")), "link"),
        block(FeatureKind.VIDEOS, items(data.get("videos")), "link"),
    )


def brave_features(data: Mapping[str, Any]) -> tuple[SerpFeature, ...]:
    boxes = items(table(data, "infobox").get("results"))
    box = boxes[0] if boxes else {}
    box_links = [
        link(box, "url"),
        link(box, "website_url"),
        *(link(profile, "url") for profile in items(box.get("profiles"))),
    ]
    return present(
        panel(box.get("title"), "", box.get("description"), box_links) if box else None,
        questions(items(table(data, "faq").get("results")), "url"),
        block(FeatureKind.TOP_STORIES, items(table(data, "news").get("results")), "url"),
        block(FeatureKind.VIDEOS, items(table(data, "videos").get("results")), "url"),
    )


def searxng_features(data: Mapping[str, Any]) -> tuple[SerpFeature, ...]:
    boxes = items(data.get("infoboxes"))
    box = boxes[0] if boxes else {}
    box_links = [link({"url": box.get("id"), "title": box.get("infobox")}, "url")]
    box_links += [link(entry, "url") for entry in items(box.get("urls"))]
    return present(panel(box.get("infobox"), "", box.get("content"), box_links) if box else None)
