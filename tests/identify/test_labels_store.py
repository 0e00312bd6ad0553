"""The labels table (migration 004): decisions stored per person, replaced, removed, read from old databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.identify.labels import Decision, parse_decision
from auditor.store import MIGRATIONS, Store
from auditor.store.labels import list_labels, load_labels, remove_label, save_label

MALT = "https://malt.fr/profile/emilietremblay"


def test_the_labels_migration_is_recorded_in_order() -> None:
    names = [name for name, _ in MIGRATIONS]
    assert names.index("004_labels") == 3


def test_save_replace_list_and_remove(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        assert save_label(store, "Émilie Tremblay", MALT, Decision.ME) is None
        assert save_label(store, "Émilie Tremblay", MALT, Decision.NOT_ME) is Decision.ME
        save_label(store, "Carl-Frédéric de Celles", MALT, Decision.ME)  # another person, same page
        assert load_labels(store, "Émilie Tremblay") == {MALT: Decision.NOT_ME}
        assert load_labels(store, "Carl-Frédéric de Celles") == {MALT: Decision.ME}
        [label] = list_labels(store, "Émilie Tremblay")
        assert (label.normalized_url, label.person, label.decision) == (MALT, "Émilie Tremblay", Decision.NOT_ME)
        assert label.created_at.endswith("+00:00")
        assert remove_label(store, "Émilie Tremblay", MALT) is Decision.NOT_ME
        assert remove_label(store, "Émilie Tremblay", MALT) is None
        assert load_labels(store, "Émilie Tremblay") == {}


def test_the_table_refuses_a_decision_it_does_not_know(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store, pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "INSERT INTO labels VALUES ('Émilie Tremblay', ?, 'maybe', '2026-01-01T00:00:00+00:00')", (MALT,)
        )


def test_a_database_from_before_the_labels_reads_as_no_label(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store.open(path) as store:
        store.db.execute("DROP TABLE labels")
        store.db.execute("DELETE FROM _migrations WHERE name = '004_labels'")
    with Store.open(path, write=False) as old:
        assert load_labels(old, "Émilie Tremblay") == {}
    with Store.open(path) as migrated:  # opened for writing: migrated, labels usable
        save_label(migrated, "Émilie Tremblay", MALT, Decision.ME)
        assert load_labels(migrated, "Émilie Tremblay") == {MALT: Decision.ME}


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("me", Decision.ME),
        ("ME", Decision.ME),
        ("not-me", Decision.NOT_ME),
        ("not_me", Decision.NOT_ME),
        ("NotMe", Decision.NOT_ME),
    ],
)
def test_parse_decision(text: str, decision: Decision) -> None:
    assert parse_decision(text) is decision


def test_parse_decision_names_the_choices() -> None:
    with pytest.raises(ValueError, match="use `me` or `not-me`"):
        parse_decision("maybe")
