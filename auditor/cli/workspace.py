"""`auditor audit` on a workspace: everyone (or `--person SLUG`...) in one run, then one line per person."""

from __future__ import annotations

from pathlib import Path

import typer

from auditor.audit.agency import PersonResult, RunProgress, WorkspaceRun, audit_workspace
from auditor.audit.workspace import Workspace, load_workspace, person_config
from auditor.cli.common import check_sandbox, err, out, parse_as_of
from auditor.config import Config


def config_for(path: Path, person: str | None) -> Config:
    """The config a history command reads: the file itself, or one person of a workspace (never a mix)."""
    return person_config(path, person)


def audit_people(
    path: Path,
    people: list[str],
    engines: str | None,
    as_of: str | None,
    lang: str | None,
    sandbox: str | None,
    quiet: bool,
    resume: bool,
    lock_wait: float,
) -> None:
    from auditor.cli.audit import checked_options

    workspace = load_workspace(path)
    for slug in people:
        workspace.person(slug)  # an unknown slug is a usage error before anything is opened
    slugs = list(dict.fromkeys(people)) or list(workspace.people)
    first = workspace.people[slugs[0]]
    only = checked_options(first, engines=engines, lang=lang, resume=resume, as_of=as_of)
    date = parse_as_of(as_of)
    inactive = workspace.inactive()
    if inactive:
        err.print(f"Inactive (history kept): {', '.join(inactive)}", highlight=False, markup=False)
    if not resume:
        err.print(f"Auditing {len(slugs)} people ({date.isoformat()})", highlight=False)

    def announce(message: str) -> None:
        err.print(message, highlight=False, markup=False)

    def progress(event: RunProgress) -> None:
        if quiet:
            return
        err.print(
            f"  [{event.done}/{event.total} people] {_line(event.result)}; {event.sent} requests sent; "
            f"about {event.seconds_left:.0f} s left",
            highlight=False,
            markup=False,
        )

    run = audit_workspace(
        workspace, slugs, as_of=date, sandbox_url=check_sandbox(sandbox), only_engines=only, lang=lang,
        resume=resume, lock_wait=lock_wait, announce=announce, progress=progress,
    )  # fmt: skip
    report_run(workspace, run, lang)
    raise typer.Exit(run.exit_code)


def report_run(workspace: Workspace, run: WorkspaceRun, lang: str | None) -> None:
    """The run's digest (everyone, in the report's language), its figures, then one notification for everyone
    through the workspace's [notify]: a failed one is a line on stderr, never the run's exit code."""
    from auditor.cli.digest import run_digest
    from auditor.cli.loop import print_summary, send_notifications

    digest = run_digest(workspace, run, lang)
    print_summary(digest)
    sent = sum(run.sent_by_host.values())
    out.print(f"{len(run.results)} people, {sent} requests, {run.wall_seconds:.1f} s", highlight=False)
    first = next(iter(workspace.people.values()))
    send_notifications(first, digest, run.agency_page)


def _line(result: PersonResult) -> str:
    if result.outcome is None:
        return f"{result.slug}: failed ({result.error})"
    score = result.outcome.audit.scores.overall
    return f"{result.slug}: {result.outcome.audit.status.value}, overall {'n/a' if score is None else f'{score:.1f}'}"


def print_run(run: WorkspaceRun) -> None:
    """One line per person, then who moved most and who failed."""
    for result in run.results:
        out.print(_line(result), highlight=False, markup=False)
        if result.outcome is not None:
            out.print(f"  Report: {result.outcome.paths.html}", highlight=False, markup=False)
    failed = [r.slug for r in run.results if r.outcome is None or r.exit_code == 4]
    if failed:
        out.print(f"Failed: {', '.join(failed)}", highlight=False, markup=False)
    moved = [row for row in run.people if row.active and row.change is not None]
    if moved:
        most = max(moved, key=lambda row: abs(row.change or 0.0))
        out.print(f"Moved most: {most.slug} ({most.change:+.1f})", highlight=False, markup=False)
    sent = sum(run.sent_by_host.values())
    out.print(f"{len(run.results)} people, {sent} requests, {run.wall_seconds:.1f} s", highlight=False)
    if run.agency_page is not None:
        out.print(f"All people: {run.agency_page}", highlight=False, markup=False)


def people_demo(directory: Path, count: int, quiet: bool) -> None:
    """`auditor demo --people N`: the run, then its wall time against its politeness bound."""
    from auditor.audit.demo_people import run_people_demo

    def progress(event: RunProgress) -> None:
        if not quiet:
            err.print(f"  [{event.done}/{event.total} people] {_line(event.result)}", highlight=False, markup=False)

    demo = run_people_demo(directory, count, progress=progress)
    print_run(demo.run)
    out.print(
        "\nhost                          requests  interval   bound  smallest gap (sandbox / pacer)", highlight=False
    )
    for host in demo.hosts:
        gap = "-" if host.smallest_gap is None else f"{host.smallest_gap * 1000:.1f} ms"
        paced = "-" if host.paced_gap is None else f"{host.paced_gap * 1000:.1f} ms"
        out.print(
            f"{host.host:<30}{host.requests:>8}  {host.interval * 1000:6.1f} ms {host.bound:6.2f} s  {gap} / {paced}",
            highlight=False, markup=False,
        )  # fmt: skip
    ratio = "n/a" if demo.ratio is None else f"{demo.ratio:.2f}x"
    slowest = demo.slowest.host if demo.slowest else "-"
    out.print(
        f"Wall time {demo.wall_seconds:.2f} s; politeness lower bound {demo.bound:.2f} s (slowest host: {slowest}); "
        f"ratio {ratio}",
        highlight=False, markup=False,
    )  # fmt: skip
    out.print(f"Workspace: {directory / 'workspace.toml'}", highlight=False)


def workspace_history(path: Path, as_json: bool) -> None:
    """`auditor history` on a workspace without --person: each person's latest audit, one line each, and the
    people no longer listed whose history is kept (inactive). Each person's own history: --person SLUG."""
    import json
    import sys

    from rich.table import Table

    from auditor.store import Store

    workspace = load_workspace(path)
    rows: list[dict[str, object]] = []
    for slug, active in [*((s, True) for s in workspace.people), *((s, False) for s in workspace.inactive())]:
        database = workspace.history_dir / f"{slug}.db"
        latest = None
        count = 0
        if database.exists():
            with Store.open(database, write=False) as store:
                found = store.rows()
            count = len(found)
            latest = found[-1] if found else None
        rows.append({
            "person": slug, "active": active, "audits": count,
            "as_of": latest.as_of.isoformat() if latest else None,
            "status": latest.status.value if latest else None,
            "overall": latest.overall if latest else None,
        })  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("person", "active", "audits", "latest", "status", "overall")
    for row in rows:
        overall = row["overall"]
        table.add_row(
            str(row["person"]), "yes" if row["active"] else "inactive", str(row["audits"]), str(row["as_of"] or "-"),
            str(row["status"] or "-"), "n/a" if not isinstance(overall, float) else f"{overall:.1f}",
        )  # fmt: skip
    out.print(table)
    out.print("One person's audits: auditor history --person SLUG", highlight=False, markup=False)
