"""Name matching: the table of cases that decides every rule of `auditor.identify.names`.

Each row says why it matches or not; a rule changed in names.py shows here as a row that flips.
"""

from __future__ import annotations

import random
import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.identify.names import (
    NAME_DOMAIN_MIN_LENGTH,
    fold,
    mentions_name,
    name_in_domain,
    name_spec,
    name_tokens,
    tokens,
)

EMILIE = ("Émilie Tremblay",)
CARL = ("Carl-Frédéric de Celles",)
CARL_SPACED = ("Carl Frédéric de Celles",)  # configured without the hyphen: the same two given names
ANNE = ("Anne Tremblay",)
WITH_ALIAS = ("Émilie Tremblay", "Mimi Tremblay")

# (text, names, why)
MATCHES = [
    ("Émilie Tremblay — Architecte infonuagique", EMILIE, "the name, then a spaced dash"),
    ("Emilie Tremblay", EMILIE, "accents ignored"),
    ("EMILIE TREMBLAY", EMILIE, "case ignored"),
    ("émilie tremblay", EMILIE, "case ignored"),
    ("E\u0301milie Tremblay", EMILIE, "a decomposed accent"),
    ("Tremblay, Émilie — Annuaire", EMILIE, "word order, across one comma"),
    ("Profil de Tremblay Émilie", EMILIE, "word order"),
    ("etremblay (Émilie Tremblay) · GitHub", EMILIE, "inside parentheses"),
    ("Émilie-Tremblay consulting", EMILIE, "the whole name bound by a hyphen is still the whole name"),
    ("les conseils d'Émilie Tremblay aux PME", EMILIE, "an elision before the given name"),
    ("@emilie_tremblay", EMILIE, "an underscore binds like a hyphen: the handle is the whole name"),
    ("É. Tremblay, architecte", EMILIE, "the given name as an initial with its period"),
    ("E Tremblay", EMILIE, "a capital letter alone is an initial"),
    ("Tremblay, É.", EMILIE, "bibliographic order: surname, initial"),
    ("Carl-Frédéric de Celles", CARL, "the name itself"),
    ("Carl Frederic de Celles", CARL, "a hyphenated given name written with a space"),
    ("Carl-Frédéric de Celles", CARL_SPACED, "and the other way round"),
    ("Carl-Frédéric Celles", CARL, "the particle is optional"),
    ("DE CELLES, Carl-Frédéric", CARL, "surname first, particle kept"),
    ("Frédéric Carl de Celles", CARL, "word order inside the given names too"),
    ("C.-F. de Celles", CARL, "both given names as initials"),
    ("C. F. de Celles", CARL, "initials without the hyphen"),
    ("Carl-F. de Celles", CARL, "one given name in full, one as an initial"),
    ("A. Tremblay", ANNE, "a one-letter word followed by a period is an initial"),
    ("Mimi Tremblay à Montréal", WITH_ALIAS, "a configured alias"),
    ("Anne Le, notaire", ("Anne Le",), "a particle that ends the name is part of it"),
]


@pytest.mark.parametrize(("text", "names", "why"), MATCHES)
def test_matches(text: str, names: tuple[str, ...], why: str) -> None:
    assert mentions_name(text, names), why


NON_MATCHES = [
    ("Émilie Gagnon", EMILIE, "another surname"),
    ("Tremblay Construction inc.", EMILIE, "the surname alone"),
    ("Tremblay", EMILIE, "the surname alone"),
    ("Émilie", EMILIE, "the given name alone"),
    ("Émilien Tremblay", EMILIE, "another given name: no prefix matching"),
    ("Emily Tremblay", EMILIE, "another given name, however close"),
    ("Emilie Tremblays", EMILIE, "another word"),
    ("Émilie Tremblay-Roy", EMILIE, "a hyphen binds Roy to the surname: another (or a married) surname"),
    ("Marc Tremblay et Émilie Gagnon", EMILIE, "both words present, not together: two other people"),
    ("Gagnon Émilie | Tremblay Construction", EMILIE, "not across a separator other than a comma"),
    ("Émilie A. Tremblay", EMILIE, "an extra given name or initial may be another person: alias it if it is you"),
    ("Émilie T.", EMILIE, "a surname is never an initial"),
    ("e tremblay", EMILIE, "a lower-case letter alone is a word, not an initial"),
    ("À Tremblay, on déneige", ANNE, "a capital one-letter word (À, A, Y, O) is a word, not an initial"),
    ("", EMILIE, "nothing"),
    ("Carl de Celles", CARL, "half of a compound given name is another name (Jean is not Jean-François)"),
    ("Frédéric de Celles", CARL, "the other half"),
    ("C. de Celles", CARL, "one initial for two given names"),
    ("Carl-Frédéric Dion", CARL, "another surname"),
    ("Carl-Frédéric de", CARL, "a particle is no surname"),
    ("Anne", ("Anne Le",), "a last particle is needed"),
    ("Mimi Gagnon", WITH_ALIAS, "an alias's surname is needed too"),
    ("Émilie Tremblay", (), "no name configured"),
]


@pytest.mark.parametrize(("text", "names", "why"), NON_MATCHES)
def test_non_matches(text: str, names: tuple[str, ...], why: str) -> None:
    assert not mentions_name(text, names), why


# (registrable domain without suffix, names, is the name, why); NAME_DOMAIN_MIN_LENGTH is decided here.
NAME_DOMAINS = [
    ("emilietremblayrh", EMILIE, True, "begins with the name: a personal domain"),
    ("emilie-tremblay", EMILIE, True, "separators ignored"),
    ("tremblayemilie", EMILIE, True, "surname first"),
    ("émilietremblay", EMILIE, True, "an IDN label, accents folded"),
    ("carlfredericdecelles", CARL, True, "with the particle"),
    ("cellescarlfrederic", CARL, True, "surname without the particle, first"),
    ("etremblay", EMILIE, False, "an initial is too weak for a domain"),
    ("tremblay-nuage", EMILIE, False, "the surname alone"),
    ("lesamisdemilietremblay", EMILIE, False, "contains the name without beginning with it"),
    ("lina", ("Li Na",), False, f"fewer than {NAME_DOMAIN_MIN_LENGTH} letters: `lina.com` is not Li Na"),
    ("prince", ("Prince",), False, "a single-word name says nothing as a domain"),
]


@pytest.mark.parametrize(("label", "names", "expected", "why"), NAME_DOMAINS)
def test_name_in_domain(label: str, names: tuple[str, ...], expected: bool, why: str) -> None:
    assert name_in_domain(label, names) is expected, why


def test_name_spec_splits_given_names_surname_and_optional_particles() -> None:
    spec = name_spec("Carl-Frédéric de Celles")
    assert spec.given == ("carl", "frederic")
    assert spec.surname == ("celles",)
    assert spec.particles == {"de"}
    assert name_spec("Jean de la Fontaine").particles == {"de", "la"}
    assert name_spec("Anne Le").surname == ("le",)
    assert name_spec("Di Wang").given == ("di",)  # a given name is never an optional particle


def test_long_texts_and_odd_unicode_never_crash() -> None:
    page = ("Lorem ipsum dolor sit amet, " * 4000) + "Émilie Tremblay"
    assert mentions_name(page, EMILIE)
    assert not mentions_name("\u202eyalbmerT eilimÉ\u200b \x00\ufeff", EMILIE)
    assert mentions_name("Émilie\u00a0Tremblay", EMILIE)  # a no-break space is a space
    assert not mentions_name("東京 タワー", EMILIE)
    assert mentions_name("東京 太郎", ("太郎 東京",))


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
