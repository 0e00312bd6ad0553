"""The I/O around one audit: config to HTTP policy, database, lock, raw responses, report files."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from auditor.audit.budget import check_budgets
from auditor.audit.pipeline import Progress, run_audit
from auditor.audit.plan import build_engines, plan_queries
from auditor.audit.replay import resumed, reused_counts
from auditor.config import Config
from auditor.engines.spec import check_key
from auditor.errors import ReportError, UsageError
from auditor.models import Audit, AuditStatus
from auditor.net.client import SANDBOX_TIME_SCALE, HttpClient, HttpPolicy
from auditor.net.fetched import Fetched
from auditor.net.fetcher import Fetcher, RecordingFetcher, Request, ScrubbingFetcher
from auditor.net.guard import origin_of
from auditor.net.logs import remember_secrets
from auditor.net.routing import RoutingFetcher
from auditor.report.html import ReportPaths, write_person_report
from auditor.report.paths import missing_reports
from auditor.store import DEFAULT_LOCK_WAIT, RawRecord, Store
from auditor.store.labels import load_labels
from auditor.store.manual_checks import list_checks

EXIT_CODES = {AuditStatus.COMPLETE: 0, AuditStatus.PARTIAL: 3, AuditStatus.FAILED: 4}


@dataclass(frozen=True)
class AuditOutcome:
    audit: Audit
    paths: ReportPaths


def http_policy(config: Config, sandbox_url: str | None) -> HttpPolicy:
    return HttpPolicy(
        timeout=config.http.timeout,
        html_interval=config.http.html_interval,
        max_body_bytes=int(config.http.max_body_mb * 1024 * 1024),
        retries=config.http.retries,
        concurrency=config.audit.concurrency,
        sandbox_url=sandbox_url,
        time_scale=SANDBOX_TIME_SCALE if sandbox_url else 1.0,
        # A self-hosted SearXNG usually listens on localhost or the LAN: the user named it, so it is reached.
        trusted_origins=frozenset({origin_of(config.engines.searxng.url)} if config.engines.searxng.url else ()),
    )


def ensure_writable(directory: Path) -> None:
    """Fail before any request is sent when reports could not be written at the end."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".probe-"):
            pass
    except OSError as exc:
        raise ReportError(f"{directory}: reports directory is not writable ({exc.strerror or exc})") from None


def write_missing_reports(
    config: Config, store: Store, lang: str | None, announce: Callable[[str], object]
) -> list[AuditOutcome]:
    """Write the report of every finished audit of the config's person that has none (under the audit lock):
    writing the report is part of finishing an audit, so whatever a crash left out is done here."""
    history = store.finished_audits(config.person.name)
    written = []
    for audit in missing_reports(history, config.reports_path):
        paths = write_person_report(config, store, audit, history, lang)
        announce(f"Wrote the missing report of audit {audit.id} ({audit.as_of.isoformat()}): {paths.html}")
        written.append(AuditOutcome(audit, paths))
    return written


def audit_once(
    config: Config,
    *,
    as_of: dt.date,
    sandbox_url: str | None = None,
    only_engines: tuple[str, ...] | None = None,
    lang: str | None = None,
    progress: Progress = lambda event: None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    announce: Callable[[str], object] = lambda message: None,
) -> AuditOutcome:
    """A new audit: stored `incomplete` first, each response stored as it arrives, finished in one write."""
    ensure_writable(config.reports_path)
    check_keys(config, os.environ, only_engines or config.audit.engines)  # before anything is begun
    with Store.open(config.database_path) as store, store.writing(lock_wait):
        write_missing_reports(config, store, lang, announce)
        interrupted = store.incomplete_audit(config.person.name)
        if interrupted is not None:
            announce(
                f"Note: audit {interrupted.id} ({interrupted.as_of.isoformat()}) was interrupted; "
                "`auditor audit --resume` finishes it."
            )
        engines = only_engines or config.audit.engines
        # Before anything is stored or sent: an audit that would go over an engine's monthly budget refuses.
        check_budgets(config, store.engine_requests_since, queries=len(plan_queries(config)), only=engines)
        audit_id = store.begin_audit(config.person.name, as_of, engines)
        return _run_and_finish(config, store, audit_id, as_of, engines, None, sandbox_url, lang, progress)


def resume_audit(
    config: Config,
    *,
    sandbox_url: str | None = None,
    lang: str | None = None,
    progress: Progress = lambda event: None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    announce: Callable[[str], object] = lambda message: None,
) -> AuditOutcome:
    """Finish the newest interrupted audit of the config's person, asking only what it did not get."""
    ensure_writable(config.reports_path)
    check_keys(config, os.environ, config.audit.engines)
    # The lock comes first: an audit still running is `incomplete` too, and must not be "resumed" under it.
    with Store.open(config.database_path) as store, store.writing(lock_wait):
        written = write_missing_reports(config, store, lang, announce)
        row = store.incomplete_audit(config.person.name)
        if row is None and written:
            return written[-1]  # nothing left to ask: the audit was finished, only its report was missing
        if row is None:
            raise UsageError(
                f"no interrupted audit of {config.person.name} in {config.database_path} to resume",
                tip="run `auditor audit` to start a new one",
            )
        engines = tuple(e for e in row.engines if e in config.audit.engines) if row.engines else config.audit.engines
        if not engines:
            raise UsageError(
                f"audit {row.id} asked {', '.join(row.engines)}, none of which is configured any more; "
                "add it back to audit.engines to resume"
            )
        records = store.raw_records(row.id)
        engine_pages, has_site, profile_answers, namesakes = reused_counts(records)
        site = "the site's page" if has_site else "not the site's page"
        announce(
            f"Resuming audit {row.id} of {config.person.name} ({row.as_of.isoformat()}): "
            f"{engine_pages} engine pages, {site}, {profile_answers} profile answers "
            f"and {namesakes} namesake pages already stored; only the rest is asked"
        )
        return _run_and_finish(config, store, row.id, row.as_of, engines, records, sandbox_url, lang, progress)


def _run_and_finish(
    config: Config,
    store: Store,
    audit_id: int,
    as_of: dt.date,
    engines: tuple[str, ...],
    stored: list[RawRecord] | None,
    sandbox_url: str | None,
    lang: str | None,
    progress: Progress,
) -> AuditOutcome:
    secrets = config_secrets(config, os.environ)
    remember_secrets(secrets)  # blanked from every log record too (`--log-level debug`)

    def keep(request: Request, fetched: Fetched) -> None:
        store.save_raw(audit_id, request, fetched, secrets)

    labels = load_labels(store, config.person.name)  # the user's `auditor label` decisions, applied as data
    checks = list_checks(store, config.person.name)  # and their `auditor confirm` checks

    async def run() -> Audit:
        async with HttpClient(http_policy(config, sandbox_url)) as client, RoutingFetcher(client) as web:
            # Every answer reaches the history here, in one place; a resume answers from it what it can.
            fetcher: Fetcher = RecordingFetcher(ScrubbingFetcher(web, secrets), keep)
            if stored is not None:
                fetcher = resumed(stored, fetcher, build_engines(config, engines))
            return await run_audit(
                config,
                fetcher,
                as_of=as_of,
                progress=progress,
                only_engines=engines,
                labels=labels,
                manual_checks=checks,
            )

    audit = asyncio.run(run())
    store.finish_audit(audit_id, audit)
    history = store.finished_audits(config.person.name)
    current = next(a for a in history if a.id == audit_id)
    # Still under the audit lock: two audits' report files never interleave either.
    return AuditOutcome(current, write_person_report(config, store, current, history, lang))


def config_secrets(config: Config, environ: Mapping[str, str]) -> tuple[str, ...]:
    """The values of every environment variable the config names for a key (`*_env` settings of the engines),
    as set and as sent (stripped), so that none of them is ever stored, even when an API echoes it back in a
    body."""
    found: list[str] = []

    def walk(model: BaseModel) -> None:
        for name, value in model:
            if isinstance(value, BaseModel):
                walk(value)
            elif name.endswith("_env") and isinstance(value, str) and environ.get(value, "").strip():
                found.extend(dict.fromkeys((environ[value], environ[value].strip())))

    walk(config.engines)
    return tuple(found)


def check_keys(config: Config, environ: Mapping[str, str], engines: tuple[str, ...]) -> None:
    """Refuse (ConfigError, one line naming the variable) a key of one of `engines` that no HTTP header can
    carry, before an audit is begun: sent, it would fail in the middle of the audit with an encoding error."""
    for engine in engines:
        variable = config.engines.key_env(engine)
        value = environ.get(variable, "").strip() if variable else ""
        if variable and value:
            check_key(variable, value)
