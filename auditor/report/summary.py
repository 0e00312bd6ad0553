"""What an audit says in a few lines: its status, its score against the last one and the best, what moved,
and what to do next. Pure: audits in, a `Summary` out, worded as text, one line or JSON-ready data.

It is what a monthly run prints, what a notification carries and what `auditor summary` shows again, in the
report's language: every label is a catalog entry, numbers and dates are the locale's. Engine names stay as
the config spells them, and what an engine or a client said (its `detail`) is technical text shown verbatim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from auditor.models import Audit, Ownership
from auditor.report import i18n
from auditor.report.advice import recommendation_message
from auditor.report.changes import LinkbackChange, ResultMove, ScoreDelta, compute_changes, move_dict
from auditor.report.document import by_priority
from auditor.report.i18n import N_
from auditor.report.reasons import linkback_reason, site_detail

TOP_ACTIONS = 3
SHOWN_MOVES = 5
"""Results that entered or left the top 10 listed in the text; the JSON keeps them all."""
_WATCHED = (Ownership.SITE, Ownership.PROFILE, Ownership.PROBABLE_PROFILE, Ownership.NAMESAKE)
"""The results worth a line: the person's own, and the namesakes who compete for the same name."""


@dataclass(frozen=True)
class Failure:
    """Something the audit could not read: an engine (left out of the scores), a profile or the site."""

    kind: str
    """`engine`, `profile` or `site`."""
    name: str
    """The engine's name, the profile's network, or `site`."""
    status: str
    detail: str
    """As recorded (English), for JSON."""
    worded: str = ""
    """Why, as a sentence in the summary's language ("" for an engine: its status says it)."""
    technical: str = ""
    """What the engine, the client or the server said, shown verbatim (it has no translation)."""


PROFILE_FAILURES = ("fetch_error", "unreadable")
"""Link-back reasons that mean the profile could not be read at all (a login wall is an answer)."""
SITE_FAILURES = ("site_error", "site_status")


@dataclass(frozen=True)
class Action:
    """One of the recommendations to act on first, worded in the summary's language."""

    id: str
    message: str
    gain: float
    """Points the overall score would gain (the recommendation's counterfactual impact)."""


@dataclass(frozen=True)
class Summary:
    audit_id: int | None
    person: str
    as_of: dt.date
    status: str
    failures: tuple[Failure, ...]
    overall: float | None
    previous_as_of: dt.date | None
    previous_overall: float | None
    best_overall: float | None
    """The best overall score of this audit and every earlier one."""
    best_as_of: dt.date | None
    moved: tuple[ScoreDelta, ...]
    """Components whose score changed (or became measurable, or stopped being) since the previous audit."""
    entered: tuple[ResultMove, ...]
    left: tuple[ResultMove, ...]
    linkbacks: tuple[LinkbackChange, ...]
    actions: tuple[Action, ...]
    report: str | None
    """The HTML report's path, when it exists."""
    lang: str = "en"
    """The language the summary is worded in: the report's."""

    @property
    def change(self) -> float | None:
        if self.overall is None or self.previous_overall is None:
            return None
        return self.overall - self.previous_overall


def summarize(
    audit: Audit,
    previous: Audit | None,
    overall_history: Sequence[tuple[dt.date, float | None]],
    *,
    lang: str = "en",
    report: str | None = None,
) -> Summary:
    """The summary of `audit`, compared with `previous` (the audit before it that measured something).

    `overall_history` holds the (date, overall score) of the person's finished audits; those up to this
    audit's date give the best ever.
    """
    changes = compute_changes(previous, audit)
    measured = [(day, score) for day, score in overall_history if day <= audit.as_of and score is not None]
    if audit.scores.overall is not None:
        measured.append((audit.as_of, audit.scores.overall))
    # The earliest date that reached the best score: when it was first reached.
    best = max(measured, key=lambda pair: (pair[1], -pair[0].toordinal()), default=None)
    return Summary(
        audit_id=audit.id,
        person=audit.person,
        as_of=audit.as_of,
        status=audit.status.value,
        failures=_failures(audit, lang),
        overall=audit.scores.overall,
        previous_as_of=previous.as_of if previous else None,
        previous_overall=previous.scores.overall if previous else None,
        best_overall=best[1] if best else None,
        best_as_of=best[0] if best else None,
        moved=tuple(s for s in changes.scores if s.component != "overall" and _moved(s)),
        entered=tuple(m for m in changes.entered if m.ownership in _WATCHED),
        left=tuple(m for m in changes.left if m.ownership in _WATCHED),
        linkbacks=changes.linkbacks,
        actions=tuple(
            Action(r.id, recommendation_message(lang, r.rule, r.params, r.id), r.impact)
            for r in by_priority(audit)[:TOP_ACTIONS]
        ),
        report=report,
        lang=lang,
    )


def _failures(audit: Audit, lang: str) -> tuple[Failure, ...]:
    engines = [
        Failure("engine", e.name, e.status.value, e.detail, technical=e.detail)
        for e in audit.engines
        if not e.status.counts_in_score
    ]
    profiles = []
    for p in audit.profiles:
        if p.linkback.reason_code in PROFILE_FAILURES:
            why = linkback_reason(lang, p.linkback.reason_code, p.linkback.reason_params, p.linkback.reason)
            profiles.append(_worded("profile", p.network, p.linkback.verdict.value, p.linkback.reason, why))
    site = [
        _worded("site", "site", "failed", c.detail, site_detail(lang, c.detail_code, c.detail_params, c.detail))
        for c in audit.site_checks
        if c.detail_code in SITE_FAILURES
    ]
    return (*engines, *profiles, *site[:1])


def _worded(kind: str, name: str, status: str, detail: str, why: Any) -> Failure:
    """A failure worded by the report's catalog; its technical evidence (or, for an audit stored before codes
    existed, the English recorded then) kept apart, verbatim."""
    if why.english:
        return Failure(kind, name, status, detail, technical=why.text)
    return Failure(kind, name, status, detail, worded=why.text, technical="; ".join(t.text for t in why.technical))


def _moved(delta: ScoreDelta) -> bool:
    if delta.delta is None:
        return delta.previous is not None or delta.current is not None
    return round(delta.delta, 1) != 0


WORDS = {
    "line": N_("%(person)s, audit of %(date)s: %(status)s"),
    "overall": N_("overall %(score)s"),
    "best": N_("best %(score)s"),
    "next": N_("next: %(action)s"),
    "status": N_("Status: %(status)s   overall score: %(score)s"),
    "failure": N_("%(what)s: %(status)s"),
    "profile": N_("profile %(network)s"),
    "site": N_("your site"),
    "first": N_("Change: first audit, nothing to compare with yet"),
    "change": N_("Change: %(change)s since %(date)s (%(score)s)"),
    "best_ever": N_("Best ever: %(score)s (%(date)s)"),
    "moved": N_("Components that moved: %(components)s"),
    "entered": N_("Entered the top 10:"),
    "left": N_("Left the top 10:"),
    "more": N_("and %(count)s more"),
    "linkbacks": N_("Link-backs that changed:"),
    "linkback": N_("%(network)s link-back: %(before)s -> %(after)s (%(kind)s)"),
    "not_checked": N_("not checked"),
    "query": N_("“%(text)s”"),
    "actions": N_("Top actions:"),
    "report": N_("Report: %(path)s"),
    "test": N_("This is a test notification from auditor: nothing was audited."),
}


def words(lang: str, key: str, **values: str) -> str:
    """One of the summary's sentences in `lang`, its values put in."""
    return i18n.gettext(lang, WORDS[key]) % values


def sample_message(lang: str) -> str:
    """What a sample summary (`auditor notify --test`) says instead of an action."""
    return words(lang, "test")


@dataclass(frozen=True)
class Line:
    """One line of the summary: the text as `as_text` prints it, the parts an HTML body marks up apart."""

    text: str
    item: bool = False
    """Indented under the line before it (a list item in HTML)."""
    technical: str = ""
    """Verbatim text after the worded part (an engine's or a server's own words): `<code lang="en">` in HTML."""
    cells: tuple[str, ...] = ()
    """A row of a table (`text` is the row padded for plain text): consecutive rows are one table in HTML."""
    header: bool = False

    @property
    def plain(self) -> str:
        return ("  " if self.item else "") + self.text + (f" - {self.technical}" if self.technical else "")


def one_line(summary: Summary) -> str:
    """The whole summary in one line, for a log or a phone's notification."""
    lang = summary.lang
    when, status = _date(summary.as_of, lang), _status(summary.status, lang)
    parts = [words(lang, "line", person=summary.person, date=when, status=status)]
    if summary.failures:
        parts[0] += f" ({', '.join(f'{_name(f, lang)} {_failure_status(f, lang)}' for f in summary.failures)})"
    score = words(lang, "overall", score=_num(summary.overall, lang))
    if summary.change is not None:
        score += f" ({_num(summary.change, lang, signed=True)})"
    if summary.best_overall is not None:
        score += ", " + words(lang, "best", score=_num(summary.best_overall, lang))
    parts.append(score)
    if summary.actions:
        first = summary.actions[0]
        parts.append(words(lang, "next", action=f"{first.message} ({i18n.format_points(first.gain, lang)})"))
    return "; ".join(parts)


def as_text(summary: Summary, *, head: bool = True) -> list[str]:
    """The summary as lines of plain text, most important first; without `head`, from the change on (for
    a caller that has already printed the status and each engine's, with `run_head`)."""
    return [line.plain for line in as_lines(summary, head=head)]


def run_head(audit: Audit, lang: str) -> list[str]:
    """What a run prints first: its status and score, then each engine's status (`  name: status - detail`,
    the lines a cron script picks out)."""
    score = _num(audit.scores.overall, lang)
    lines = [Line(words(lang, "status", status=_status(audit.status.value, lang), score=score))]
    lines += [
        Line(f"{e.name}: {i18n.label(lang, 'engine_status', e.status)}", item=True, technical=e.detail)
        for e in audit.engines
    ]
    return [line.plain for line in lines]


def as_lines(summary: Summary, *, head: bool = True) -> list[Line]:
    lang = summary.lang
    lines = []
    if head:
        lines.append(
            Line(words(lang, "status", status=_status(summary.status, lang), score=_num(summary.overall, lang)))
        )
    for failure in summary.failures:
        # Without `head` the caller has printed every engine's line already; profiles and the site follow.
        if failure.kind == "engine" and head:
            text = f"{failure.name}: {_failure_status(failure, lang)}"  # as `run_head` words an engine's line
            lines.append(Line(text, item=True, technical=failure.technical))
        elif failure.kind != "engine":
            text = words(lang, "failure", what=_name(failure, lang), status=_failure_status(failure, lang))
            text += f" - {failure.worded}" if failure.worded else ""
            lines.append(Line(text, item=True, technical=failure.technical))
    if summary.previous_as_of is None:
        lines.append(Line(words(lang, "first")))
    else:
        change = _num(summary.change, lang, signed=True)
        when, before = _date(summary.previous_as_of, lang), _num(summary.previous_overall, lang)
        lines.append(Line(words(lang, "change", change=change, date=when, score=before)))
    if summary.best_overall is not None and summary.best_as_of is not None:
        best, when = _num(summary.best_overall, lang), _date(summary.best_as_of, lang)
        lines.append(Line(words(lang, "best_ever", score=best, date=when)))
    if summary.moved:
        moved = ", ".join(f"{i18n.label(lang, 'component', s.component)} {_delta_text(s, lang)}" for s in summary.moved)
        lines.append(Line(words(lang, "moved", components=moved)))
    for title, moves in (("entered", summary.entered), ("left", summary.left)):
        if moves:
            lines.append(Line(words(lang, title)))
            lines += [Line(_move_text(m, lang), item=True) for m in moves[:SHOWN_MOVES]]
            if len(moves) > SHOWN_MOVES:
                lines.append(Line(words(lang, "more", count=str(len(moves) - SHOWN_MOVES)), item=True))
    if summary.linkbacks:
        lines.append(Line(words(lang, "linkbacks")))
        lines += [Line(_linkback_text(c, lang), item=True) for c in summary.linkbacks]
    if summary.actions:
        lines.append(Line(words(lang, "actions")))
        lines += [
            Line(f"{i}. {a.message} ({i18n.format_points(a.gain, lang)})", item=True)
            for i, a in enumerate(summary.actions, 1)
        ]
    if summary.report:
        lines.append(Line(words(lang, "report", path=summary.report)))
    return lines


def to_dict(summary: Summary) -> dict[str, Any]:
    """The same as `as_text`, as JSON-ready data (None where a score could not be measured)."""
    return {
        "audit_id": summary.audit_id,
        "lang": summary.lang,
        "person": summary.person,
        "as_of": summary.as_of.isoformat(),
        "status": summary.status,
        "failures": [
            {"kind": f.kind, "name": f.name, "status": f.status, "detail": f.detail} for f in summary.failures
        ],
        "overall": summary.overall,
        "change": summary.change,
        "previous": (
            {"as_of": summary.previous_as_of.isoformat(), "overall": summary.previous_overall}
            if summary.previous_as_of
            else None
        ),
        "best": (
            {"as_of": summary.best_as_of.isoformat(), "overall": summary.best_overall} if summary.best_as_of else None
        ),
        "components_moved": {
            s.component: {"previous": s.previous, "current": s.current, "delta": s.delta} for s in summary.moved
        },
        "entered_top10": [move_dict(m) for m in summary.entered],
        "left_top10": [move_dict(m) for m in summary.left],
        "linkbacks": [
            {
                "network": c.network,
                "previous": c.previous.value if c.previous else None,
                "current": c.current.value,
                "kind": c.kind,
            }
            for c in summary.linkbacks
        ],
        "actions": [{"id": a.id, "message": a.message, "gain": a.gain} for a in summary.actions],
        "report": summary.report,
    }


def _move_text(move: ResultMove, lang: str) -> str:
    before = "-" if move.previous_position is None else str(move.previous_position)
    after = "-" if move.current_position is None else str(move.current_position)
    title = move.title if len(move.title) <= 80 else move.title[:79] + "…"
    engine = i18n.label(lang, "engine", move.engine)
    # Positions first: the lines stay unlike the "  engine: status" lines that scripts pick out of a run.
    owner, query = i18n.label(lang, "ownership", move.ownership), words(lang, "query", text=move.query)
    return f"{before} -> {after} {owner} {move.url} ({engine}, {query}) {title}"


def _linkback_text(change: LinkbackChange, lang: str) -> str:
    before = i18n.label(lang, "verdict", change.previous) if change.previous else words(lang, "not_checked")
    return words(
        lang,
        "linkback",
        network=i18n.network_label(change.network),
        before=before,
        after=i18n.label(lang, "verdict", change.current),
        kind=i18n.label(lang, "linkback_change", change.kind),
    )


def _delta_text(delta: ScoreDelta, lang: str) -> str:
    if delta.delta is None:
        return f"{_num(delta.previous, lang)} -> {_num(delta.current, lang)}"
    return _num(delta.delta, lang, signed=True)


def _name(failure: Failure, lang: str) -> str:
    """How a line names what failed: `profile GitHub` (a network alone would read as an engine's line)."""
    if failure.kind == "profile":
        return words(lang, "profile", network=i18n.network_label(failure.name))
    return words(lang, "site") if failure.kind == "site" else failure.name


def _failure_status(failure: Failure, lang: str) -> str:
    kind = {"engine": "engine_status", "profile": "verdict"}.get(failure.kind, "audit_status")
    return i18n.label(lang, kind, failure.status)


def _status(status: str, lang: str) -> str:
    return i18n.label(lang, "audit_status", status)


def _date(value: dt.date, lang: str) -> str:
    return i18n.format_date(value, lang)


def _num(value: float | None, lang: str, *, signed: bool = False) -> str:
    return i18n.format_number(value, lang, signed=signed)
