"""The report: one self-contained HTML file and one JSON file per audit, plus `latest.html` and `index.html`.

The only I/O here is writing files. Everything a page shows is scraped from the web at some point (titles,
snippets, URLs, evidence), so the one jinja2 Environment autoescapes, a URL becomes a link only when it is
http(s), and the page carries a Content-Security-Policy that forbids every script and outside request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from auditor.config import DEFAULT_EDGE_WEIGHTS
from auditor.errors import ReportError
from auditor.models import Audit, AuditStatus, ClassifiedResult, EngineRun
from auditor.report import features as serp_features
from auditor.report import i18n
from auditor.report import reasons as i18n_reasons
from auditor.report.advice import confirm_hint, recommendation_message, recommendation_title
from auditor.report.changes import Changes, compute_changes
from auditor.report.document import build_json, by_priority
from auditor.report.evidence import recommendation_evidence
from auditor.report.features import Thumbnail, stored_thumbnails
from auditor.report.graph import edge_reason, graph_svg, note_text
from auditor.report.paths import slugify
from auditor.report.sparkline import sparkline_svg
from auditor.report.template_cache import compiled_templates
from auditor.report.verdict import verdict
from auditor.scoring.recommend import MISSING_ENTRY_POSITION, SITE_ENTRY_POSITION, UNMEASURED_RULES, UNSCORED_RULES

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.store import Store


@dataclass(frozen=True)
class ScoringInfo:
    """The scoring parameters an audit used, shown in the methodology section."""

    ctr: tuple[float, ...]
    """Attention weight of positions 1, 2, 3 ...; positions past the end weigh 0."""
    weights: Mapping[str, float]
    """Component weights of the overall score: visibility, linkback, site, consistency."""
    depth: int
    """How many results were read per engine and query."""
    edge_weights: Mapping[str, float] = field(default_factory=dict)
    """Weight of each mechanism of the identity graph in `consolidation`; {} shows the defaults."""


def scoring_info(config: Config) -> ScoringInfo:
    """The scoring parameters of `config`, as the methodology section shows them."""
    return ScoringInfo(
        ctr=config.scoring.ctr,
        weights=dict(config.scoring.weights),
        depth=config.audit.depth,
        edge_weights=dict(config.scoring.edge_weights),
    )


@dataclass(frozen=True)
class ReportPaths:
    """Where `write_report` put each file."""

    html: Path
    json: Path
    latest: Path
    index: Path


_C0_AND_SPACE = "".join(map(chr, range(33)))
CLIP_TITLE = 300
"""Characters of a scraped title or URL shown in the report's tables."""
CLIP_SNIPPET = 600


def safe_href(url: object) -> str | None:
    """`url` when it is an absolute http(s) URL fit for an href, else None (shown as text only).

    Browsers drop tabs and newlines inside URLs and spaces around them ("java\\tscript:"), so the check
    runs on the URL as a browser would read it, and that cleaned form is what is returned.
    """
    if not isinstance(url, str):
        return None
    cleaned = re.sub(r"[\t\r\n]", "", url).strip(_C0_AND_SPACE)
    # A `javascript:` anywhere (even in a query string) costs a link, never safety: shown as text.
    if any(c < " " or c == "\x7f" for c in cleaned) or "javascript:" in cleaned.lower():
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return cleaned


def clip(text: object, limit: int = CLIP_TITLE) -> str:
    """`text` cut to `limit` characters with an ellipsis: a 2,000-character scraped title would bury the
    table it sits in. The JSON keeps every character."""
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def bdi(text: object) -> Markup:
    """Text from the web set apart for the bidi algorithm (`<bdi>`): a right-to-left override in a scraped
    name then reorders nothing outside it, not the report's own sentence around it."""
    return Markup("<bdi>%s</bdi>") % ("" if text is None else text)


@cache
def environment(lang: str) -> Environment:
    """The report's jinja2 Environment for `lang`, built once per language.

    gettext callables are bound to an Environment (`install_gettext_translations`), so each language gets
    its own instance of the same configuration rather than one shared instance re-bound per render.
    """
    env = Environment(
        loader=PackageLoader("auditor.report", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,  # a typo in a template fails the tests instead of rendering blank
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled_templates(__file__),
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        safe_href=safe_href,
        date=lambda value, fmt="long": i18n.format_date(value, lang, fmt),
        num=lambda value, digits=1, max_digits=None: i18n.format_number(value, lang, digits, max_digits),
        signed=lambda value, digits=1: i18n.format_number(value, lang, digits, signed=True),
        points=lambda value: i18n.format_points(value, lang),
        commands=with_commands,
        confirm_hint=lambda rec: with_commands(confirm_hint(lang, rec.rule, rec.params)),
        label=lambda value, kind: i18n.label(lang, kind, value),
        advice=lambda status: with_commands(i18n.engine_advice(lang, status)),
        clip=clip,
        bdi=bdi,
        # The pipeline's reasons are English; their codes are worded here in the report's language.
        linkback_reason=lambda lb: i18n_reasons.linkback_reason(lang, lb.reason_code, lb.reason_params, lb.reason),
        site_detail=lambda c: i18n_reasons.site_detail(lang, c.detail_code, c.detail_params, c.detail),
        result_reason=lambda r: i18n_reasons.result_reason(lang, r.reason_code, r.reason_params, r.reason),
        edge_reason=lambda e: edge_reason(lang, e),
        graph_note=lambda n: note_text(lang, n.code, n.params, n.detail),
    )
    env.filters.update(serp_features.filters(lang))
    env.globals.update(
        lang=lang,
        unscored_rules=UNSCORED_RULES,
        unmeasured_rules=UNMEASURED_RULES,
        clip_title=CLIP_TITLE,
        clip_snippet=CLIP_SNIPPET,
    )
    return env


def render_html(
    audit: Audit,
    history: Sequence[Audit],
    changes: Changes,
    *,
    lang: str,
    scoring: ScoringInfo,
    screenshots: Sequence[Thumbnail] = (),
) -> str:
    """The audit's report page. `history` may hold later audits: the trends stop at this audit's date.
    `screenshots`: thumbnails of the browser engines' results pages (the latest audit's only)."""
    timeline = _timeline(audit, history)
    failed = [e for e in audit.engines if not e.status.counts_in_score]
    from auditor.report.trends import recent_overall  # pandas: loaded only when a page is rendered

    recent = [score for _day, score in recent_overall(timeline)] if audit.scores.overall is not None else []
    context = {
        "audit": audit,
        "verdict": verdict(audit, changes, lang),
        "sparkline": sparkline_svg(recent, i18n.gettext(lang, SPARK_LABEL)) if len(recent) >= 2 else None,
        "spark_count": len(recent),
        "changes": changes,
        "scoring": scoring,
        "ctr_rows": _ctr_rows(scoring),
        "ctr_total": sum(w for row in _ctr_rows(scoring) for _p, w in row),
        "missing_profile_position": MISSING_ENTRY_POSITION,
        "missing_site_position": SITE_ENTRY_POSITION,
        "default_edge_weights": DEFAULT_EDGE_WEIGHTS,
        "recommendations": [
            (r, recommendation_message(lang, r.rule, r.params, r.id), recommendation_evidence(r, audit, lang))
            for r in by_priority(audit)
        ],
        "top_actions": [(r, recommendation_title(lang, r.rule, r.params, r.id)) for r in by_priority(audit)[:3]],
        "engines": [(e, _results_by_query(audit, e)) for e in audit.engines],
        "failed_engines": failed,
        "all_failed": bool(audit.engines) and len(failed) == len(audit.engines),
        "is_failed": audit.status is AuditStatus.FAILED,
        "profiles": sorted(audit.profiles, key=lambda p: (p.best_position is None, p.best_position or 0, p.network)),
        "labelled_profiles": labelled_profiles(audit),
        "graph_svg": graph_svg(audit.graph, lang) if audit.graph is not None else None,
        "graph_nodes": {n.id: n for n in audit.graph.nodes} if audit.graph is not None else {},
        "trends": _trends(timeline, lang, audit.depth) if len(timeline) >= 2 else None,
        "beyond": serp_features.by_engine(audit),
        "screenshots": screenshots,
    }
    return environment(lang).get_template("report.html").render(context)


SPARK_LABEL = i18n.N_("Overall score at the last audits, oldest first")


def with_commands(text: str) -> Markup:
    """A message with its commands (between backticks in the catalog) set as `<code>`; the rest escaped."""
    parts = re.split(r"`([^`]+)`", str(text))
    return Markup("").join(Markup("<code>%s</code>") % part if i % 2 else escape(part) for i, part in enumerate(parts))


def render_index(history: Sequence[Audit], *, lang: str, linkable: set[str] | None = None) -> str:
    """The list of every audit, newest first, one row per audit (two audits of one day get a row each).

    `linkable` names the report files (stems) that exist; None links every audit.
    """
    ordered = sorted(history, key=chronological)
    rows = [(report_stem(a, ordered), a) for a in reversed(ordered)]
    rows_linked = [(stem, a, linkable is None or stem in linkable) for stem, a in rows]
    person = ordered[-1].person if ordered else ""
    return environment(lang).get_template("index.html").render(rows=rows_linked, person=person)


class Dated(Protocol):
    """What orders a person's history: an audit, or its row in the store."""

    @property
    def as_of(self) -> dt.date: ...
    @property
    def id(self) -> int | None: ...


def chronological(audit: Dated) -> tuple[dt.date, bool, int]:
    """The order of a person's history: by date, then by id (the order the audits were started); an audit
    not stored yet (no id) comes after the stored ones of its day."""
    return (audit.as_of, audit.id is None, audit.id or 0)


def report_stem(audit: Dated, history: Sequence[Dated]) -> str:
    """The name of an audit's report files: its date, or for a later audit of the same day, date and id, so
    that a second audit of a day never overwrites the first one's report."""
    same_day = sorted((a for a in history if a.as_of == audit.as_of and a.id is not None), key=chronological)
    day = audit.as_of.isoformat()
    if audit.id is None or not same_day or same_day[0].id == audit.id:
        return day
    return f"{day}-{audit.id}"


def write_report(
    audit: Audit,
    history: Sequence[Audit],
    *,
    reports_dir: Path,
    lang: str,
    scoring: ScoringInfo,
    screenshots: Screenshots | None = None,
) -> ReportPaths:
    """Write `<date>.html`, `<date>.json`, `latest.html` and `index.html` under `<reports_dir>/<slug>/`.

    Everything is rendered first, then written to temporary files beside the targets and renamed into
    place, so a failure leaves the previous files untouched. Raises ReportError naming the path.
    """
    return write_reports(
        [audit], history, reports_dir=reports_dir, lang=lang, scoring=scoring, screenshots=screenshots
    )[0]


Screenshots = Callable[[Audit], Sequence[Thumbnail]]
"""The thumbnails of an audit's results pages (read from the history); asked for the newest audit only."""


def write_person_report(
    config: Config, store: Store, audit: Audit, history: Sequence[Audit], lang: str | None
) -> ReportPaths:
    """`audit`'s report as an audit writes it: the config's folder, scoring and language (unless `lang`), the
    stored pictures of the results pages."""
    return write_report(
        audit,
        history,
        reports_dir=config.reports_path,
        lang=lang or config.report.lang,
        scoring=scoring_info(config),
        screenshots=stored_thumbnails(store),
    )


def write_reports(
    audits: Sequence[Audit],
    history: Sequence[Audit],
    *,
    reports_dir: Path,
    lang: str,
    scoring: ScoringInfo,
    screenshots: Screenshots | None = None,
) -> list[ReportPaths]:
    """`write_report` for several audits of one person at once (`rescore`, `report all`): each audit's page
    and JSON, then `latest.html` and `index.html` once, all replaced together. Only the newest audit's page
    shows `screenshots`: pictures make a page heavy, and the history keeps them for the older ones.

    Other audits of the same day as one of `audits` are written again too: which of them is `<date>` and
    which `<date>-<id>` depends on all of them (an interrupted audit resumed after a later one finished).
    """
    if not audits:
        return []
    full = sorted([*(a for a in history if not any(_same(a, x) for x in audits)), *audits], key=chronological)
    days = {a.as_of for a in audits}
    chosen = [a for a in full if any(_same(a, x) for x in audits) or (a.id is not None and a.as_of in days)]
    newest = full[-1]
    directory = reports_dir / slugify(audits[0].person)
    files: dict[Path, str] = {}
    written: list[tuple[Audit, ReportPaths]] = []
    latest = directory / "latest.html"
    index = directory / "index.html"
    newest_shots = screenshots(newest) if screenshots is not None else ()
    for audit in chosen:
        changes = compute_changes(previous_audit(audit, full), audit)
        shots = newest_shots if _same(audit, newest) else ()
        page = render_html(audit, full, changes, lang=lang, scoring=scoring, screenshots=shots)
        data = json.dumps(build_json(audit, changes, lang=lang), ensure_ascii=False, indent=2, allow_nan=False)
        stem = report_stem(audit, full)
        paths = ReportPaths(
            html=directory / f"{stem}.html", json=directory / f"{stem}.json", latest=latest, index=index
        )
        files[paths.html] = page
        files[paths.json] = data + "\n"
        if _same(audit, newest):
            files[latest] = page
        written.append((audit, paths))
    if latest not in files:  # re-rendering an older audit must not make `latest` go back in time
        newest_changes = compute_changes(previous_audit(newest, full), newest)
        files[latest] = render_html(newest, full, newest_changes, lang=lang, scoring=scoring, screenshots=newest_shots)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        linkable = {p.stem for p in directory.glob("*.html")} | {p.stem for p in files}
    except OSError as exc:
        raise _report_error(exc, directory) from exc
    files[index] = render_index(full, lang=lang, linkable=linkable)
    _write_atomically(directory, files)
    return [next(paths for audit, paths in written if _same(audit, x)) for x in audits]


def _write_atomically(directory: Path, files: Mapping[Path, str]) -> None:
    temps: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            temp = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
            # os.open with 0o666 lets the umask decide the mode, as for any file the user writes;
            # mkstemp would leave reports readable by their owner only.
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            temps.append((temp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        for temp, target in temps:
            os.replace(temp, target)
    except OSError as exc:
        for temp, _ in temps:
            # The directory itself may be failing; the original error is the one to report.
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
        raise _report_error(exc, directory) from exc


def _report_error(exc: OSError, fallback: Path) -> ReportError:
    where = exc.filename or fallback
    return ReportError(f"cannot write the report to {where}: {exc.strerror or exc}")


def _same(a: Audit, b: Audit) -> bool:
    if a is b:
        return True
    if a.id is not None and b.id is not None:
        return a.id == b.id
    return a == b


def _timeline(audit: Audit, history: Sequence[Audit]) -> list[Audit]:
    """`audit` and what came before it: earlier days, and earlier audits (smaller ids) of its own day."""
    earlier = [a for a in history if _before(a, audit) and not _same(a, audit)]
    return sorted([*earlier, audit], key=chronological)


def _before(a: Audit, b: Audit) -> bool:
    if a.as_of != b.as_of:
        return a.as_of < b.as_of
    if a.id is not None and b.id is not None:
        return a.id < b.id
    return True  # audits not stored yet: the order they were given in


def previous_audit(audit: Audit, history: Sequence[Audit]) -> Audit | None:
    """The audit to compare `audit` with: the latest earlier one in `history` that measured something.

    Failed and interrupted runs are skipped: comparing with them would show every result as new.
    """
    before = [a for a in _timeline(audit, history)[:-1] if a.status in (AuditStatus.COMPLETE, AuditStatus.PARTIAL)]
    return before[-1] if before else None


@dataclass(frozen=True)
class LabelledProfile:
    """A result the user confirmed as theirs (`auditor label URL me`) that the config does not list: it
    counts in the score, so the profiles table shows it beside the configured ones."""

    network: str | None
    url: str
    best_position: int


def labelled_profiles(audit: Audit) -> list[LabelledProfile]:
    """One per page, at its best position over the engines and queries, best-ranked first."""
    best: dict[str, ClassifiedResult] = {}
    for r in audit.results:
        if r.label == "me" and r.ownership.is_owned and r.profile is None:
            seen = best.get(r.normalized_url)
            if seen is None or r.position < seen.position:
                best[r.normalized_url] = r
    found = [LabelledProfile(r.network, r.url, r.position) for r in best.values()]
    return sorted(found, key=lambda p: (p.best_position, p.url))


def _ctr_rows(scoring: ScoringInfo) -> list[list[tuple[int, float]]]:
    """(position, weight) pairs, ten to a row, so the table fits a printed page."""
    pairs = [(p, scoring.ctr[p - 1] if p <= len(scoring.ctr) else 0.0) for p in range(1, scoring.depth + 1)]
    return [pairs[i : i + 10] for i in range(0, len(pairs), 10)]


def _results_by_query(audit: Audit, engine: EngineRun) -> list[tuple[str, list[ClassifiedResult]]]:
    queries = [q.text for q in audit.queries]
    queries += sorted({r.query for r in audit.results if r.query not in queries})
    grouped = []
    for query in queries:
        rows = sorted(
            (r for r in audit.results if r.engine == engine.name and r.query == query), key=lambda r: r.position
        )
        if rows or engine.status.counts_in_score:
            grouped.append((query, rows))
    return grouped


def _trends(timeline: Sequence[Audit], lang: str, depth: int) -> dict[str, Any]:
    # Imported here: the trend section is computed with pandas, which only reports with a history need.
    from auditor.report.charts import trend_section

    return trend_section(timeline, lang=lang, depth=depth)
