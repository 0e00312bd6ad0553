"""The agency index page: every person of a workspace on one page, with status, score, change, a sparkline of
their overall scores and their top action, sortable without a script (the reports forbid scripts: each order
is its own table, shown by the link that names it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from auditor.errors import ReportError
from auditor.models import Audit
from auditor.report.advice import recommendation_message
from auditor.report.document import by_priority
from auditor.report.html import environment, slugify

AGENCY_PAGE = "agency.html"
SPARK_WIDTH, SPARK_HEIGHT = 80, 20


@dataclass(frozen=True)
class PersonRow:
    slug: str
    name: str
    active: bool
    latest: Audit | None
    change: float | None
    sparkline: Markup
    top_action: str
    link: str | None


def person_row(slug: str, history: Sequence[Audit], *, active: bool, lang: str, name: str | None = None) -> PersonRow:
    """One person's line from their finished audits (oldest first); `name` as the workspace gives it."""
    latest = history[-1] if history else None
    scored = [a.scores.overall for a in history if a.scores.overall is not None]
    previous = next((a.scores.overall for a in reversed(history[:-1]) if a.scores.overall is not None), None)
    change = None
    if latest is not None and latest.scores.overall is not None and previous is not None:
        change = latest.scores.overall - previous
    action = ""
    if latest is not None:
        first = next(iter(by_priority(latest)), None)
        if first is not None:
            action = recommendation_message(lang, first.rule, first.params, first.id)
    name = name or (latest.person if latest else slug)
    link = f"{slugify(name)}/latest.html" if latest else None
    return PersonRow(slug, name, active, latest, change, sparkline(scored), action, link)


def sparkline(scores: Sequence[float]) -> Markup:
    """The overall scores (0-100) as a small inline SVG line; empty with fewer than two."""
    if len(scores) < 2:
        return Markup("")
    step = SPARK_WIDTH / (len(scores) - 1)
    points = " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - max(0.0, min(100.0, s)) / 100 * SPARK_HEIGHT:.1f}"
        for i, s in enumerate(scores)
    )
    return Markup(
        f'<svg class="spark" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}"'
        f' aria-hidden="true"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/></svg>'
    )


def _orders(rows: Sequence[PersonRow]) -> list[tuple[str, list[PersonRow]]]:
    def score(row: PersonRow) -> float:
        overall = row.latest.scores.overall if row.latest else None
        return -1.0 if overall is None else overall

    return [
        ("score", sorted(rows, key=lambda r: (-score(r), r.slug))),
        ("change", sorted(rows, key=lambda r: (r.change is None, -(abs(r.change or 0.0)), r.slug))),
        ("status", sorted(rows, key=lambda r: (r.latest.status.value if r.latest else "~", r.slug))),
        ("name", sorted(rows, key=lambda r: r.name.casefold())),
    ]


def render_agency(rows: Sequence[PersonRow], *, lang: str) -> str:
    return environment(lang).get_template("agency.html").render(orders=_orders(rows))


def write_agency(rows: Sequence[PersonRow], *, reports_dir: Path, lang: str) -> Path:
    path = reports_dir / AGENCY_PAGE
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(render_agency(rows, lang=lang), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write the agency page ({exc.strerror or exc})") from None
    return path
