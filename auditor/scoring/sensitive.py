"""Sensitive topics (politics, religion, sex) in a text, from the French and English lexicons of
`sensitive_topics.toml`. Pure: text in, hits out.

The advice behind the auditor is to keep these topics out of what a client finds under your name, so the
results you own are scanned and each hit becomes a recommendation *flagged for your review*: a hit says
"this word is there", never "this is wrong" (issue 6). The lexicons prefer a missed hit to a noisy one;
the matching rules are described at the top of the TOML file.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

TOPICS = ("politics", "religion", "sex")
EXCERPT_CONTEXT = 60
"""Characters kept on each side of a hit in its excerpt."""

# Letters that Unicode decomposition does not split into a base letter plus an accent.
_LIGATURES = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ß": "ss"})
_ALNUM = "a-z0-9"


@dataclass(frozen=True)
class Hit:
    """One topic found in a text."""

    topic: str
    """`politics`, `religion` or `sex`."""
    matched: str
    """The words as the text writes them (`Église`, `right-wing`)."""
    excerpt: str
    """The hit with some context, cut at spaces, with `…` where the text goes on."""


@dataclass(frozen=True)
class Lexicon:
    """One compiled pattern per topic, and the phrases that cancel a hit inside them."""

    terms: dict[str, re.Pattern[str]]
    ignore: dict[str, re.Pattern[str] | None]


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased without accents, and for each of its characters the index it came from in `text`.

    Folding can change the length ("œ" -> "oe", a decomposed "é" -> "e"), so a hit found in the folded
    text is mapped back through the positions to quote the original words.
    """
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        positions.extend([index] * len(folded))
    return "".join(out), positions


def _term_pattern(term: str) -> str:
    prefix = term.endswith("*")
    words = re.findall(f"[{_ALNUM}]+", fold_with_positions(term.rstrip("*"))[0])
    if not words:
        raise ValueError(f"empty sensitive term {term!r}")
    body = f"[^{_ALNUM}]+".join(re.escape(w) for w in words)
    return body + (f"[{_ALNUM}]*" if prefix else "")


def compile_terms(terms: list[str]) -> re.Pattern[str] | None:
    """One pattern matching any of `terms` as whole words; None for an empty list."""
    if not terms:
        return None
    # Longest first, so that a phrase wins over the single word it starts with.
    alternatives = sorted({_term_pattern(t) for t in terms}, key=len, reverse=True)
    return re.compile(f"(?<![{_ALNUM}])(?:{'|'.join(alternatives)})(?![{_ALNUM}])")


def build_lexicon(data: dict[str, dict[str, list[str]]]) -> Lexicon:
    """A lexicon from the TOML's shape: `{topic: {"en": [...], "fr": [...], "ignore": [...]}}`."""
    terms: dict[str, re.Pattern[str]] = {}
    ignore: dict[str, re.Pattern[str] | None] = {}
    for topic, lists in data.items():
        words = [term for key, values in lists.items() if key != "ignore" for term in values]
        pattern = compile_terms(words)
        if pattern is not None:
            terms[topic] = pattern
            ignore[topic] = compile_terms(lists.get("ignore", []))
    return Lexicon(terms, ignore)


@cache
def default_lexicon() -> Lexicon:
    """The lexicons shipped with the package, read once."""
    with resources.files("auditor.scoring").joinpath("sensitive_topics.toml").open("rb") as handle:
        return build_lexicon(tomllib.load(handle))


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - EXCERPT_CONTEXT)
    right = min(len(text), end + EXCERPT_CONTEXT)
    # Cut at a space so that no word is shown in half.
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    body = " ".join(text[left:right].split())
    if right < len(text):
        return ("…" if left > 0 else "") + body + "…"
    # The excerpt is quoted inside a sentence: its own final full stop would double the sentence's.
    return ("…" if left > 0 else "") + body.rstrip(".;:, ")


def find_sensitive(text: str, lexicon: Lexicon | None = None) -> tuple[Hit, ...]:
    """The first hit of each topic in `text`, in the order of `TOPICS`."""
    lexicon = lexicon or default_lexicon()
    folded, positions = fold_with_positions(text)
    hits = []
    for topic, pattern in lexicon.terms.items():
        ignored = lexicon.ignore.get(topic)
        spans = [m.span() for m in ignored.finditer(folded)] if ignored is not None else []
        for match in pattern.finditer(folded):
            if any(s <= match.start() and match.end() <= e for s, e in spans):
                continue
            start, end = positions[match.start()], positions[match.end() - 1] + 1
            hits.append(Hit(topic, text[start:end], _excerpt(text, start, end)))
            break
    order = {t: i for i, t in enumerate(TOPICS)}
    return tuple(sorted(hits, key=lambda h: order.get(h.topic, len(order))))
