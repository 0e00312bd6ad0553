"""Answers an earlier run of the same audit received, for gathering to use instead of asking again. Pure data.

Two users: a resumed audit (`auditor audit --resume`) is given every stored answer that need not be asked again
and sends the rest; a rescore (`auditor rescore`) sends nothing, so a request with no stored answer fails as
"not stored" there. Answers are found by what was asked (kind and requested URL), not by profile: one link
followed for two profiles was asked, and stored, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor.net.client import FetchResult
from auditor.net.redaction import redact

NOT_STORED = "no response was stored for this request"


@dataclass(frozen=True)
class Failed:
    """A request that got no response when it was sent."""

    error: str
    """The reason as it was recorded ("timeout: ...", "refused: ...", "page too large ...")."""
    reached: str = ""
    """The last URL a redirect chain reached before a timeout or a lost connection ("" when none)."""


class StoredFailure(Exception):
    """A stored failure raised again, where the request would have raised it."""

    def __init__(self, failed: Failed) -> None:
        super().__init__(failed.error)
        self.reached = failed.reached


@dataclass(frozen=True)
class StoredAnswers:
    answers: Mapping[tuple[str, str], FetchResult | Failed] = field(default_factory=dict)
    """(kind, requested URL with its secrets redacted) -> what came back: `profile` for a profile's API answer
    or page, `profile_link` for a link followed."""
    complete: bool = False
    """Nothing else may be sent (a rescore): a request not in `answers` fails as not stored."""

    def lookup(self, kind: str, url: str) -> FetchResult | Failed | None:
        """The stored answer to this request; None when it must be sent."""
        found = self.answers.get((kind, redact(url)))
        if found is None and self.complete:
            return Failed(NOT_STORED)
        return found

    def __len__(self) -> int:
        return len(self.answers)
