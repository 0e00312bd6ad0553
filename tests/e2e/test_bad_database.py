"""A database the tool cannot use gets one clear line and exit 2, and is never written to."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from auditor.sandbox import Sandbox
from auditor.store import Store
from tests.e2e.conftest import AS_OF, auditor
from tests.test_serialize import sample_audit


def one_error(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr
    return errors[0]


def stored_history(database: Path, person: str | None = None) -> None:
    """One finished audit, of `sample_audit`'s person unless `person` is given."""
    audit = sample_audit() if person is None else replace(sample_audit(), person=person)
    with Store.open(database) as store:
        audit_id = store.begin_audit(audit.person, dt.date(2026, 3, 1))
        store.finish_audit(audit_id, audit)


def newer(database: Path) -> None:
    stored_history(database)
    db = sqlite3.connect(database)
    db.execute("INSERT INTO _migrations VALUES ('999_from_the_future', '2030-01-01T00:00:00+00:00')")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            lambda path: path.write_text("id,name\n1,not a database\n", encoding="utf-8"),
            "not a usable auditor database",
        ),
        (newer, "written by a newer version of auditor"),
    ],
    ids=["corrupt", "newer"],
)
def test_an_unusable_database_is_refused_and_left_as_it_is(
    config_file: Path, sandbox: Sandbox, make: object, expected: str
) -> None:
    database = config_file.parent / "auditor.db"
    make(database)  # type: ignore[operator]
    before = database.read_bytes()
    sent = len(sandbox.requests)

    for command in (["audit", "--sandbox", sandbox.url, "--as-of", AS_OF], ["history"], ["export"]):
        run = auditor(*command, "-c", str(config_file))
        assert run.code == 2, (command, run.stderr)
        line = one_error(run.stderr)
        assert str(database) in line and expected in line
        if expected.startswith("not a usable"):
            assert "backup" in line
    assert database.read_bytes() == before
    assert len(sandbox.requests) == sent, "requests were sent although nothing could be stored"


def test_a_read_only_database_can_be_read_but_not_audited_into(config_file: Path, sandbox: Sandbox) -> None:
    database = config_file.parent / "auditor.db"
    stored_history(database, person="Carl-Frédéric de Celles")  # the config's person: `history` lists only theirs
    database.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = database.read_bytes()
    sent = len(sandbox.requests)
    try:
        run = auditor("audit", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", AS_OF)
        assert run.code == 2
        line = one_error(run.stderr)
        assert str(database) in line and "read-only" in line
        assert len(sandbox.requests) == sent
        history = auditor("history", "--json", "-c", str(config_file))
        assert history.code == 0, history.stderr
        assert [r["as_of"] for r in json.loads(history.stdout)] == ["2026-03-01"]
        rescore = auditor("rescore", "-c", str(config_file))
        assert rescore.code == 2 and "read-only" in one_error(rescore.stderr)
    finally:
        database.chmod(0o644)
    assert database.read_bytes() == before


def test_unknown_ids_and_nothing_to_resume_are_one_line(config_file: Path, sandbox: Sandbox) -> None:
    stored_history(config_file.parent / "auditor.db")
    for command, expected in (
        (["report", "42"], "no audit with id 42"),
        (["report", "latest"], "no finished audit of Carl-Frédéric de Celles"),
        (["compare", "1", "soon"], "'soon' is not an audit id"),
        (["compare", "1", "42"], "no audit with id 42"),
        (["rescore", "42"], "no audit with id 42"),
        (["audit", "--resume", "--sandbox", sandbox.url], "no interrupted audit of Carl-Frédéric de Celles"),
        (["audit", "--resume", "--as-of", AS_OF], "--resume finishes the interrupted audit"),
    ):
        run = auditor(*command, "-c", str(config_file))
        assert run.code == 2, (command, run.stderr)
        assert expected in one_error(run.stderr), command


def test_reading_commands_never_create_a_database(config_file: Path) -> None:
    for command in ("history", "export"):
        run = auditor(command, "-c", str(config_file))
        assert run.code == 2 and "no audit history here yet" in one_error(run.stderr)
    assert not (config_file.parent / "auditor.db").exists()
