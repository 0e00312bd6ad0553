"""`auditor demo`: six months of a fictional freelancer, a trend, what changed, one partial month."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import auditor, read_json


def test_demo_runs_six_months_and_leaves_an_explorable_history(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    run = auditor("demo", "--dir", str(target))
    assert run.code == 0, run.stderr

    latest = target / "reports" / "emilie-tremblay" / "latest.html"
    assert str(latest) in run.stdout
    assert f"auditor history -c {target / 'auditor.toml'}" in run.stdout

    history = auditor("history", "-c", str(target / "auditor.toml"), "--json")
    rows = json.loads(history.stdout)
    assert [r["as_of"] for r in rows] == [f"2026-{m:02d}-01" for m in range(6, 12)]
    statuses = [r["status"] for r in rows]
    assert "partial" in statuses, "the scenario's faulty month should leave a partial audit"
    assert statuses.count("complete") >= 4
    scores = [r["overall"] for r in rows]
    assert all(s is not None for s in scores)
    assert scores[-1] > scores[0] + 20, f"she fixes things and climbs: {scores}"

    html = latest.read_text(encoding="utf-8")
    assert html.count("<svg") >= 1, "the latest report has no trend chart"
    last = read_json(target / "reports" / "emilie-tremblay" / "2026-11-01.json")
    assert last["changes"]["has_previous"] is True

    # Run twice, the history does not double.
    assert auditor("demo", "--dir", str(target), "--quiet").code == 0
    rows_again = json.loads(auditor("history", "-c", str(target / "auditor.toml"), "--json").stdout)
    assert len(rows_again) == 6
