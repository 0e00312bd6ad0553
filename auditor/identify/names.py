"""Name matching: does a text carry the person's name? Accents, case, hyphens and word order ignored."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Particles are optional when matching: "Carl-Frédéric de Celles" also matches "Carl-Frédéric Celles".
PARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "van", "von", "der", "den", "da", "di", "dos", "del"})

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accents removed: `Émilie` -> `emilie`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    """Folded words; hyphens and apostrophes split words (`Carl-Frédéric` -> carl, frederic)."""
    return _WORD.findall(fold(text))


def name_tokens(name: str) -> frozenset[str]:
    """The words that must all appear for a text to carry `name` (particles are left out)."""
    words = [w for w in tokens(name) if w not in PARTICLES]
    return frozenset(words or tokens(name))


def mentions_name(text: str, names: Iterable[str]) -> bool:
    """True when every significant word of one of `names` appears in `text`, in any order."""
    words = set(tokens(text))
    return any(required and required <= words for required in map(name_tokens, names))
