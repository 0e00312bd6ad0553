"""Sensitive topics: French and English lexicons, whole words, accents ignored, the known false friends kept out."""

from __future__ import annotations

import pytest

from auditor.scoring.sensitive import TOPICS, build_lexicon, default_lexicon, find_sensitive, fold_with_positions


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        # Hits, in English and French, whatever the case and the accents.
        ("Speaker at the Liberal Party convention", ["politics"]),
        ("Candidate in the 2026 election", ["politics"]),
        ("Notes on right-wing populism", ["politics"]),
        ("Chronique sur la politique municipale", ["politics"]),
        ("Bénévole pour le Parti Québécois", ["politics"]),
        ("ÉLECTIONS PROVINCIALES 2026", ["politics"]),
        ("Ancienne députée de Laurier", ["politics"]),
        ("Choir member at St. Mary's church", ["religion"]),
        ("Conférence à l'Église Saint-Jean", ["religion"]),
        ("Groupe de prière du mardi", ["religion"]),
        ("Sunday prayers and Bible study", ["religion"]),
        ("Sexy cloud architect", ["sex"]),
        ("Campagne de prévention des violences sexuelles", ["sex"]),
        ("Contenu pour adultes", ["sex"]),
        ("Érotisme et littérature", ["sex"]),
        ("Votez pour moi, et que Dieu vous garde; contenu NSFW", ["politics", "religion", "sex"]),
        # False friends: whole words only, and phrases that only look like a topic.
        ("Freelance architect based in Essex and Sussex", []),
        ("The sexton of the old parish", []),
        ("Unisex fashion and sextant repair", []),
        ("Il est parti en vacances; une partie de plaisir", []),
        ("Politique de confidentialité et politique des cookies", []),
        ("We respect your privacy policy", []),
        ("Office politics are not my thing", []),
        ("L'égalité des sexes en TI", []),
        ("Winston Churchill, Christchurch, Christine", []),
        ("Godaddy hosting and godparents", []),
        ("Jean Chrétien, ancien premier ministre", ["politics"]),  # politics, not religion
        ("Bonne foi, film culte, manifestation culturelle", []),
        ("Hôtel à Pornic", []),
        ("Ministère de la Santé", []),
        ("Cloud architecture, FinOps, Kubernetes", []),
        ("", []),
    ],
)
def test_topics_found(text: str, topics: list[str]) -> None:
    assert [hit.topic for hit in find_sensitive(text)] == topics


def test_a_hit_quotes_the_words_as_written_with_context() -> None:
    text = "Émilie Tremblay écrit sur l'infonuagique. " * 3 + "Elle parle aussi d'ÉGLISES anciennes. " + "Fin " * 40
    (hit,) = find_sensitive(text)
    assert hit.topic == "religion"
    assert hit.matched == "ÉGLISES"
    assert "ÉGLISES anciennes" in hit.excerpt
    assert hit.excerpt.startswith("…") and hit.excerpt.endswith("…")
    assert len(hit.excerpt) < 160
    assert not hit.excerpt.startswith("… ")  # cut at a space, never in the middle of a word


def test_an_excerpt_that_ends_the_text_drops_its_full_stop() -> None:
    (hit,) = find_sensitive("Je parle de politique.")
    assert hit.excerpt == "Je parle de politique"


def test_folding_maps_back_to_the_original_text() -> None:
    folded, positions = fold_with_positions("Œuvre É\u0301")  # a ligature and a decomposed accent
    assert folded.startswith("oeuvre e")
    assert len(positions) == len(folded)
    assert positions[0] == positions[1] == 0  # "oe" both come from "Œ"


def test_one_hit_per_topic_and_a_hit_inside_an_ignored_phrase_does_not_hide_the_next() -> None:
    hits = find_sensitive("Politique de confidentialité. Billet sur la politique fédérale et la politique locale.")
    assert [(h.topic, h.matched) for h in hits] == [("politics", "politique")]
    assert "fédérale" in hits[0].excerpt


def test_a_custom_lexicon_and_prefix_terms() -> None:
    lexicon = build_lexicon({"politics": {"en": ["vot*", "left wing"], "ignore": ["vote of thanks"]}})
    assert [h.matched for h in find_sensitive("Voters love the left—wing", lexicon)] == ["Voters"]
    assert find_sensitive("A vote of thanks", lexicon) == ()
    assert [h.matched for h in find_sensitive("left—wing", lexicon)] == ["left—wing"]
    with pytest.raises(ValueError, match="empty sensitive term"):
        build_lexicon({"sex": {"en": ["*"]}})


def test_the_shipped_lexicons_cover_every_topic() -> None:
    assert set(default_lexicon().terms) == set(TOPICS)
