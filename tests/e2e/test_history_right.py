"""The history behind the reports is right: no audit from the future, one report file per audit even on the
same day, latest and previous by date then id, reports rewritten by `rescore`, and a config that sees only its
own person in a database shared by two people."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

from auditor.models import Audit
from auditor.sandbox import Sandbox
from auditor.store import Store
from tests.e2e.conftest import MINIMAL_CONFIG, SLUG, auditor
from tests.report.factories import make_history


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_an_as_of_after_today_is_refused_with_one_line_and_nothing_written(config_file: Path) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    # The sandbox address is never reached: the date is refused before anything is opened or sent.
    run = auditor("audit", "-q", "-c", str(config_file), "--sandbox", "http://127.0.0.1:9", "--as-of", tomorrow)
    assert run.code == 2, run.stderr
    lines = _errors(run.stderr)
    assert len(lines) == 1 and "--as-of" in lines[0] and tomorrow in lines[0] and "future" in lines[0], lines
    assert sorted(p.name for p in config_file.parent.iterdir()) == ["auditor.toml"], "nothing written"


def test_a_past_as_of_still_backfills(config_file: Path, sandbox: Sandbox) -> None:
    run = auditor("audit", "-q", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", "2025-12-01")
    assert run.code == 0, run.stderr
    assert (config_file.parent / "reports" / SLUG / "2025-12-01.html").is_file()


def test_two_audits_of_one_day_each_keep_their_own_report(config_file: Path, sandbox: Sandbox) -> None:
    for _ in range(2):
        run = auditor("audit", "-q", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", "2026-01-01")
        assert run.code == 0, run.stderr
    reports = config_file.parent / "reports" / SLUG
    assert sorted(p.name for p in reports.glob("2026-*")) == [
        "2026-01-01-2.html",
        "2026-01-01-2.json",
        "2026-01-01.html",
        "2026-01-01.json",
    ]
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="2026-01-01.html"' in index and 'href="2026-01-01-2.html"' in index
    assert (reports / "latest.html").read_bytes() == (reports / "2026-01-01-2.html").read_bytes()
    # A backfilled audit (id 3, an earlier date) is neither latest nor previous of the same-day pair.
    run = auditor("audit", "-q", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", "2025-11-01")
    assert run.code == 0, run.stderr
    data = json.loads(auditor("compare", "previous", "latest", "--json", "-c", str(config_file)).stdout)
    assert (data["from"]["id"], data["to"]["id"]) == (1, 2)
    rendered = config_file.parent / "two.html"
    assert auditor("report", "2", "-o", str(rendered), "-c", str(config_file)).code == 0
    assert (reports / "latest.html").read_bytes() == rendered.read_bytes()
    second = json.loads((reports / "2026-01-01-2.json").read_text(encoding="utf-8"))
    assert second["changes"]["previous_as_of"] == "2026-01-01", "the second of the day compares with the first"


def _store_audits(database: Path, audits: list[Audit]) -> list[int]:
    ids = []
    with Store.open(database) as store:
        for audit in audits:
            audit_id = store.begin_audit(audit.person, audit.as_of)
            store.finish_audit(audit_id, audit)
            ids.append(audit_id)
    return ids


def test_a_shared_database_shows_each_config_only_its_person(tmp_path: Path) -> None:
    mine = tmp_path / "auditor.toml"
    shutil.copyfile(MINIMAL_CONFIG, mine)
    theirs = make_history()  # Émilie Tremblay's three audits, in the same database
    own = [replace(a, person="Carl-Frédéric de Celles") for a in make_history()[:2]]
    their_ids = _store_audits(tmp_path / "auditor.db", theirs)
    own_ids = _store_audits(tmp_path / "auditor.db", own)

    listed = json.loads(auditor("history", "--json", "-c", str(mine)).stdout)
    assert [r["id"] for r in listed] == own_ids
    assert "Émilie" not in auditor("history", "-c", str(mine)).stdout

    refused = auditor("report", str(their_ids[-1]), "-c", str(mine))
    assert refused.code == 2
    lines = _errors(refused.stderr)
    assert len(lines) == 1 and f"audit {their_ids[-1]} is of Émilie Tremblay" in lines[0], lines
    assert not (tmp_path / "reports").exists(), "nothing written"
    missing = auditor("report", "999", "-c", str(mine))
    assert missing.code == 2 and len(_errors(missing.stderr)) == 1 and "999" in missing.stderr

    compared = auditor("compare", str(own_ids[0]), str(their_ids[0]), "-c", str(mine))
    assert compared.code == 2 and "Émilie Tremblay" in compared.stderr
    exported = auditor("export", "--format", "json", "-c", str(mine))
    assert {row["person"] for row in json.loads(exported.stdout)} == {"Carl-Frédéric de Celles"}

    written = auditor("report", "all", "-c", str(mine))
    assert written.code == 0, written.stderr
    reports = tmp_path / "reports"
    assert sorted(p.name for p in (reports / SLUG).iterdir()) == [
        "2026-03-01.html",
        "2026-03-01.json",
        "2026-04-01.html",
        "2026-04-01.json",
        "index.html",
        "latest.html",
    ]
    assert [p.name for p in reports.iterdir()] == [SLUG]
