"""One audit from plan to scored result: collect (I/O) at the start, then pure stages.

Progress is reported as events; the CLI draws them (sherlock's `QueryNotify` idea), tests ignore them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from auditor.audit.collect import RawSink, Reuse, collect_serp, fetch_page
from auditor.config import Config
from auditor.engines import build_engines
from auditor.engines.base import Engine
from auditor.identify.candidates import Candidate
from auditor.identify.context import candidates_for, classify_serps, identity_for
from auditor.identify.labels import Decision
from auditor.identify.links import SiteTarget
from auditor.identify.networks import Registry, default_registry
from auditor.models import (
    Audit,
    AuditStatus,
    ClassifiedResult,
    EngineRun,
    EngineStatus,
    ProfileCheck,
    Query,
    Serp,
)
from auditor.net.browser import BrowserFetcher
from auditor.net.client import HttpClient
from auditor.scoring.recommend import recommend
from auditor.scoring.scores import ScoreInputs, compute_scores
from auditor.verify.consistency import find_inconsistencies
from auditor.verify.decide import decide_linkback
from auditor.verify.evidence import ProfileEvidence
from auditor.verify.gather import ProfileGatherer
from auditor.verify.manual import ManualCheck, apply_manual_check
from auditor.verify.pages import PageFetch
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


def plan_queries(config: Config) -> tuple[Query, ...]:
    """The bare name, then one query per qualifier."""
    name = config.person.name
    return (Query(name), *(Query(f"{name} {q}", q) for q in config.person.qualifiers))


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
    profile_pages: Mapping[str, ProfileEvidence | PageFetch],
    site_page: PageFetch,
    registry: Registry,
    *,
    labels: Mapping[str, Decision | str] | None = None,
    candidate_pages: Mapping[str, PageFetch] | None = None,
    manual_checks: Sequence[ManualCheck] = (),
) -> Audit:
    """Everything after collection: classify, verify, score, recommend. Pure.

    `profile_pages` holds what gathering found of each configured profile (`verify.gather`); a bare page (a
    replay of stored responses) is judged as that page alone. `labels` are the user's decisions (URL ->
    `me`/`not-me`); `candidate_pages` the pages of the namesakes fetched to see whether they link to the site
    (same-page key -> page; `identify.candidates`). `manual_checks` are the user's own checks of profiles the
    auditor cannot see (`auditor confirm`), standing for `report.manual_check_months`.
    """
    person = config.person
    names = (person.name, *person.aliases)
    links = site_links(site_page, registry)
    who = identity_for(config, registry, site_links=links, labels=labels, candidate_pages=candidate_pages)
    results: list[ClassifiedResult] = classify_serps(serps, registry, who)
    succeeded = tuple((s.engine, s.query.text) for s in serps if s.status.counts_in_score)
    target = SiteTarget(person.site, person.old_sites)
    profiles = []
    evidence: list[ProfileEvidence] = []
    checked = {_page_key(c.normalized_url, registry): c for c in manual_checks}
    for key, url in config.profiles.items():
        network = registry.by_key[key]
        found = profile_pages[key]
        if isinstance(found, PageFetch):
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
    )


def _page_key(url: str, registry: Registry) -> str:
    try:
        return registry.same_page_key(url)
    except ValueError:
        return url


def _status(engines: Sequence[EngineRun], site: PageFetch, profiles: Iterable[ProfileEvidence]) -> AuditStatus:
    if not any(e.status.counts_in_score for e in engines):
        return AuditStatus.FAILED
    # A login wall is an expected answer; a profile that could not be fetched at all is a failed check.
    if any(not e.status.counts_in_score for e in engines) or any(p.failed for p in profiles) or not site.ok:
        return AuditStatus.PARTIAL
    return AuditStatus.COMPLETE


@asynccontextmanager
async def engine_browser(client: HttpClient, engines: Sequence[Engine]) -> AsyncIterator[BrowserFetcher | None]:
    """The browser for the browser engines (browser_google, browser_bing), None when none is configured.
    Chromium itself starts only at the first results page, and is closed on the way out."""
    if not any(engine.kind == "browser" for engine in engines):
        yield None
        return
    async with BrowserFetcher(client.policy, client.pacer) as browser:
        yield browser


async def run_audit(
    config: Config,
    client: HttpClient,
    *,
    as_of: dt.date,
    on_raw: RawSink,
    progress: Progress = lambda event: None,
    only_engines: tuple[str, ...] | None = None,
    registry: Registry | None = None,
    reuse: Reuse | None = None,
    labels: Mapping[str, Decision | str] | None = None,
    manual_checks: Sequence[ManualCheck] = (),
) -> Audit:
    """Collect, then `assemble`. With `reuse` (a resumed audit), what an interrupted run stored is not asked again.
    `labels` are the user's decisions on results (`auditor label`), passed in as data."""
    registry = registry or default_registry()
    engines = build_engines(config, only_engines)
    queries = plan_queries(config)
    total = len(engines) * len(queries)
    done = 0

    async def search(engine_index: int, query: Query) -> Serp:
        nonlocal done
        engine = engines[engine_index]
        stored = reuse.engine_pages(engine.name, query.text) if reuse else None
        serp = await collect_serp(client, engine, query, config.audit.depth, on_raw, stored, browser)
        done += 1
        progress(ProgressEvent("search", f"{serp.engine}: {query.text} -> {serp.status.value}", done, total))
        return serp

    async def page(key: str, url: str, kind: str) -> tuple[str, PageFetch]:
        stored = reuse.pages.get(key) if reuse else None
        fetched = stored if stored is not None else await fetch_page(client, url, kind, on_raw, subject=key)
        progress(ProgressEvent(kind, f"{key}: {fetched.error or f'HTTP {fetched.status_code}'}", 1, 1))
        return key, fetched

    # Resuming, the profiles' stored answers (API, page, links followed) are used as they are and only the
    # rest is asked (`verify.gather`); the browser, if a profile needs one, is closed on the way out.
    site_target = SiteTarget(config.person.site, config.person.old_sites)
    names = (config.person.name, *config.person.aliases)
    gatherer = ProfileGatherer(
        client, site=site_target, names=names, on_raw=on_raw, registry=registry,
        answers=reuse.profiles if reuse else None,
    )  # fmt: skip
    async with gatherer, engine_browser(client, engines) as browser:

        async def profile(key: str, url: str) -> tuple[str, ProfileEvidence]:
            found = await gatherer.gather(key, url)
            progress(ProgressEvent("profile", f"{key}: {found.summary}", 1, 1))
            return key, found

        async def candidate(found: Candidate) -> tuple[str, PageFetch]:
            fetched = reuse.candidates.get(found.key) if reuse else None
            if fetched is None:
                fetched = await fetch_page(client, found.url, "candidate", on_raw, subject=found.key)
            progress(ProgressEvent("candidate", f"{found.url}: {fetched.error or f'HTTP {fetched.status_code}'}", 1, 1))
            return found.key, fetched

        async def search_then_candidates() -> tuple[list[Serp], list[tuple[str, PageFetch]]]:
            # Namesakes' pages are fetched once the results are in, while profiles and the site still load:
            # one linking to the site is a probable profile of the person (`identify.candidates`).
            found = list(await asyncio.gather(*(search(i, q) for i in range(len(engines)) for q in queries)))
            wanted = candidates_for(config, found, registry, labels)
            return found, list(await asyncio.gather(*(candidate(c) for c in wanted)))

        profiles = [profile(key, url) for key, url in config.profiles.items()]
        outcome = await asyncio.gather(
            search_then_candidates(), asyncio.gather(*profiles), page("site", config.person.site, "site")
        )
    (serps, candidate_pages), profile_evidence, (_, site_page) = outcome
    return assemble(
        config, as_of, serps, [e.name for e in engines], dict(profile_evidence), site_page, registry,
        labels=labels, candidate_pages=dict(candidate_pages), manual_checks=manual_checks,
    )  # fmt: skip
