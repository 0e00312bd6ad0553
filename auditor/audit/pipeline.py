"""One audit from plan to scored result: collect (I/O) at the start, then pure stages.

Progress is reported as events; the CLI draws them (sherlock's `QueryNotify` idea), tests ignore them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from auditor.audit.collect import collect_serp, fetch_page
from auditor.audit.identity import candidates_for, classify_serps, identity_for
from auditor.audit.plan import build_engines, plan_queries
from auditor.config import Config
from auditor.engines.base import Engine
from auditor.identify.candidates import Candidate
from auditor.identify.features import classify_features
from auditor.identify.labels import Decision
from auditor.identify.links import SiteTarget
from auditor.identify.networks import Registry, default_registry
from auditor.models import (
    Audit,
    AuditStatus,
    ClassifiedResult,
    EngineRun,
    EngineStatus,
    ParsedPage,
    ProfileCheck,
    Query,
    Serp,
)
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher
from auditor.scoring.recommend import recommend
from auditor.scoring.scores import ScoreInputs, compute_scores
from auditor.verify.consistency import find_inconsistencies
from auditor.verify.decide import decide_linkback
from auditor.verify.evidence import ProfileEvidence
from auditor.verify.gather import ProfileGatherer
from auditor.verify.graph import build_graph, linked_urls
from auditor.verify.graph_sources import GraphAnswers, gather_graph_sources
from auditor.verify.manual import ManualCheck, apply_manual_check
from auditor.verify.panel import panel_readiness
from auditor.verify.profiles import evidence_from_page
from auditor.verify.site import site_checks, site_links, site_unreachable


@dataclass(frozen=True)
class ProgressEvent:
    """Something worth telling the user while an audit runs."""

    stage: str
    """`search`, `profile`, `site`, `candidate` (a namesake's page, fetched to see whether it links to the site)."""
    message: str
    done: int
    total: int


Progress = Callable[[ProgressEvent], None]


def _engine_runs(serps: Sequence[Serp], engine_names: Sequence[str]) -> tuple[EngineRun, ...]:
    """One line per engine; the first failing query's status and detail stand for the engine."""
    runs = []
    for name in engine_names:
        own = [s for s in serps if s.engine == name]
        failed = [s for s in own if not s.status.counts_in_score]
        worst = failed[0] if failed else None
        if worst is not None:
            detail = f"{worst.detail} [query: {worst.query.text}]"
            if len(failed) > 1:
                detail += f" (+{len(failed) - 1} more failed queries)"
            skipped = [s for s in failed if s.requests == 0 and s.detail.startswith(SKIPPED)]
            if skipped:
                detail += f"; {len(skipped)} queries {skipped[0].detail}"
            status = worst.status
        else:
            status = EngineStatus.OK if any(s.status is EngineStatus.OK for s in own) else EngineStatus.EMPTY
            detail = ""
        runs.append(EngineRun(name, status, detail, sum(s.requests for s in own)))
    return tuple(runs)


def assemble(
    config: Config,
    as_of: dt.date,
    serps: Sequence[Serp],
    engine_names: Sequence[str],
    profile_pages: Mapping[str, ProfileEvidence | Fetched],
    site_page: Fetched,
    registry: Registry,
    *,
    labels: Mapping[str, Decision | str] | None = None,
    candidate_pages: Mapping[str, Fetched] | None = None,
    manual_checks: Sequence[ManualCheck] = (),
    graph_answers: GraphAnswers | None = None,
) -> Audit:
    """Everything after collection: classify, verify, score, recommend. Pure.

    `profile_pages` holds what gathering found of each configured profile (`verify.gather`); a bare page (a
    replay of stored responses) is judged as that page alone. `labels` are the user's decisions (URL ->
    `me`/`not-me`); `candidate_pages` the pages of the namesakes fetched to see whether they link to the site
    (same-page key -> page; `identify.candidates`). `manual_checks` are the user's own checks of profiles the
    auditor cannot see (`auditor confirm`), standing for `report.manual_check_months`. `graph_answers`: what
    the identity graph's own sources answered (`verify.graph_sources`); None leaves their edges out.
    """
    person = config.person
    names = (person.name, *person.aliases)
    links = site_links(site_page, registry)
    who = identity_for(config, registry, site_links=links, labels=labels, candidate_pages=candidate_pages)
    results: list[ClassifiedResult] = classify_serps(serps, registry, who)
    features = classify_features(serps, registry, who)
    succeeded = tuple((s.engine, s.query.text) for s in serps if s.status.counts_in_score)
    target = SiteTarget(person.site, person.old_sites)
    profiles = []
    evidence: list[ProfileEvidence] = []
    checked = {_page_key(c.normalized_url, registry): c for c in manual_checks}
    for key, url in config.profiles.items():
        network = registry.by_key[key]
        found = profile_pages[key]
        if isinstance(found, Fetched):
            found = evidence_from_page(network, url, found, registry=registry)
        evidence.append(found)
        positions = [r.position for r in results if r.profile == key]
        profiles.append(
            ProfileCheck(
                network=key,
                url=url,
                linkback=apply_manual_check(
                    decide_linkback(network, found, target),
                    checked.get(_page_key(url, registry)),
                    as_of,
                    config.report.manual_check_months,
                ),
                best_position=min(positions) if positions else None,
                display_name=found.display_name,
                headline=found.headline,
            )
        )
    inconsistencies = find_inconsistencies(profiles, names)
    checks = site_checks(site_page, names, config.profiles, registry) if site_page.ok else site_unreachable(site_page)
    graph = build_graph(
        site_url=person.site,
        old_sites=person.old_sites,
        site_page=site_page,
        profiles=profiles,
        evidence=dict(zip(config.profiles, evidence, strict=True)),
        labelled=_labelled(results),
        labelled_pages=candidate_pages or {},
        registry=registry,
        answers=graph_answers,
    )
    inputs = ScoreInputs(
        results=tuple(results),
        succeeded=succeeded,
        profiles=tuple(profiles),
        site_checks=checks,
        site_measured=site_page.ok,
        depth=config.audit.depth,
        ctr=config.scoring.ctr,
        weights=config.scoring.weights,
        names=names,
        inconsistencies=inconsistencies,
        graph=graph,
        edge_weights=config.scoring.edge_weights,
    )
    engines = _engine_runs(serps, engine_names)
    return Audit(
        person=person.name,
        as_of=as_of,
        status=_status(engines, site_page, evidence),
        engines=engines,
        results=tuple(results),
        profiles=tuple(profiles),
        site_checks=checks,
        scores=compute_scores(inputs),
        recommendations=recommend(inputs, site_url=person.site),
        queries=tuple(s.query for s in serps if s.engine == engine_names[0]) if engine_names else (),
        depth=config.audit.depth,
        inconsistencies=inconsistencies,
        graph=graph,
        serp_features=features,
        panel_readiness=panel_readiness(site_page, names, profiles),
    )


def _labelled(results: Sequence[ClassifiedResult]) -> list[tuple[str | None, str]]:
    """The pages the user labelled as theirs that the config does not list, best-ranked first."""
    mine = sorted(
        (r for r in results if r.label == "me" and r.ownership.is_owned and r.profile is None),
        key=lambda r: (r.position, r.url),
    )
    first: dict[str, tuple[str | None, str]] = {}
    for r in mine:
        first.setdefault(r.normalized_url, (r.network, r.url))
    return list(first.values())


def _page_key(url: str, registry: Registry) -> str:
    try:
        return registry.same_page_key(url)
    except ValueError:
        return url


def _status(engines: Sequence[EngineRun], site: Fetched, profiles: Iterable[ProfileEvidence]) -> AuditStatus:
    if not any(e.status.counts_in_score for e in engines):
        return AuditStatus.FAILED
    # A login wall is an expected answer; a profile that could not be fetched at all is a failed check.
    if any(not e.status.counts_in_score for e in engines) or any(p.failed for p in profiles) or not site.ok:
        return AuditStatus.PARTIAL
    return AuditStatus.COMPLETE


@dataclass(frozen=True)
class Collected:
    """What the network gave for one audit, before anything is classified or scored."""

    serps: list[Serp]
    profiles: dict[str, ProfileEvidence]
    site_page: Fetched
    candidate_pages: dict[str, Fetched]
    graph_answers: GraphAnswers | None = None


SKIPPED = "skipped, never sent:"


class EngineBreaker:
    """Stops asking an engine that answered `limit` consecutive queries blocked or rate limited: the next
    queries would only cost requests (and retries) for the same answer. Its queries still to come fail with
    that reason, without a request. Queries of one engine take turns (`turn`): they share one host, which
    takes one request at a time anyway, so nothing is slower for it."""

    STOPPING = frozenset({EngineStatus.BLOCKED, EngineStatus.RATE_LIMITED})

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._run: list[Serp] = []
        self._lock = asyncio.Lock()

    def turn(self) -> asyncio.Lock:
        return self._lock

    def saw(self, serp: Serp) -> None:
        if serp.status in self.STOPPING and serp.requests > 0:
            self._run.append(serp)
        elif serp.requests > 0:
            self._run = []

    def refusal(self, engine: str) -> ParsedPage | None:
        if not self._limit or len(self._run) < self._limit:
            return None
        last = self._run[-1]
        return ParsedPage(
            last.status, detail=f"{SKIPPED} {engine} answered {last.status.value} {len(self._run)} times in a row"
        )


async def collect_all(
    config: Config,
    fetcher: Fetcher,
    engines: Sequence[Engine],
    queries: Sequence[Query],
    registry: Registry,
    *,
    refused: Mapping[str, ParsedPage] | None = None,
    check_keys: bool = True,
    labels: Mapping[str, Decision | str] | None = None,
    progress: Progress = lambda event: None,
) -> Collected:
    """Every engine page, profile, the site's page and the namesakes' pages, through `fetcher`: the same code
    for an audit, a resumed audit and a rescore. `refused` gives, by engine, a status that stops it before it
    sends anything; `check_keys=False` (a replay) does not stop an engine whose key is not set today."""
    total = len(engines) * len(queries)
    done = 0
    breakers = {engine.name: EngineBreaker(config.audit.stop_engine_after) for engine in engines}

    async def search(engine: Engine, query: Query) -> Serp:
        nonlocal done
        breaker = breakers[engine.name]
        async with breaker.turn():  # one query of an engine at a time, so a block is seen before the next asks
            stop = (refused or {}).get(engine.name) or breaker.refusal(engine.name)
            serp = await collect_serp(fetcher, engine, query, config.audit.depth, stop, check_key=check_keys)
            breaker.saw(serp)
        done += 1
        progress(ProgressEvent("search", f"{serp.engine}: {query.text} -> {serp.status.value}", done, total))
        return serp

    async def page(key: str, url: str, kind: str) -> Fetched:
        fetched = await fetch_page(fetcher, url, kind, subject=key)
        progress(ProgressEvent(kind, f"{key}: {fetched.error or f'HTTP {fetched.status_code}'}", 1, 1))
        return fetched

    site_target = SiteTarget(config.person.site, config.person.old_sites)
    names = (config.person.name, *config.person.aliases)
    gatherer = ProfileGatherer(fetcher, site=site_target, names=names, registry=registry)

    async def profile(key: str, url: str) -> tuple[str, ProfileEvidence]:
        found = await gatherer.gather(key, url)
        progress(ProgressEvent("profile", f"{key}: {found.summary}", 1, 1))
        return key, found

    async def candidate(found: Candidate) -> tuple[str, Fetched]:
        fetched = await fetch_page(fetcher, found.url, "candidate", subject=found.key)
        progress(ProgressEvent("candidate", f"{found.url}: {fetched.error or f'HTTP {fetched.status_code}'}", 1, 1))
        return found.key, fetched

    async def search_then_candidates() -> tuple[list[Serp], list[tuple[str, Fetched]]]:
        # Namesakes' pages are fetched once the results are in, while profiles and the site still load:
        # one linking to the site is a probable profile of the person (`identify.candidates`).
        found = list(await asyncio.gather(*(search(e, q) for e in engines for q in queries)))
        wanted = candidates_for(config, found, registry, labels)
        return found, list(await asyncio.gather(*(candidate(c) for c in wanted)))

    async def profiles_then_graph() -> tuple[list[tuple[str, ProfileEvidence]], Fetched, GraphAnswers]:
        # The identity graph's own sources depend on what the profiles and the site answered.
        profiles = [profile(key, url) for key, url in config.profiles.items()]
        gathered, site = await asyncio.gather(asyncio.gather(*profiles), page("site", config.person.site, "site"))
        answers = await gather_graph_sources(
            fetcher,
            profiles=config.profiles,
            evidence=dict(gathered),
            site_url=config.person.site,
            site_links=linked_urls(site),
        )
        return list(gathered), site, answers

    (serps, candidate_pages), (profile_evidence, site_page, graph_answers) = await asyncio.gather(
        search_then_candidates(), profiles_then_graph()
    )
    return Collected(serps, dict(profile_evidence), site_page, dict(candidate_pages), graph_answers)


async def run_audit(
    config: Config,
    fetcher: Fetcher,
    *,
    as_of: dt.date,
    progress: Progress = lambda event: None,
    only_engines: tuple[str, ...] | None = None,
    registry: Registry | None = None,
    labels: Mapping[str, Decision | str] | None = None,
    manual_checks: Sequence[ManualCheck] = (),
) -> Audit:
    """Collect through `fetcher`, then `assemble`. `labels` are the user's decisions on results (`auditor
    label`), passed in as data."""
    registry = registry or default_registry()
    engines = build_engines(config, only_engines)
    found = await collect_all(
        config, fetcher, engines, plan_queries(config), registry, labels=labels, progress=progress
    )
    return assemble(
        config,
        as_of,
        found.serps,
        [e.name for e in engines],
        found.profiles,
        found.site_page,
        registry,
        labels=labels,
        candidate_pages=found.candidate_pages,
        manual_checks=manual_checks,
        graph_answers=found.graph_answers,
    )
