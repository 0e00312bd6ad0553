"""What every channel sends, worded once in the report's language: one audit's summary, or a workspace run's
digest (one notification for everyone)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.report import digest as run_digest
from auditor.report import i18n
from auditor.report import summary as audit_summary
from auditor.report.digest import Digest
from auditor.report.summary import Line, Summary


@dataclass(frozen=True)
class Message:
    lang: str
    title: str
    """The HTML body's heading and ntfy's title: `auditor: <who>`."""
    headline: str
    """The whole of it in one line: the email's subject and the generic webhook's `summary`."""
    lines: list[Line]
    data: dict[str, Any]
    """The JSON the generic webhook posts (keys in English)."""
    fell: bool
    """A score fell (ntfy's downward tag)."""
    urgent: bool
    """Something fell or failed (ntfy's higher priority)."""

    @property
    def text(self) -> str:
        return "\n".join(line.plain for line in self.lines)


def message_of(content: Summary | Digest) -> Message:
    if isinstance(content, Digest):
        return _of_digest(content)
    fell = content.change is not None and content.change < 0
    status = i18n.label(content.lang, "audit_status", content.status)
    return Message(
        lang=content.lang,
        title=f"auditor: {content.person} {status}",
        headline=audit_summary.one_line(content),
        lines=audit_summary.as_lines(content),
        data=audit_summary.to_dict(content),
        fell=fell,
        urgent=fell or content.status != "complete",
    )


def _of_digest(digest: Digest) -> Message:
    fell = bool(digest.fallers())
    return Message(
        lang=digest.lang,
        title=f"auditor: {run_digest.people_count(digest.lang, len(digest.people))}",
        headline=run_digest.one_line(digest),
        lines=run_digest.as_lines(digest),
        data={"workspace": True, **run_digest.to_dict(digest)},
        fell=fell,
        urgent=fell or any(p.status != "complete" for p in digest.people),
    )
