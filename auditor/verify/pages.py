"""Names as pages show them."""

from __future__ import annotations

import re

_HANDLE = re.compile(r"\(\s*@[^)]*\)|(?<!\w)@[\w.@-]+")
_SEPARATORS = re.compile(r"\s+[|·•/—–-]\s+")


def clean_name(value: str | None) -> str | None:
    """A display name without what pages put around it: `Émilie Tremblay (@etremblay) / X` -> `Émilie Tremblay`."""
    if not value:
        return None
    text = _SEPARATORS.split(_HANDLE.sub(" ", value))[0]
    text = " ".join(text.split()).strip(" ,;:")
    return text or None
