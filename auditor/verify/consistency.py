"""Consistency: do the profiles present the person the same way? Pure.

"Be authentic and consistent across profiles" (DESIGN.md): a client who finds `Émilie Tremblay` on GitHub
and `Mimi T.` on X may not know it is one person, and neither may a search engine. Display names are compared
with the configured name variants and with each other (accents, case and punctuation ignored, so
`EMILIE TREMBLAY` is `Émilie Tremblay`); headlines are compared by the words they share. Each difference is
listed with both values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from auditor.identify.names import mentions_name, name_tokens, tokens
from auditor.models import Inconsistency, ProfileCheck

MIN_WORD = 4
"""Shorter words (de, à, and, the, pour ...) say nothing about what someone does."""
STOP_WORDS = frozenset({"avec", "dans", "pour", "chez", "from", "with", "that", "this", "vous", "your", "mais"})


def carries_name(value: str, names: Iterable[str]) -> bool:
    """The display name carries one of the configured names (accents, case and word order ignored)."""
    return mentions_name(value, names)


def _name_key(value: str) -> tuple[str, ...]:
    return tuple(tokens(value))


def _words(headline: str, names: Sequence[str]) -> frozenset[str]:
    own = frozenset().union(*(name_tokens(n) for n in names)) if names else frozenset()
    return frozenset(w for w in tokens(headline) if len(w) >= MIN_WORD and w not in STOP_WORDS and w not in own)


def _names(profiles: Sequence[ProfileCheck], names: Sequence[str]) -> list[Inconsistency]:
    shown = [(p.network, p.display_name) for p in profiles if p.display_name]
    found = [
        Inconsistency("display_name", key, value, "config", names[0])
        for key, value in shown
        if names and not carries_name(value, names)
    ]
    carrying = [(key, value) for key, value in shown if not names or carries_name(value, names)]
    if len(carrying) < 2:
        return found
    counts = Counter(_name_key(value) for _, value in carrying)
    configured = _name_key(names[0]) if names else ()
    # The reference is the form most profiles use; on a tie, the configured name, then the first profile's.
    best = max(counts.values())
    tied = [key for key, count in counts.items() if count == best]
    first_tied = next(_name_key(v) for _, v in carrying if _name_key(v) in tied)
    reference_key = configured if configured in tied else first_tied
    ref_profile, ref_value = next((k, v) for k, v in carrying if _name_key(v) == reference_key)
    found.extend(
        Inconsistency("display_name", key, value, ref_profile, ref_value)
        for key, value in carrying
        if _name_key(value) != reference_key
    )
    return found


def _headlines(profiles: Sequence[ProfileCheck], names: Sequence[str]) -> list[Inconsistency]:
    shown = [(p.network, p.headline, _words(p.headline, names)) for p in profiles if p.headline]
    shown = [item for item in shown if item[2]]
    if len(shown) < 2:
        return []
    # The reference is the headline that shares the most words with the others: the common story.
    overlap = [sum(len(words & other) for _, _, other in shown) - len(words) for _, _, words in shown]
    ref_key, ref_value, ref_words = shown[overlap.index(max(overlap))]
    return [
        Inconsistency("headline", key, value, ref_key, ref_value)
        for key, value, words in shown
        if key != ref_key and not words & ref_words
    ]


def find_inconsistencies(profiles: Sequence[ProfileCheck], names: Sequence[str]) -> tuple[Inconsistency, ...]:
    """Every display name that is not one of `names` or differs from the others, and every headline that
    shares no word with the others' common one."""
    return (*_names(profiles, names), *_headlines(profiles, names))
