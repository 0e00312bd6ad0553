"""The I/O around one audit: config to HTTP policy, database, lock, raw responses, report files."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from auditor.collect import RawResponse
from auditor.config import Config
from auditor.errors import ReportError
from auditor.http import SANDBOX_TIME_SCALE, HttpClient, HttpPolicy
from auditor.models import Audit, AuditStatus
from auditor.pipeline import Progress, run_audit
from auditor.report import ReportPaths, ScoringInfo, write_report
from auditor.store import Store

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
    )


def scoring_info(config: Config) -> ScoringInfo:
    return ScoringInfo(ctr=config.scoring.ctr, weights=dict(config.scoring.weights), depth=config.audit.depth)


def ensure_writable(directory: Path) -> None:
    """Fail before any request is sent when reports could not be written at the end."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".probe-"):
            pass
    except OSError as exc:
        raise ReportError(f"{directory}: reports directory is not writable ({exc.strerror or exc})") from None


def audit_once(
    config: Config,
    *,
    as_of: dt.date,
    sandbox_url: str | None = None,
    only_engines: tuple[str, ...] | None = None,
    lang: str | None = None,
    progress: Progress = lambda event: None,
) -> AuditOutcome:
    ensure_writable(config.reports_path)
    with Store.open(config.database_path) as store, store.writing():
        audit_id = store.begin_audit(config.person.name, as_of)

        def keep(raw: RawResponse) -> None:
            store.save_raw(
                audit_id, kind=raw.kind, url=raw.url, status_code=raw.status_code, body=raw.body,
                engine=raw.engine, query=raw.query,
            )  # fmt: skip

        async def run() -> Audit:
            async with HttpClient(http_policy(config, sandbox_url)) as client:
                return await run_audit(
                    config, client, as_of=as_of, on_raw=keep, progress=progress, only_engines=only_engines
                )

        audit = asyncio.run(run())
        store.finish_audit(audit_id, audit)
        history = store.finished_audits(config.person.name)
    current = next(a for a in history if a.id == audit_id)
    paths = write_report(
        current, history, reports_dir=config.reports_path, lang=lang or config.report.lang, scoring=scoring_info(config)
    )
    return AuditOutcome(current, paths)
