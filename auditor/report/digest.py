"""What a workspace run says: everyone in a few lines. Who failed, who moved most up and down, each person's
status, score and change in one short table, and the agency page's path. Pure: each person's `Summary` in, a
`Digest` out, worded as text, one line or JSON-ready data in the report's language, as a summary is.

One digest is what a workspace run prints and what its one notification carries; `auditor summary` on a
workspace shows it again for everyone's latest audit (each person's whole summary is in its JSON).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import Locale

from auditor.report import i18n
from auditor.report.i18n import N_
from auditor.report.summary import Line, Summary, sample_message
from auditor.report.summary import to_dict as summary_dict

SHOWN_MOVERS = 3
"""People named as having moved most, each way."""
STATUSES = ("complete", "partial", "failed", "incomplete")

WORDS = {
    "head": N_("Workspace, audit of %(date)s: %(people)s"),
    "head_undated": N_("Workspace: %(people)s"),
    "count": N_("%(status)s: %(count)s"),
    "failed": N_("Failed:"),
    "up": N_("Moved up most:"),
    "down": N_("Moved down most:"),
    "mover": N_("%(person)s: %(change)s (now %(score)s)"),
    "everyone": N_("Everyone:"),
    "none": N_("no audit yet"),
    "inactive": N_("Inactive (history kept): %(people)s"),
    "agency": N_("All people: %(path)s"),
    "failed_short": N_("failed: %(people)s"),
    "up_short": N_("up most: %(people)s"),
    "down_short": N_("down most: %(people)s"),
    "person_col": N_("Person"),
    "status_col": N_("Status"),
    "score_col": N_("Overall score"),
    "change_col": N_("Change"),
}
PEOPLE = {"one": N_("%(count)s person"), "other": N_("%(count)s people")}


@dataclass(frozen=True)
class PersonEntry:
    """One person of the digest: their summary, or why the run has none."""

    slug: str
    name: str
    summary: Summary | None
    error: str = ""
    """Why this run has no audit of theirs (an error of the run: technical text); "" otherwise."""

    @property
    def status(self) -> str:
        """The audit's status; `failed` for a run that could not audit them, `none` before any audit."""
        if self.summary is not None:
            return self.summary.status
        return "failed" if self.error else "none"

    @property
    def change(self) -> float | None:
        return self.summary.change if self.summary is not None else None

    @property
    def overall(self) -> float | None:
        return self.summary.overall if self.summary is not None else None

    def named(self) -> str:
        return self.name if self.name == self.slug else f"{self.name} ({self.slug})"


@dataclass(frozen=True)
class Digest:
    lang: str
    as_of: dt.date | None
    """The run's date (None when the people's latest audits have none in common)."""
    people: tuple[PersonEntry, ...]
    agency_page: str | None = None
    inactive: tuple[str, ...] = ()
    test: bool = False
    """A sample (`auditor notify --test`): it says so first."""

    def failed(self) -> list[PersonEntry]:
        return [p for p in self.people if p.status == "failed"]

    def risers(self) -> list[PersonEntry]:
        moved = [p for p in self.people if p.change is not None and round(p.change, 1) > 0]
        return sorted(moved, key=lambda p: (-(p.change or 0.0), p.slug))[:SHOWN_MOVERS]

    def fallers(self) -> list[PersonEntry]:
        moved = [p for p in self.people if p.change is not None and round(p.change, 1) < 0]
        return sorted(moved, key=lambda p: (p.change or 0.0, p.slug))[:SHOWN_MOVERS]

    def counts(self) -> dict[str, int]:
        found = Counter(p.status for p in self.people)
        return {status: found[status] for status in (*STATUSES, "none") if found[status]}


def words(lang: str, key: str, **values: str) -> str:
    return i18n.gettext(lang, WORDS[key]) % values


def people_count(lang: str, count: int) -> str:
    """`1 person`, `3 people`, in the plural form the language gives the number."""
    form = Locale.parse(i18n.LOCALES[lang]).plural_form(Decimal(count))
    return i18n.gettext(lang, PEOPLE.get(form, PEOPLE["other"])) % {"count": i18n.format_number(count, lang, 0)}


def one_line(digest: Digest) -> str:
    """The whole run in one line: a notification's subject, a phone's notification."""
    lang = digest.lang
    parts = [_head(digest), _counts(digest)]
    if digest.failed():
        parts.append(words(lang, "failed_short", people=", ".join(p.slug for p in digest.failed())))
    for key, movers in (("up_short", digest.risers()), ("down_short", digest.fallers())):
        if movers:
            named = ", ".join(f"{p.slug} ({i18n.format_number(p.change, lang, signed=True)})" for p in movers)
            parts.append(words(lang, key, people=named))
    return "; ".join(parts)


def as_text(digest: Digest) -> list[str]:
    return [line.plain for line in as_lines(digest)]


def as_lines(digest: Digest) -> list[Line]:
    lang = digest.lang
    lines = [Line(sample_message(lang))] if digest.test else []
    lines += [Line(_head(digest)), Line(_counts(digest))]
    if digest.failed():
        lines.append(Line(words(lang, "failed")))
        lines += [Line(_failure(p), item=True, technical=p.error) for p in digest.failed()]
    for key, movers in (("up", digest.risers()), ("down", digest.fallers())):
        if movers:
            lines.append(Line(words(lang, key)))
            lines += [Line(_mover(p, lang), item=True) for p in movers]
    lines.append(Line(words(lang, "everyone")))
    lines += _table(digest)
    if digest.inactive:
        lines.append(Line(words(lang, "inactive", people=", ".join(digest.inactive))))
    if digest.agency_page:
        lines.append(Line(words(lang, "agency", path=digest.agency_page)))
    return lines


def to_dict(digest: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data: keys in English, statuses as codes; each person's whole summary too."""
    return {
        "lang": digest.lang,
        "as_of": digest.as_of.isoformat() if digest.as_of else None,
        "test": digest.test,
        "counts": digest.counts(),
        "failed": [p.slug for p in digest.failed()],
        "moved_up": [{"person": p.slug, "change": p.change} for p in digest.risers()],
        "moved_down": [{"person": p.slug, "change": p.change} for p in digest.fallers()],
        "people": [
            {
                "person": p.slug,
                "name": p.name,
                "status": p.status,
                "overall": p.overall,
                "change": p.change,
                "error": p.error,
                "report": p.summary.report if p.summary else None,
                "summary": summary_dict(p.summary) if p.summary else None,
            }
            for p in digest.people
        ],
        "inactive": list(digest.inactive),
        "agency_page": digest.agency_page,
    }


def _head(digest: Digest) -> str:
    people = people_count(digest.lang, len(digest.people))
    if digest.as_of is None:
        return words(digest.lang, "head_undated", people=people)
    return words(digest.lang, "head", date=i18n.format_date(digest.as_of, digest.lang), people=people)


def _counts(digest: Digest) -> str:
    return ", ".join(
        words(digest.lang, "count", status=_status(status, digest.lang), count=str(count))
        for status, count in digest.counts().items()
    )


def _status(status: str, lang: str) -> str:
    return words(lang, "none") if status == "none" else i18n.label(lang, "audit_status", status)


def _failure(person: PersonEntry) -> str:
    """Who failed and, when the run did audit them, what failed (each engine's status)."""
    if person.summary is None:
        return person.named()
    lang = person.summary.lang
    what = ", ".join(f"{f.name} {i18n.label(lang, 'engine_status', f.status)}" for f in person.summary.failures)
    return f"{person.named()} - {what}" if what else person.named()


def _mover(person: PersonEntry, lang: str) -> str:
    change = i18n.format_number(person.change, lang, signed=True)
    return words(lang, "mover", person=person.named(), change=change, score=i18n.format_number(person.overall, lang))


def _table(digest: Digest) -> list[Line]:
    """Each person's status, score and change: cells an HTML body makes a table of, padded for plain text."""
    lang = digest.lang
    header = tuple(words(lang, key) for key in ("person_col", "status_col", "score_col", "change_col"))
    rows = [
        (
            p.named(),
            _status(p.status, lang),
            i18n.format_number(p.overall, lang),
            i18n.format_number(p.change, lang, signed=True),
        )
        for p in digest.people
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def padded(row: tuple[str, ...]) -> str:
        left = [cell.ljust(width) for cell, width in zip(row[:2], widths[:2], strict=True)]
        right = [cell.rjust(width) for cell, width in zip(row[2:], widths[2:], strict=True)]
        return "  ".join(left + right).rstrip()

    return [Line(padded(header), item=True, cells=header, header=True)] + [
        Line(padded(row), item=True, cells=row) for row in rows
    ]
