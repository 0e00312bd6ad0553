"""The person's identity as the config, the site, the fetched candidates and the user's labels describe it;
and the candidates an audit fetches. Pure: what the pipeline, `auditor classify` and rescoring share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from auditor.config import Config
from auditor.identify.candidates import Candidate, check_page, pick_candidates
from auditor.identify.classify import Identity, build_identity, classify
from auditor.identify.labels import Decision
from auditor.identify.networks import Registry
from auditor.models import ClassifiedResult, Serp
from auditor.net.fetched import Fetched


def identity_for(
    config: Config,
    registry: Registry,
    *,
    site_links: Iterable[str] = (),
    labels: Mapping[str, Decision | str] | None = None,
    candidate_pages: Mapping[str, Fetched] | None = None,
) -> Identity:
    """`candidate_pages`: same-page key -> the fetched page of a candidate (`pick_candidates`)."""
    person = config.person
    checks = {
        key: check_page(page, person.site, person.old_sites, config.profiles, registry)
        for key, page in (candidate_pages or {}).items()
    }
    return build_identity(
        registry,
        name=person.name,
        aliases=person.aliases,
        site=person.site,
        old_sites=person.old_sites,
        profiles=config.profiles,
        site_links=site_links,
        page_checks=checks,
        labels=labels,
        qualifiers=person.qualifiers,
    )


def classify_serps(serps: Iterable[Serp], registry: Registry, who: Identity) -> list[ClassifiedResult]:
    return [
        classify(result, engine=serp.engine, query=serp.query.text, registry=registry, who=who)
        for serp in serps
        for result in serp.results
    ]


def candidates_for(
    config: Config, serps: Iterable[Serp], registry: Registry, labels: Mapping[str, Decision | str] | None = None
) -> tuple[Candidate, ...]:
    """The pages an audit fetches once its searches are in: the best-ranked namesakes, judged before the site's
    own links are known (a profile the site links to is probable anyway; fetching it costs one request)."""
    who = identity_for(config, registry, labels=labels)
    return pick_candidates(classify_serps(serps, registry, who), registry)
