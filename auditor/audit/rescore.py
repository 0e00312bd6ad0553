"""`auditor rescore`: stored audits re-parsed and re-scored from their raw responses (after a parser fix).

`rebuild` is pure: an audit and its stored responses in, the audit as today's parsers, scoring and config
make it out. Inside, the audit's collection runs again, the same code as an audit, against a fetcher that
answers from the stored responses and sends nothing (`audit.replay`). `rescore` is the
I/O around it: each audit rewritten in one transaction, raw responses kept.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from auditor.audit.pipeline import assemble, collect_all
from auditor.audit.plan import build_engine, plan_queries
from auditor.audit.replay import NOT_STORED, page_records, replayed
from auditor.config import Config, Person
from auditor.errors import UsageError
from auditor.identify.labels import Decision
from auditor.identify.networks import Registry, default_registry
from auditor.identify.urls import normalize
from auditor.models import Audit, ParsedPage
from auditor.net.fetched import Fetched
from auditor.store import RawRecord, Store
from auditor.store.labels import load_labels
from auditor.store.manual_checks import list_checks
from auditor.verify.evidence import ProfileEvidence
from auditor.verify.manual import ManualCheck

_QUERY_NOTE = re.compile(r" \[query: .*$")
"""`pipeline._engine_runs` appends the failing query (and how many more failed) to an engine's detail."""


@dataclass(frozen=True)
class Rescored:
    """One audit before and after; `after` is None when it was left alone (`note` says why)."""

    before: Audit
    after: Audit | None
    note: str = ""


def rebuild(
    config: Config,
    stored: Audit,
    records: Sequence[RawRecord],
    registry: Registry | None = None,
    labels: Mapping[str, Decision] | None = None,
    manual_checks: Sequence[ManualCheck] = (),
) -> Audit:
    """`stored` re-parsed from `records` and re-scored with `config`'s scoring. Pure.

    The audit keeps what it measured: its engines, queries, depth and profiles come from the stored audit,
    not from today's config (a profile added since was never fetched for it); scoring weights, the
    attention curve and the person's names come from the config, and the user's labels are today's
    (a "not me" said now is true of last month's results too). The site is the one the audit fetched: a site
    moved since is judged from the page stored for it, and today's address counts as the person's too.
    """
    try:
        engines = [build_engine(run.name, config) for run in stored.engines]
    except ValueError as exc:
        raise UsageError(f"audit {stored.id}: {exc}; this version of auditor cannot re-parse it") from None
    profiles = {p.network: p.url for p in stored.profiles}
    pages = page_records(records, profiles)
    measured = config.model_copy(
        update={
            "profiles": profiles,
            "audit": config.audit.model_copy(update={"depth": stored.depth}),
            "person": _person_as_measured(config, pages.get("site")),
        }
    )
    queries = stored.queries or plan_queries(config)
    # What the audit's engine table said of an engine that never sent anything (its key was not set, its
    # budget was spent), without the query it named: it fails the same way again, whatever today's key.
    asked = {r.engine for r in records if r.kind == "engine"}
    refused = {
        run.name: ParsedPage(run.status, detail=_QUERY_NOTE.sub("", run.detail))
        for run in stored.engines
        if run.requests == 0 and run.name not in asked
    }
    registry = registry or default_registry()
    found = asyncio.run(
        collect_all(
            measured, replayed(records), engines, queries, registry, refused=refused, check_keys=False, labels=labels
        )
    )
    gathered: dict[str, ProfileEvidence | Fetched] = {
        # A profile whose requests are not found as today's code would send them (an API address changed
        # since) is judged from the page stored for it, as it was before gathering could be replayed.
        key: _stored_page(profiles[key], pages[key]) if evidence.error == NOT_STORED and key in pages else evidence
        for key, evidence in found.profiles.items()
    }
    audit = assemble(
        measured,
        stored.as_of,
        found.serps,
        [e.name for e in engines],
        gathered,
        found.site_page,
        registry,
        labels=labels,
        candidate_pages=found.candidate_pages,
        manual_checks=manual_checks,
        graph_answers=found.graph_answers,
    )
    return replace(audit, id=stored.id, started_at=stored.started_at)


def _person_as_measured(config: Config, site_record: RawRecord | None) -> Person:
    """Today's person, with the site the audit fetched when it has moved since (today's kept as an old site)."""
    person = config.person
    if site_record is None or not site_record.requested_url:
        return person
    fetched_site = site_record.requested_url
    if _same_page(fetched_site, person.site):
        return person
    return person.model_copy(update={"site": fetched_site, "old_sites": (*person.old_sites, person.site)})


def _same_page(a: str, b: str) -> bool:
    try:
        return normalize(a) == normalize(b)
    except ValueError:
        return a == b


def _stored_page(url: str, record: Fetched) -> Fetched:
    """A stored failure read as it was then: at the profile's address, whatever the chain reached."""
    return record if record.answered else Fetched.failure(url, record.error or NOT_STORED)


def select(store: Store, config: Config, which: str) -> list[Audit]:
    """`all` (oldest first), `latest`, or one id; only finished audits of the config's person."""
    history = store.finished_audits(config.person.name)
    if which == "all":
        return history
    if which == "latest":
        if not history:
            raise UsageError(f"no finished audit of {config.person.name} in {store.path}; run `auditor audit`")
        return [history[-1]]
    if not which.isdigit():
        raise UsageError(f"{which!r} is not an audit id, `latest` or `all` (see `auditor history`)")
    audit = store.load_audit(int(which))
    if audit.person != config.person.name:
        raise UsageError(f"audit {which} is of {audit.person}, not of {config.person.name} (this config's person)")
    return [audit]


def rescore(store: Store, config: Config, audits: Sequence[Audit]) -> list[Rescored]:
    """Rebuild each audit from its stored responses and store the result; the caller holds `store.writing()`."""
    done = []
    registry = default_registry()
    labels = load_labels(store, config.person.name)
    checks = list_checks(store, config.person.name)
    for audit in audits:
        assert audit.id is not None
        records = store.raw_records(audit.id)
        if not any(r.kind == "engine" for r in records):
            done.append(Rescored(audit, None, "no engine response was stored with it; left as it is"))
            continue
        after = rebuild(config, audit, records, registry, labels, checks)
        store.replace_audit(audit.id, after)
        done.append(Rescored(audit, after))
    return done
