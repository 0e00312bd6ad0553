"""Name matching: accents, case, word order, hyphens and particles ignored; other people's names not matched."""

from __future__ import annotations

import random
import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.identify.names import fold, mentions_name, name_tokens, tokens

EMILIE = ("Émilie Tremblay",)
CARL = ("Carl-Frédéric de Celles",)

MATCHES = [
    ("Émilie Tremblay — Architecte infonuagique", EMILIE),
    ("Emilie Tremblay", EMILIE),
    ("EMILIE TREMBLAY", EMILIE),
    ("émilie tremblay", EMILIE),
    ("Tremblay, Émilie — Annuaire", EMILIE),
    ("Profil de Tremblay Émilie", EMILIE),
    ("etremblay (Émilie Tremblay) · GitHub", EMILIE),
    ("Émilie-Tremblay consulting", EMILIE),
    ("E\u0301milie Tremblay", EMILIE),  # decomposed accent
    ("Carl-Frédéric de Celles", CARL),
    ("Carl Frederic de Celles", CARL),
    ("Carl-Frédéric Celles", CARL),  # the particle is optional
    ("DE CELLES, Carl-Frédéric", CARL),
    ("Frédéric Carl de Celles", CARL),  # word order
    ("Mimi Tremblay à Montréal", ("Émilie Tremblay", "Mimi Tremblay")),  # an alias
]


@pytest.mark.parametrize(("text", "names"), MATCHES)
def test_matches(text: str, names: tuple[str, ...]) -> None:
    assert mentions_name(text, names)


NON_MATCHES = [
    ("Émilie Gagnon", EMILIE),
    ("Tremblay Construction inc.", EMILIE),
    ("Émilien Tremblay", EMILIE),  # another given name, not a prefix match
    ("Emilie Tremblays", EMILIE),
    ("", EMILIE),
    ("Carl de Celles", CARL),  # half of a hyphenated given name is not the name
    ("Frédéric de Celles", CARL),
    ("Carl-Frédéric Dion", CARL),
    ("Mimi Gagnon", ("Émilie Tremblay", "Mimi Tremblay")),
    ("Émilie Tremblay", ()),
]


@pytest.mark.parametrize(("text", "names"), NON_MATCHES)
def test_non_matches(text: str, names: tuple[str, ...]) -> None:
    assert not mentions_name(text, names)


def test_fold_and_tokens() -> None:
    assert fold("Émilie") == "emilie"
    assert fold("STRAßE") == "strasse"
    assert tokens("Carl-Frédéric d'Amour") == ["carl", "frederic", "d", "amour"]
    assert name_tokens("Carl-Frédéric de Celles") == {"carl", "frederic", "celles"}
    assert name_tokens("De La") == {"de", "la"}  # a name made only of particles keeps them


def test_empty_name_never_matches() -> None:
    assert not mentions_name("anything at all", ("",))
    assert not mentions_name("anything at all", ("  - ",))


_WORD = st.text(alphabet=string.ascii_letters + "éèêàçëïôûÉÈÇ", min_size=2, max_size=10).filter(
    lambda w: fold(w) not in {"de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di", "dos", "del"}
)


@given(st.lists(_WORD, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_a_name_matches_itself_shuffled_and_reaccented(words: list[str], rnd: random.Random) -> None:
    name = " ".join(words)
    shuffled = list(words)
    rnd.shuffle(shuffled)
    stripped = "".join(c for c in unicodedata.normalize("NFD", " ".join(shuffled)) if not unicodedata.combining(c))
    assert mentions_name(f"About {stripped.upper()} here", (name,))


@given(st.lists(_WORD, min_size=2, max_size=4), st.integers(min_value=0, max_value=3))
def test_a_name_missing_one_word_does_not_match(words: list[str], drop: int) -> None:
    drop %= len(words)
    kept = [w for i, w in enumerate(words) if i != drop]
    if fold(words[drop]) in {fold(w) for w in kept}:
        return  # the dropped word is still there under another spelling
    assert not mentions_name(" ".join(kept), (" ".join(words),))
