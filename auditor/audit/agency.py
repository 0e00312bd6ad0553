"""Many people in one run: one HTTP client, one pacer and one browser for everyone, their audits interleaved.

What an audit costs is set by each host's pacing, not by the machine: people audited one after another take
N times one person's time, and N processes each pacing themselves hit an engine N times too fast. Here every
person's requests go through the one `HostPacer`, so each host sees one polite client, and while one host
makes everyone wait the others are asked: the run approaches its politeness bound (for each host, its
requests times its interval; the slowest host sets the bound).

Each person's audit is stored in their own database and reported as a one-person audit is; one person's
failure is theirs alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from auditor.audit.budget import month_start
from auditor.audit.pipeline import run_audit
from auditor.audit.plan import build_engines, plan_queries
from auditor.audit.replay import resumed
from auditor.audit.runner import (
    EXIT_CODES,
    AuditOutcome,
    config_secrets,
    ensure_writable,
    http_policy,
)
from auditor.audit.workspace import Workspace
from auditor.config import Config
from auditor.errors import AuditorError, UsageError
from auditor.models import Audit, AuditStatus
from auditor.net.client import HttpClient, HttpPolicy
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, RecordingFetcher, Request
from auditor.net.intervals import host_interval
from auditor.net.logs import remember_secrets
from auditor.net.pacer import Slot
from auditor.net.routing import RoutingFetcher
from auditor.report.agency import PersonRow, person_row, write_agency
from auditor.report.html import write_person_report
from auditor.store import DEFAULT_LOCK_WAIT, RawRecord, Store
from auditor.store.labels import load_labels

FAILED_EXIT = EXIT_CODES[AuditStatus.FAILED]


@dataclass(frozen=True)
class PersonResult:
    slug: str
    outcome: AuditOutcome | None
    error: str = ""
    """Why this person has no audit (their audit stays `incomplete`: `--resume` finishes it)."""

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.outcome.audit.status, 1) if self.outcome else FAILED_EXIT


@dataclass(frozen=True)
class RunProgress:
    """Told after each person: how far the run is and how long the pacing says is left."""

    result: PersonResult
    done: int
    total: int
    sent: int
    seconds_left: float


@dataclass
class WorkspaceRun:
    results: list[PersonResult]
    wall_seconds: float
    sent_by_host: Counter[str] = field(default_factory=Counter)
    intervals: dict[str, float] = field(default_factory=dict)
    """Each host's interval (unscaled), as paced."""
    people: list[PersonRow] = field(default_factory=list)
    """Every person of the workspace (inactive ones too) as the agency page shows them."""
    agency_page: Path | None = None
    slots: list[Slot] = field(default_factory=list)
    """Every exchange as the one pacer timed it: the run's pacing, seen from the client."""

    @property
    def exit_code(self) -> int:
        """The worst person's: failed over partial over complete."""
        return max((r.exit_code for r in self.results), default=0)


class _CountingFetcher:
    """Counts what reaches the wire, by host, retries included: progress and the run's figures."""

    def __init__(self, inner: Fetcher, policy: HttpPolicy) -> None:
        self.inner = inner
        self.policy = policy
        self.by_host: Counter[str] = Counter()
        self.intervals: dict[str, float] = {}
        """Each host's interval as the client paces it (unscaled): what the politeness bound is made of."""

    async def send(self, request: Request) -> Fetched:
        host = _host(request.url)
        interval = self.policy.interval_for(host, request.via, request.interval)
        self.intervals[host] = max(interval, self.intervals.get(host, 0.0))
        fetched = await self.inner.send(request)
        sent = 1 if fetched.attempts is None else fetched.attempts
        self.by_host[host] += sent
        return fetched


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host
    except (httpx.InvalidURL, TypeError, ValueError):
        return ""


@dataclass(frozen=True)
class _Planned:
    slug: str
    config: Config
    store: Store
    audit_id: int
    as_of: dt.date
    engines: tuple[str, ...]
    stored: list[RawRecord] | None


def check_run_budgets(
    workspace: Workspace, slugs: Sequence[str], stores: dict[str, Store], only: tuple[str, ...] | None
) -> None:
    """Before anything is sent: would the whole run go over an engine's monthly budget? Then say who fits.

    This month's use is counted over every database of the workspace (inactive people too): a quota belongs to
    the key, not to a person."""
    since = month_start(dt.datetime.now(dt.UTC))
    first = workspace.people[slugs[0]]
    for engine in build_engines(first, only, os.environ):
        budget = first.engines.budget(engine.name)
        if budget is None or engine.unavailable():
            continue
        used = sum(_used(path, engine.name, since, stores) for path in _databases(workspace))
        left = max(0, budget - used)
        needs = {s: len(plan_queries(workspace.people[s])) * engine.requests_for(first.audit.depth) for s in slugs}
        if sum(needs.values()) <= left:
            continue
        fit: list[str] = []
        room = left
        for slug in slugs:
            if needs[slug] <= room:
                fit.append(slug)
                room -= needs[slug]
        who = ", ".join(fit) if fit else "nobody"
        raise UsageError(
            f"{engine.name}: this run needs {sum(needs.values())} requests but only {left} of its monthly budget of "
            f"{budget} are left ({used} used this month); these people fit: {who}",
            tip="audit those with --person SLUG (repeatable), or raise engines."
            f"{engine.name}.monthly_budget, or leave {engine.name} out with --engines",
        )


def _databases(workspace: Workspace) -> list[str]:
    return sorted(str(p) for p in workspace.history_dir.glob("*.db")) if workspace.history_dir.is_dir() else []


def _used(path: str, engine: str, since: dt.datetime, stores: dict[str, Store]) -> int:
    for store in stores.values():
        if str(store.path) == path:
            return store.engine_requests_since(engine, since)
    with Store.open(Path(path), write=False) as other:
        return other.engine_requests_since(engine, since)


def audit_workspace(
    workspace: Workspace,
    slugs: Sequence[str],
    *,
    as_of: dt.date,
    sandbox_url: str | None = None,
    only_engines: tuple[str, ...] | None = None,
    lang: str | None = None,
    resume: bool = False,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    announce: Callable[[str], object] = lambda message: None,
    progress: Callable[[RunProgress], object] = lambda event: None,
    time_scale: float | None = None,
) -> WorkspaceRun:
    """Audit `slugs` of `workspace` in one process. With `resume`, finish each one's interrupted audit
    instead (people with none are left alone)."""
    if not slugs:
        raise UsageError("no person to audit")
    first = workspace.people[slugs[0]]
    ensure_writable(first.reports_path)
    with ExitStack() as stack:
        stores: dict[str, Store] = {}
        for slug in slugs:
            config = workspace.people[slug]
            store = stack.enter_context(Store.open(config.database_path))
            stack.enter_context(store.writing(lock_wait))
            stores[slug] = store
        if not resume:
            check_run_budgets(workspace, slugs, stores, only_engines)
        planned = _plan(workspace, slugs, stores, as_of, only_engines, resume, announce)
        policy = http_policy(first, sandbox_url)
        if time_scale is not None:
            policy = replace(policy, time_scale=time_scale)
        run = asyncio.run(_run_all(planned, policy, lang, progress))
    run.people = people_rows(workspace, lang or first.report.lang)
    run.agency_page = write_agency(run.people, reports_dir=first.reports_path, lang=lang or first.report.lang)
    return run


def people_rows(workspace: Workspace, lang: str) -> list[PersonRow]:
    """Each person's line of the agency page, read from their own database; inactive people after the others."""
    rows = []
    listed = [(slug, True) for slug in workspace.people] + [(slug, False) for slug in workspace.inactive()]
    for slug, active in listed:
        database = workspace.history_dir / f"{slug}.db"
        history: list[Audit] = []
        if database.exists():
            with Store.open(database, write=False) as store:
                history = store.finished_audits(workspace.people[slug].person.name) if active else _all(store)
        name = workspace.people[slug].person.name if active else None
        rows.append(person_row(slug, history, active=active, lang=lang, name=name))
    return rows


def _all(store: Store) -> list[Audit]:
    """An inactive person's audits: their database holds only theirs."""
    people = {row.person for row in store.rows()}
    return [audit for person in sorted(people) for audit in store.finished_audits(person)]


def _plan(
    workspace: Workspace,
    slugs: Sequence[str],
    stores: dict[str, Store],
    as_of: dt.date,
    only: tuple[str, ...] | None,
    resume: bool,
    announce: Callable[[str], object],
) -> list[_Planned]:
    planned = []
    for slug in slugs:
        config, store = workspace.people[slug], stores[slug]
        row = store.incomplete_audit(config.person.name)
        if resume:
            if row is None:
                continue
            engines = tuple(e for e in row.engines if e in config.audit.engines) or config.audit.engines
            announce(f"Resuming audit {row.id} of {slug} ({row.as_of.isoformat()})")
            planned.append(_Planned(slug, config, store, row.id, row.as_of, engines, store.raw_records(row.id)))
            continue
        if row is not None:
            announce(f"Note: {slug}: audit {row.id} ({row.as_of.isoformat()}) was interrupted; `--resume` finishes it.")
        engines = only or config.audit.engines
        planned.append(
            _Planned(slug, config, store, store.begin_audit(config.person.name, as_of, engines), as_of, engines, None)
        )
    if resume and not planned:
        raise UsageError("no interrupted audit to resume among these people", tip="run `auditor audit` to start one")
    return planned


async def _run_all(
    planned: list[_Planned], policy: HttpPolicy, lang: str | None, progress: Callable[[RunProgress], object]
) -> WorkspaceRun:
    started = time.monotonic()
    intervals, expected = _expected_requests(planned)
    results: list[PersonResult] = []
    async with HttpClient(policy) as client, RoutingFetcher(client) as web:
        counting = _CountingFetcher(web, policy)

        async def one(item: _Planned) -> PersonResult:
            result = await _audit_one(item, counting, lang)
            results.append(result)
            sent = sum(counting.by_host.values())
            progress(
                RunProgress(
                    result,
                    len(results),
                    len(planned),
                    sent,
                    _seconds_left(counting.by_host, intervals, expected, policy.time_scale),
                )
            )
            return result

        ordered = await asyncio.gather(*(one(item) for item in planned))
    wall = time.monotonic() - started
    return WorkspaceRun(list(ordered), wall, counting.by_host, counting.intervals, slots=list(client.pacer.slots))


async def _audit_one(item: _Planned, web: Fetcher, lang: str | None) -> PersonResult:
    config = item.config
    secrets = config_secrets(config, os.environ)
    remember_secrets(secrets)

    def keep(request: Request, fetched: Fetched) -> None:
        item.store.save_raw(item.audit_id, request, fetched, secrets)

    try:
        labels = load_labels(item.store, config.person.name)
        fetcher: Fetcher = RecordingFetcher(web, keep)
        if item.stored is not None:
            fetcher = resumed(item.stored, fetcher, build_engines(config, item.engines))
        audit = await run_audit(config, fetcher, as_of=item.as_of, only_engines=item.engines, labels=labels)
        return PersonResult(item.slug, _finish(item, audit, lang))
    except (AuditorError, OSError, ValueError, RuntimeError) as exc:
        # This person's audit stays `incomplete`; everyone else goes on.
        return PersonResult(item.slug, None, f"{type(exc).__name__}: {exc}")


def _finish(item: _Planned, audit: Audit, lang: str | None) -> AuditOutcome:
    config = item.config
    item.store.finish_audit(item.audit_id, audit)
    history = item.store.finished_audits(config.person.name)
    current = next(a for a in history if a.id == item.audit_id)
    return AuditOutcome(current, write_person_report(config, item.store, current, history, lang))


def _expected_requests(planned: list[_Planned]) -> tuple[dict[str, float], Counter[str]]:
    """Each engine host's interval and the requests the run plans to send it (every page full): the estimate of
    the time left, which the slowest host sets."""
    intervals: dict[str, float] = {}
    expected: Counter[str] = Counter()
    for item in planned:
        queries = len(plan_queries(item.config))
        for engine in build_engines(item.config, item.engines):
            request = engine.first_request(plan_queries(item.config)[0], item.config.audit.depth)
            if request is None:
                continue
            host = _host(request.url)
            interval = engine.min_interval
            if interval is None:
                interval = item.config.http.html_interval if engine.kind != "api" else host_interval(host)
            intervals[host] = interval
            expected[host] += queries * engine.requests_for(item.config.audit.depth)
    return intervals, expected


def _seconds_left(sent: Counter[str], intervals: dict[str, float], expected: Counter[str], scale: float) -> float:
    return max((max(0, expected[h] - sent[h]) * intervals[h] * scale for h in expected), default=0.0)
