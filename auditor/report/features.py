"""The report's view of what each engine shows beyond its organic results, and of knowledge-panel readiness:
labels and sentences in the reader's language, and the rows the `_beyond.html` section draws. Pure."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from auditor.models import Audit, ClassifiedFeature, ReadinessItem
from auditor.report import i18n
from auditor.report.i18n import N_
from auditor.store.screenshots import Screenshot

if TYPE_CHECKING:
    from auditor.store import Store

FEATURES = {
    "knowledge_panel": N_("Knowledge panel"),
    "people_also_ask": N_("People also ask"),
    "ai_overview": N_("AI overview"),
    "top_stories": N_("Top stories"),
    "images": N_("Images"),
    "videos": N_("Videos"),
}

PANEL = {
    "panel_cites_own": N_("About you: it cites %(url)s."),
    "panel_namesake": N_(
        "It carries your name (“%(title)s”) but cites none of your pages: a namesake's panel, not counted as yours."
    ),
    "panel_other": N_("About “%(title)s”, not you."),
}

READINESS = {
    "person_schema": N_("schema.org Person on your site"),
    "person_sameas": N_("sameAs listing your profiles"),
    "consistent_names": N_("The same name everywhere"),
    "wikidata": N_("A Wikidata item"),
}

READINESS_DETAIL = {
    "person_found": N_("Found, named “%(name)s”."),
    "person_missing": N_("No schema.org Person in the page's JSON-LD: add one with your name and your profiles."),
    "jsonld_malformed": N_("A JSON-LD block could not be read, so it counts for nothing: %(reason)s."),
    "sameas_found": N_("%(count)s profile or page URLs listed."),
    "sameas_not_url": N_("sameAs holds no URL (ignored: %(ignored)s): list your profiles' full URLs."),
    "sameas_missing": N_("The Person has no sameAs: list your profiles' URLs in it."),
    "names_consistent": N_("%(count)s places (your site, your profiles) show your name as configured."),
    "names_differ": N_("These places show another name: %(names)s."),
    "names_unknown": N_("No page showed a name to compare."),
    "wikidata_linked": N_("Your site links to %(url)s."),
    "wikidata_missing": N_("Neither your site nor its sameAs links to a Wikidata item."),
    "site_unreachable": N_("Your site could not be read in this audit."),
}

IGNORED = N_("Ignored (not URLs): %(ignored)s.")


@dataclass(frozen=True)
class EngineFeatures:
    """One engine's blocks beyond the organic results over all its queries."""

    engine: str
    features: tuple[ClassifiedFeature, ...]

    @property
    def persons(self) -> int:
        return sum(f.is_persons for f in self.features)


def by_engine(audit: Audit) -> list[EngineFeatures]:
    """The engines of the audit that showed any block, in the audit's engine order."""
    order = [e.name for e in audit.engines]
    grouped: dict[str, list[ClassifiedFeature]] = {}
    for feature in audit.serp_features:
        grouped.setdefault(feature.engine, []).append(feature)
    ranked = sorted(grouped, key=lambda name: order.index(name) if name in order else len(order))
    return [EngineFeatures(name, tuple(grouped[name])) for name in ranked]


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _say(lang: str, template: str | None, params: Mapping[str, str]) -> str:
    if template is None:
        return ""
    return i18n.gettext(lang, template) % _Params({k: i18n.isolate_bidi(str(v)) for k, v in params.items()})


def panel_reason(lang: str, feature: ClassifiedFeature) -> str:
    return _say(lang, PANEL.get(feature.reason_code), feature.reason_params)


def readiness_detail(lang: str, item: ReadinessItem) -> str:
    said = _say(lang, READINESS_DETAIL.get(item.detail_code), item.detail_params)
    if item.detail_code == "sameas_found" and item.detail_params.get("ignored"):
        said += " " + _say(lang, IGNORED, item.detail_params)
    return said


def filters(lang: str) -> dict[str, Callable[..., Any]]:
    """The jinja filters of the section, bound to `lang`."""
    return {
        "feature_label": lambda kind: _say(lang, FEATURES.get(str(getattr(kind, "value", kind))), {}) or str(kind),
        "panel_reason": lambda feature: panel_reason(lang, feature),
        "readiness_label": lambda item: _say(lang, READINESS.get(item.id), {}) or item.id,
        "readiness_detail": lambda item: readiness_detail(lang, item),
    }


def missing_readiness(items: Sequence[ReadinessItem]) -> list[ReadinessItem]:
    return [item for item in items if not item.ready]


@dataclass(frozen=True)
class Thumbnail:
    """A browser engine's results page as a small picture embedded in the report (a data: URI: the report
    stays one self-contained file)."""

    engine: str
    query: str
    data_uri: str
    width: int
    height: int


MAX_THUMBNAILS = 6
MAX_THUMBNAIL_BYTES = 400_000
"""What the report embeds at most: the first page of a few engine and query pairs, so the page stays light."""


def thumbnails(shots: Sequence[Screenshot]) -> list[Thumbnail]:
    """The first results page of each engine and query that has a picture, within the report's caps."""
    chosen: list[Thumbnail] = []
    total = 0
    for shot in shots:
        if not shot.png or shot.page != 1 or len(chosen) >= MAX_THUMBNAILS:
            continue
        if total + len(shot.png) > MAX_THUMBNAIL_BYTES:
            break
        total += len(shot.png)
        uri = "data:image/png;base64," + base64.b64encode(shot.png).decode("ascii")
        chosen.append(Thumbnail(shot.engine, shot.query, uri, shot.width, shot.height))
    return chosen


def stored_thumbnails(store: Store) -> Callable[[Audit], list[Thumbnail]]:
    """The report's thumbnails of an audit's results pages, read from `store`."""
    return lambda audit: thumbnails(store.screenshots(audit.id)) if audit.id is not None else []
