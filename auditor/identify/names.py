"""Name matching: does a text carry the person's name? Pure.

Every rule below is decided by a row of the table in tests/identify/test_names.py (MATCHES, NON_MATCHES);
change a rule and that table says what it costs.

- Accents, case and word order are ignored: "TREMBLAY, Emilie" is "Émilie Tremblay".
- The name's words stand together: a window of consecutive words of the text holds them and nothing else,
  so "Marc Tremblay et Émilie Gagnon" does not name Émilie Tremblay although both words are there.
- A hyphen (or an underscore) binds words, and a window never cuts a bound word: "Émilie Tremblay-Roy" has
  another surname, while "Carl Frédéric" and "Carl-Frédéric" are alike.
- Every given name is needed: "Carl de Celles" is not "Carl-Frédéric de Celles" (in French usage a compound
  given name is one name, and "Jean Tremblay" is another, very common, person than "Jean-François Tremblay";
  someone who goes by the short form lists it as an alias).
- A given name may be an initial when the name has a surname: "É. Tremblay", "E Tremblay", "C.-F. de Celles".
  An initial is a letter followed by a period, or a capital letter standing alone that is not a one-letter
  word (A, À, Y, O: "À Tremblay" is a place, not Anne Tremblay). A surname is never an initial.
- Particles inside the surname are optional ("Carl-Frédéric Celles"); a particle that ends the name is part
  of it ("Anne Le" needs its "Le").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Particles are optional when matching: "Carl-Frédéric de Celles" also matches "Carl-Frédéric Celles".
PARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "van", "von", "der", "den", "da", "di", "dos", "del"})
ONE_LETTER_WORDS = frozenset({"a", "y", "o"})
"""Folded one-letter words (à, a, y, o, ô): a capital one is a word, not an initial, unless a period follows."""
JOINERS = frozenset({"-", "_", "\u2010", "\u2011"})
"""What binds two words into one: hyphen-minus, underscore, the Unicode hyphens (not dashes, which separate)."""
CROSSABLE = frozenset({"", ",", "'", "\u2019"})
"""What may stand between two words of a name in a text, spaces aside: nothing, one comma ("Tremblay, Émilie"),
an elision ("d'Émilie Tremblay"). A period is crossed only after an initial ("É. Tremblay")."""
NAME_DOMAIN_MIN_LENGTH = 6
"""A domain is read as a name only when the name's letters are at least this many: "lina.com" is not
"Li Na" (test table NAME_DOMAINS)."""

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accents removed: `Émilie` -> `emilie`."""
    return _strip_accents(text).casefold()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded words; hyphens and apostrophes split words (`Carl-Frédéric` -> carl, frederic)."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class _Token:
    text: str
    """Folded."""
    initial: bool
    """A letter standing for a given name (see the module's rules)."""


@dataclass(frozen=True)
class _Word:
    tokens: tuple[_Token, ...]
    crossable: bool
    """Whether a name may run on from this word to the next one."""


def _words(text: str) -> list[_Word]:
    plain = _strip_accents(text)  # case kept: a capital letter alone may be an initial
    found = list(_WORD.finditer(plain))
    words: list[_Word] = []
    current: list[_Token] = []
    for index, match in enumerate(found):
        raw = match.group(0)
        end = found[index + 1].start() if index + 1 < len(found) else len(plain)
        separator = plain[match.end() : end]
        folded = raw.casefold()
        initial = len(folded) == 1 and (separator.startswith(".") or (raw.isupper() and folded not in ONE_LETTER_WORDS))
        current.append(_Token(folded, initial))
        if index + 1 < len(found) and _binds(separator):
            continue
        between = separator.strip()
        crossable = between in CROSSABLE or (initial and between in (".", ".,"))
        words.append(_Word(tuple(current), crossable))
        current = []
    return words


def _binds(separator: str) -> bool:
    """`Carl-Frédéric`, `C.-F.`, `emilie_tremblay`: one word. A spaced dash (`Tremblay - Architecte`) is not."""
    return separator.replace(".", "") in JOINERS and len(separator) <= 2


@dataclass(frozen=True)
class NameSpec:
    """What a text must hold to carry one name."""

    given: tuple[str, ...]
    """Tokens of the first word of the name: each needed, each may be an initial when there is a surname."""
    surname: tuple[str, ...]
    """Required tokens of the other words (never initials)."""
    particles: frozenset[str]
    """Optional tokens: particles inside the surname."""

    @property
    def required(self) -> int:
        return len(self.given) + len(self.surname)


@lru_cache(maxsize=256)
def name_spec(name: str) -> NameSpec:
    words = _words(name)
    if not words:
        return NameSpec((), (), frozenset())
    given = tuple(t.text for t in words[0].tokens)
    rest = [t.text for w in words[1:] for t in w.tokens]
    # A particle is optional only when a non-particle word follows it ("de Celles"); a last one is the name.
    last_real = max((i for i, t in enumerate(rest) if t not in PARTICLES), default=-1)
    optional = {t for i, t in enumerate(rest) if t in PARTICLES and i < last_real}
    surname = tuple(t for i, t in enumerate(rest) if not (t in PARTICLES and i < last_real))
    return NameSpec(given, surname, frozenset(optional))


def name_tokens(name: str) -> frozenset[str]:
    """The words that must all appear for a text to carry `name` (particles inside the surname are left out)."""
    spec = name_spec(name)
    return frozenset(spec.given + spec.surname)


def _window_matches(window: list[_Token], spec: NameSpec) -> bool:
    full = Counter(t.text for t in window if not t.initial and t.text not in spec.particles)
    initials = Counter(t.text for t in window if t.initial)
    for part in spec.surname:
        if full[part] > 0:
            full[part] -= 1
        elif len(part) == 1 and initials[part] > 0:
            initials[part] -= 1
        else:
            return False
    may_abbreviate = bool(spec.surname)
    for part in spec.given:
        if full[part] > 0:
            full[part] -= 1
        elif may_abbreviate and initials[part[0]] > 0:
            initials[part[0]] -= 1
        else:
            return False
    return not +full and not +initials


def _carries(words: list[_Word], spec: NameSpec) -> bool:
    if not spec.required:
        return False
    limit = spec.required + len(spec.particles)
    for start in range(len(words)):
        window: list[_Token] = []
        for end in range(start, len(words)):
            window.extend(words[end].tokens)
            if len(window) > limit:
                break
            if _window_matches(window, spec):
                return True
            if not words[end].crossable:
                break
    return False


def mentions_name(text: str, names: Iterable[str]) -> bool:
    """True when `text` carries one of `names` (the module's rules)."""
    specs = [name_spec(n) for n in names]
    if not text or not any(s.required for s in specs):
        return False
    words = _words(text)
    return any(_carries(words, spec) for spec in specs)


def name_in_domain(label: str, names: Iterable[str]) -> bool:
    """`label` (a registrable domain without its suffix: `emilietremblayrh`, `tremblay-emilie`) begins with one
    of `names` written out in full, given name first or last, with or without the surname's particles.

    A personal domain starts with the name; one merely containing it (`lesamisdemilie...`) is left alone.
    """
    letters = re.sub(r"[^0-9a-z]", "", fold(label))
    for name in names:
        spec = name_spec(name)
        if not spec.given or not spec.surname:
            continue  # a single word ("Prince") says nothing as a domain
        given = "".join(spec.given)
        words = [t.text for w in _words(name)[1:] for t in w.tokens]
        surnames = {"".join(words), "".join(t for t in words if t not in spec.particles)}
        for surname in surnames:
            for written in (given + surname, surname + given):
                if len(written) >= NAME_DOMAIN_MIN_LENGTH and letters.startswith(written):
                    return True
    return False


# Words that say nothing about who a page is about (French and English), left out of the words shown as
# what tells a namesake apart.
COMMON_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "with",
        "who",
        "www",
        "com",
        "http",
        "https",
        "page",
        "site",
        "profile",
        "profil",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "est",
        "et",
        "il",
        "la",
        "le",
        "les",
        "leur",
        "mais",
        "ou",
        "par",
        "pas",
        "pour",
        "qui",
        "que",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
    }
)


def words_near_name(text: str, names: Iterable[str], radius: int = 8) -> list[str]:
    """The words of `text` within `radius` words of the name (anchored on its surname), as written, the name's
    own words left out: what a page says of the person it names."""
    specs = [name_spec(n) for n in names]
    own = {t for s in specs for t in (*s.given, *s.surname, *s.particles)}
    anchors = {t for s in specs for t in (s.surname or s.given)}
    found = list(_WORD.finditer(text))
    folded = [fold(m.group(0)) for m in found]
    near: set[int] = set()
    for index, token in enumerate(folded):
        if token in anchors:
            near.update(range(max(0, index - radius), min(len(found), index + radius + 1)))
    return [found[i].group(0) for i in sorted(near) if folded[i] not in own]


def qualifier_near_name(text: str, names: Iterable[str], qualifiers: Iterable[str], radius: int = 8) -> str | None:
    """The first of `qualifiers` (every one of its words) written within `radius` words of the name, or None."""
    near = {fold(word) for word in words_near_name(text, names, radius)}
    for qualifier in qualifiers:
        wanted = tokens(qualifier)
        if wanted and all(word in near for word in wanted):
            return qualifier
    return None


def distinguishing_words(text: str, names: Iterable[str], limit: int = 6, radius: int = 8) -> list[str]:
    """Up to `limit` words near the name that tell who the page is about (a place, a sport, a year), common
    words, short words and numbers other than years left out, each once."""
    chosen: list[str] = []
    seen: set[str] = set()
    for word in words_near_name(text, names, radius):
        key = fold(word)
        # A number says who only as a year (1892); a short word rarely does.
        if key in seen or key in COMMON_WORDS or len(key) < 3 or (key.isdigit() and len(key) != 4):
            continue
        seen.add(key)
        chosen.append(word)
        if len(chosen) == limit:
            break
    return chosen
