"""The one decoder for every body the auditor reads (results pages, APIs, profiles, the site, namesakes' pages).

Order: the header's charset, a byte-order mark, the page's own `<meta charset>`, then valid UTF-8, then
windows-1252 (what browsers read an undeclared Latin page as). bs4 finds the mark and the declaration and does
the decoding; statistical detection (charset_normalizer) comes only after all of those failed, because on a
short French page it guesses a Baltic code page as readily as the right one. A charset the header declares is
authoritative: when nothing decodes cleanly, its bytes are read in it with U+FFFD for what does not fit.
Never raises.
"""

from __future__ import annotations

import codecs
import logging

WEB_FALLBACK = "windows-1252"
# bs4 warns on every page it had to patch with U+FFFD: for hostile pages that is expected, not news.
logging.getLogger("bs4.dammit").setLevel(logging.ERROR)


def header_charset(content_type: str) -> str:
    """The `charset` parameter of a Content-Type header, "" when absent or not a known codec."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset":
            name = value.strip("\"' ").lower()
            return _codec(name)
    return ""


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return ""


def decode_text(body: bytes, content_type: str = "") -> str:
    """`body` as text, whatever its declared or undeclared encoding (see the module's docstring)."""
    if not body:
        return ""
    # Imported on first use: every stage imports this module for `Fetched`, few of them decode anything, and
    # bs4 costs more to import than a command such as `auditor history` takes to run.
    from bs4.dammit import EncodingDetector, UnicodeDammit

    declared = header_charset(content_type)
    _, bom = EncodingDetector.strip_byte_order_mark(body)
    meta = EncodingDetector.find_declared_encoding(body, is_html=True, search_entire_document=False)
    # With a declared charset, windows-1252 would "decode" anything: the header is trusted, with U+FFFD.
    fallbacks = ["utf-8"] if declared else ["utf-8", WEB_FALLBACK]
    known = [_codec(name) for name in (declared, bom, meta, *fallbacks) if name and _codec(name)]
    dammit = UnicodeDammit(body, known_definite_encodings=known, is_html=True)
    found = dammit.original_encoding
    if dammit.unicode_markup is None or (declared and (found is None or codecs.lookup(found).name not in known)):
        return dammit.detector.markup.decode(declared or "utf-8", errors="replace")
    return dammit.unicode_markup
