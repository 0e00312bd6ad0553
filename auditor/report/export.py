"""`auditor export`: every stored result as flat rows, one per result per audit. Pure: audits in, text out.

The CSV is RFC 4180 (quoted where needed, UTF-8, "\\n" line ends) so that `pandas.read_csv(path)` loads it as
is, titles with commas, quotes, newlines and accents included. The JSON is a list of row objects, which
`pandas.read_json(path)` loads as is.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import operator
from collections.abc import Sequence
from typing import Any

from auditor.models import Audit, Scores

SCORES = tuple(f.name for f in dataclasses.fields(Scores) if f.name != "visibility_by_engine")
SCORE_EXPORT = tuple(f"score_{c}" for c in SCORES)
"""The audit's scores, repeated on each of its rows (empty where unmeasured): a trend needs no join."""
COLUMNS = (
    "audit_id",
    "person",
    "as_of",
    "status",
    "engine",
    "query",
    "position",
    "url",
    "title",
    "snippet",
    "network",
    "ownership",
    "label",
    "profile",
    *SCORE_EXPORT,
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with these as a formula; titles and snippets are written by strangers."""
_TEXT_AT = tuple(
    COLUMNS.index(c) for c in ("person", "engine", "query", "url", "title", "snippet", "network", "label", "profile")
)
"""The columns that hold free text. The others are numbers, an ISO date and fixed words (status, ownership),
none of which can start like a formula: a long history's hundreds of thousands of cells are not each looked at."""
_ORDERED = operator.itemgetter(*COLUMNS)


def export_rows(audits: Sequence[Audit]) -> list[dict[str, Any]]:
    """One row per result per audit, audits in the order given (oldest first), results by engine order."""
    rows = []
    for audit in audits:
        scores = {f"score_{c}": getattr(audit.scores, c) for c in SCORES}
        for r in audit.results:
            rows.append(
                {
                    "audit_id": audit.id,
                    "person": audit.person,
                    "as_of": audit.as_of.isoformat(),
                    "status": audit.status.value,
                    "engine": r.engine,
                    "query": r.query,
                    "position": r.position,
                    "url": r.url,
                    "title": r.title,
                    "snippet": r.snippet,
                    "network": r.network,
                    "ownership": r.ownership.value,
                    "label": r.label,  # `me` / `not-me` when the user's own label decided the ownership
                    "profile": r.profile,
                    **scores,
                }
            )
    return rows


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    # Cells by position, not through DictWriter, and None written as "" by the writer itself.
    writer.writerows(map(_safe, map(_ORDERED, rows)))
    return buffer.getvalue()


def _safe(values: tuple[Any, ...]) -> Sequence[Any]:
    for index in _TEXT_AT:
        value = values[index]
        if value and value.startswith(FORMULA_STARTS):
            return [_cell(v) for v in values]
    return values


def to_json(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # OWASP's advice for CSV injection: a leading apostrophe makes the cell text. The JSON keeps the value as is.
        return "'" + value
    return value
