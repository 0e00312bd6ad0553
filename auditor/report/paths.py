"""Where a person's reports live: the folder named after the person, the JSON that says a report was written.

Apart from the report's rendering (jinja, charts), so that the commands which only look for reports
(`history`, a workspace's checks) do not load it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TypeVar

# Letters that Unicode decomposition does not split into a base letter plus an accent.
_FOLD = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ð": "d"})


MAX_SLUG = 60
"""Characters of a report directory's name: a file name has a bound (255 bytes), a person's name none."""


def slugify(text: str) -> str:
    """ASCII-folded, lower-case, hyphen-separated: "Carl-Frédéric de Celles" -> "carl-frederic-de-celles".

    A slug over MAX_SLUG is cut and ends with a digest of the whole name, so two long names that begin alike
    still get directories of their own."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[: MAX_SLUG - 9].rstrip('-')}-{digest}"
    return slug or "person"  # a name of only non-Latin letters still needs a directory


def report_json_path(reports_dir: Path, person: str, as_of: dt.date) -> Path:
    """Where `write_report` puts the JSON report of `person`'s audit of `as_of`: its presence says that
    audit's report was written."""
    return reports_dir / slugify(person) / f"{as_of.isoformat()}.json"


class Stored(Protocol):
    """What telling a written report from a missing one needs of an audit: an audit or its stored row."""

    @property
    def id(self) -> int | None: ...
    @property
    def person(self) -> str: ...
    @property
    def as_of(self) -> dt.date: ...


S = TypeVar("S", bound=Stored)


def missing_reports(history: Sequence[S], reports_dir: Path) -> list[S]:
    """Finished audits whose report was never written: the process died between the final commit and the
    files. Of several audits of one day only the last counts, as its report is the one that day's files hold."""
    ordered = sorted(history, key=lambda audit: (audit.as_of, audit.id or 0))
    last_of_day = {(audit.person, audit.as_of): audit for audit in ordered}
    return [
        audit for audit in last_of_day.values() if not report_json_path(reports_dir, audit.person, audit.as_of).exists()
    ]
