"""A fetched page as plain data, so verdicts are computed by pure functions; decoding and names of pages."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageFetch:
    """What fetching one page gave: a response, or the reason there is none."""

    requested_url: str
    final_url: str = ""
    status_code: int | None = None
    text: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str = ""
    """Set when no usable response came back (timeout, refused, too large ...)."""

    @property
    def ok(self) -> bool:
        return not self.error and self.status_code == 200


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.IGNORECASE)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_html(body: bytes, content_type: str = "") -> str:
    """An HTML body as text, whatever its encoding: the header's charset, else a BOM, else UTF-8 if it is
    valid, else the page's own `<meta charset>`, else windows-1252 (the web's fallback for undeclared pages).
    Never raises: undecodable bytes become U+FFFD, so a page in an unexpected encoding is still read."""
    declared = ""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            declared = value.strip("\"' ")
    candidates = [declared] if declared else []
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    candidates.append("utf-8")
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    for name in candidates:
        codec = _codec(name)
        if codec is None:
            continue
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    # Browsers read an undeclared or mis-declared Latin page as windows-1252; it never fails on a byte.
    fallback = next((c for c in map(_codec, candidates[1:]) if c and c != "utf-8"), "cp1252")
    return body.decode(fallback, errors="replace")


_HANDLE = re.compile(r"\(\s*@[^)]*\)|(?<!\w)@[\w.@-]+")
_SEPARATORS = re.compile(r"\s+[|·•/—–-]\s+")


def clean_name(value: str | None) -> str | None:
    """A display name without what pages put around it: `Émilie Tremblay (@etremblay) / X` -> `Émilie Tremblay`."""
    if not value:
        return None
    text = _SEPARATORS.split(_HANDLE.sub(" ", value))[0]
    text = " ".join(text.split()).strip(" ,;:")
    return text or None
