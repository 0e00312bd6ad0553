"""A workspace's digest, for everyone at once: a run's (printed and sent once after `auditor audit` on a
workspace) or everyone's latest audit (`auditor summary` and `auditor notify` without --person).

One notification per run, to the workspace's shared [notify]: an agency reads its people's results before
anyone else does. Each person's own summary is in the digest's JSON, and `--person SLUG` gives it alone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.audit.workspace import Workspace, load_workspace
from auditor.cli.loop import load_summary, sample_summary, summary_of
from auditor.errors import UsageError
from auditor.report.agency import AGENCY_PAGE
from auditor.report.digest import Digest, PersonEntry
from auditor.store import Store

if TYPE_CHECKING:
    from auditor.audit.agency import WorkspaceRun


def run_digest(workspace: Workspace, run: WorkspaceRun, lang: str | None) -> Digest:
    """Everyone this run audited (or failed to), each against their own audit before."""
    first = next(iter(workspace.people.values()))
    wording = lang or first.report.lang
    people = []
    for result in run.results:
        cfg = workspace.people[result.slug]
        if result.outcome is None:
            people.append(PersonEntry(result.slug, cfg.person.name, None, result.error))
            continue
        summary = summary_of(result.outcome.audit, cfg, str(result.outcome.paths.html), wording)
        people.append(PersonEntry(result.slug, cfg.person.name, summary))
    dates = {p.summary.as_of for p in people if p.summary is not None}
    return Digest(
        wording,
        dates.pop() if len(dates) == 1 else None,
        tuple(people),
        agency_page=str(run.agency_page) if run.agency_page else None,
        inactive=tuple(workspace.inactive()),
    )


def workspace_digest(path: Path, ref: str, lang: str | None) -> Digest:
    """Every active person's latest (or previous) audit, read from their own database."""
    if ref not in ("latest", "previous"):
        raise UsageError(f"{path} is a workspace: an audit id is one person's: add --person SLUG")
    workspace = load_workspace(path)
    first = next(iter(workspace.people.values()))
    wording = lang or first.report.lang
    people = []
    for slug, cfg in workspace.people.items():
        summary = None
        if cfg.database_path.exists():
            with Store.open(cfg.database_path, write=False) as store:
                rows = store.finished_rows(cfg.person.name)
                if len(rows) >= (2 if ref == "previous" else 1):
                    summary = load_summary(store, cfg, ref, wording)
        people.append(PersonEntry(slug, cfg.person.name, summary))
    dates = {p.summary.as_of for p in people if p.summary is not None}
    page = first.reports_path / AGENCY_PAGE
    return Digest(
        wording,
        dates.pop() if len(dates) == 1 else None,
        tuple(people),
        agency_page=str(page) if page.exists() else None,
        inactive=tuple(workspace.inactive()),
    )


def sample_digest(workspace: Workspace, lang: str | None) -> Digest:
    """A made-up digest that says it is a test, for `auditor notify --test` on a workspace."""
    first = next(iter(workspace.people.values()))
    wording = lang or first.report.lang
    people = tuple(
        PersonEntry(slug, cfg.person.name, sample_summary(cfg, wording)) for slug, cfg in workspace.people.items()
    )
    return Digest(wording, dt.date.today(), people, test=True)
