"""What a rendered results page (Google's, Bing's) shows beyond its organic results. Pure, never raises.

Each engine names its blocks by CSS selector (`Blocks`); only the blocks a page carries are returned. The
"people also ask" markup of Google's page is the one a real recording shows (`.related-question-pair`); the
panel, overview, stories, images and videos selectors follow the engines' public markup and the project's
own sandbox pages, not a recording (README, "SERP features").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.engines.features import MAX_ITEMS, unique
from auditor.models import FeatureKind, FeatureLink, SerpFeature

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

Target = Callable[[str], str | None]
"""The engine's own link reader: a wrapped href to its target, None for the engine's own links."""


@dataclass(frozen=True)
class Blocks:
    """Where an engine's page puts each block."""

    panel: str
    panel_title: str
    panel_description: str
    questions: str
    """Each question of "people also ask"."""
    question_text: str
    """Within a question, the element whose text is the question (else the whole question's text)."""
    overview: str
    stories: str
    images: str
    videos: str


def page_features(soup: BeautifulSoup, blocks: Blocks, target: Target) -> tuple[SerpFeature, ...]:
    found: list[SerpFeature] = []
    panel = soup.select_one(blocks.panel)
    if panel is not None:
        title = panel.select_one(blocks.panel_title)
        description = panel.select_one(blocks.panel_description)
        name = _text(title) if title is not None else ""
        if name:
            about = _text(description)[:300] if description is not None else ""
            found.append(SerpFeature(FeatureKind.KNOWLEDGE_PANEL, 1, name, about, _links(panel, target)))
    asked = [_question(tag, blocks.question_text) for tag in soup.select(blocks.questions)]
    asked = [question for question in asked if question]
    if asked:
        links = unique(link for tag in soup.select(blocks.questions) for link in _links(tag, target))
        found.append(
            SerpFeature(FeatureKind.PEOPLE_ALSO_ASK, len(asked), links=links, questions=tuple(asked[:MAX_ITEMS]))
        )
    overview = soup.select_one(blocks.overview)
    if overview is not None:
        found.append(SerpFeature(FeatureKind.AI_OVERVIEW, 1, links=_links(overview, target)))
    for kind, selector in (
        (FeatureKind.TOP_STORIES, blocks.stories),
        (FeatureKind.IMAGES, blocks.images),
        (FeatureKind.VIDEOS, blocks.videos),
    ):
        items = soup.select(selector)
        if items:
            found.append(
                SerpFeature(kind, len(items), links=unique(link for tag in items for link in _links(tag, target)))
            )
    return tuple(found)


def _links(tag: Tag, target: Target) -> tuple[FeatureLink, ...]:
    own = [tag] if tag.name == "a" and tag.get("href") else []
    anchors = [*own, *tag.select("a[href]")]
    return unique(
        FeatureLink(url, _text(anchor)[:200]) if (url := target(str(anchor.get("href") or ""))) else None
        for anchor in anchors
    )


def _question(tag: Tag, selector: str) -> str:
    text = tag.select_one(selector)
    return _text(text if text is not None else tag)


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())
