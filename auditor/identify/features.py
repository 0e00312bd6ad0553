"""Which of what a results page shows beyond its organic results is the person's. Pure.

A link in a block is the person's when the classifier of organic results would count it as theirs (their
site, a configured or confirmed profile). A knowledge panel is about the person only when it cites one of
those pages: a panel that merely carries the name is a namesake's (or one that does not know the person's
pages), recorded with that reason and never counted.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.identify.classify import Identity, classify
from auditor.identify.names import mentions_name
from auditor.identify.networks import Registry
from auditor.models import ClassifiedFeature, FeatureKind, SearchResult, Serp, SerpFeature


def classify_features(serps: Iterable[Serp], registry: Registry, who: Identity) -> tuple[ClassifiedFeature, ...]:
    """Every block of every query that succeeded, in the engines' order."""
    return tuple(
        classify_feature(feature, engine=serp.engine, query=serp.query.text, registry=registry, who=who)
        for serp in serps
        if serp.status.counts_in_score
        for feature in serp.features
    )


def classify_feature(
    feature: SerpFeature, *, engine: str, query: str, registry: Registry, who: Identity
) -> ClassifiedFeature:
    own = tuple(
        link.url
        for link in feature.links
        if classify(
            SearchResult(1, link.url, link.title, ""), engine=engine, query=query, registry=registry, who=who
        ).ownership.is_owned
    )
    about: bool | None = None
    code = ""
    params: dict[str, str] = {}
    if feature.kind is FeatureKind.KNOWLEDGE_PANEL:
        about = bool(own)
        if own:
            code, params = "panel_cites_own", {"url": own[0]}
        elif mentions_name(feature.title, who.names):
            code, params = "panel_namesake", {"title": feature.title}
        else:
            code, params = "panel_other", {"title": feature.title}
    return ClassifiedFeature(
        engine=engine,
        query=query,
        kind=feature.kind,
        count=feature.count,
        title=feature.title,
        description=feature.description,
        links=feature.links,
        questions=feature.questions,
        own_links=own,
        about_person=about,
        reason_code=code,
        reason_params=params,
    )
