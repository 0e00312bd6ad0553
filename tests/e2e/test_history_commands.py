"""`history`, `compare`, `export` and `rescore` on audits backfilled out of order (`--as-of`), run for real."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from auditor.sandbox import MINIMAL_SCENARIO, Sandbox, load_scenario
from tests.e2e.conftest import MINIMAL_CONFIG, auditor

TRICKY_URL = "https://blog.example.org/cfdc"
TRICKY_TITLE = 'Carl-Frédéric de Celles, "Le Pythoniste" [/notes] [bold]été[/bold]'
TRICKY_SNIPPET = "Une ligne,\nune autre ; des « guillemets » et des 'apostrophes'."
SECOND_MONTH = """
[[months]]
as_of = 2026-02-01

[months.rankings.duckduckgo_html]
"Carl-Frédéric de Celles" = ["site", "mastodon", "tricky", "github", "annuaire", "notaire", "wiki", "pypi", "site_about", "genealogie", "club", "meetup"]

[months.rankings.searxng]
"Carl-Frédéric de Celles" = ["site", "tricky", "mastodon", "annuaire", "github", "notaire", "wiki", "site_about", "pypi", "club", "genealogie", "meetup"]
"""  # noqa: E501


@pytest.fixture(scope="module")
def history_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Three audits stored out of date order: March first (the second month), then January, then February."""
    directory = tmp_path_factory.mktemp("history")
    text = MINIMAL_SCENARIO.read_text(encoding="utf-8").replace(
        "\n[[months]]",
        f"tricky = {{ url = {json.dumps(TRICKY_URL)}, title = {json.dumps(TRICKY_TITLE, ensure_ascii=False)}, "
        f"snippet = {json.dumps(TRICKY_SNIPPET, ensure_ascii=False)} }}\n\n[[months]]",
        1,
    )
    scenario = directory / "two-months.toml"
    scenario.write_text(text + SECOND_MONTH, encoding="utf-8")
    shutil.copyfile(MINIMAL_CONFIG, directory / "minimal.auditor.toml")
    config = directory / "auditor.toml"
    shutil.copyfile(MINIMAL_CONFIG, config)
    with Sandbox(load_scenario(scenario)) as sandbox:
        for month, as_of in ((1, "2026-03-01"), (0, "2026-01-01"), (0, "2026-02-01")):
            sandbox.set_month(month)
            run = auditor("audit", "-q", "-c", str(config), "--sandbox", sandbox.url, "--as-of", as_of)
            assert run.code == 0, run.stderr
    yield config


def test_history_sorts_backfilled_audits_by_their_date(history_dir: Path) -> None:
    run = auditor("history", "--json", "-c", str(history_dir))
    assert run.code == 0, run.stderr
    rows = json.loads(run.stdout)
    assert [(r["id"], r["as_of"], r["status"]) for r in rows] == [
        (2, "2026-01-01", "complete"),
        (3, "2026-02-01", "complete"),
        (1, "2026-03-01", "complete"),
    ]
    assert all(r["engines"] == ["duckduckgo_html", "searxng"] for r in rows)
    table = auditor("history", "-c", str(history_dir))
    assert table.code == 0 and "2026-03-01" in table.stdout


def test_compare_reports_what_entered_moved_and_changed(history_dir: Path) -> None:
    run = auditor("compare", "previous", "latest", "--json", "-c", str(history_dir))
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["from"]["id"], data["to"]["id"]) == (3, 1)  # by date, not by the order they were stored
    entered = {(m["engine"], m["url"]) for m in data["entered_top10"]}
    assert ("duckduckgo_html", TRICKY_URL) in entered and ("searxng", TRICKY_URL) in entered
    moved = {(m["engine"], m["url"]): (m["previous_position"], m["current_position"]) for m in data["moved"]}
    assert moved[("duckduckgo_html", "https://mastodon.social/@cfdecelles")] == (4, 2)
    assert moved[("duckduckgo_html", "https://github.com/cfdecelles")] == (2, 4)
    assert set(data["scores"]) >= {"overall", "visibility", "linkback", "site", "consistency"}
    assert data["scores"]["visibility"]["delta"] is not None

    same = json.loads(auditor("compare", "2", "3", "--json", "-c", str(history_dir)).stdout)
    assert same["entered_top10"] == [] and same["moved"] == [] and same["scores"]["overall"]["delta"] == 0

    human = auditor("compare", "3", "1", "-c", str(history_dir))
    assert human.code == 0, human.stderr
    assert "audit 3 (2026-02-01, complete) -> audit 1 (2026-03-01, complete)" in human.stdout.lower()
    assert "Entered the top 10" in human.stdout and "[/notes]" in human.stdout  # a title, not rich markup


@pytest.mark.parametrize(("args", "expected"), [(("1", "999"), "no audit with id 999"), (("1", "soon"), "'soon'")])
def test_compare_with_an_unknown_audit_is_one_line_and_exit_2(
    history_dir: Path, args: tuple[str, str], expected: str
) -> None:
    run = auditor("compare", *args, "-c", str(history_dir))
    assert run.code == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and expected in errors[0], run.stderr
    assert "Traceback" not in run.stderr


def test_export_csv_and_json_load_in_pandas_as_they_are(history_dir: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "results.csv"
    run = auditor("export", "--format", "csv", "-o", str(csv_path), "-c", str(history_dir))
    assert run.code == 0, run.stderr
    table = pd.read_csv(csv_path)
    as_json = auditor("export", "--format", "json", "-c", str(history_dir))
    assert as_json.code == 0, as_json.stderr
    records = pd.read_json(io.StringIO(as_json.stdout))

    columns = [
        "audit_id",
        "person",
        "as_of",
        "status",
        "engine",
        "query",
        "position",
        "url",
        "title",
        "snippet",
        "network",
        "ownership",
        "label",
        "profile",
        "score_overall",
        "score_visibility",
        "score_linkback",
        "score_site",
        "score_consistency",
        "score_namesake_pressure",
        "score_consolidation",
    ]
    assert list(table.columns) == columns and list(records.columns) == columns
    assert len(table) == len(records) == 3 * 24  # 12 results a month from each of two engines
    assert table["as_of"].tolist() == sorted(table["as_of"].tolist())
    assert table["audit_id"].drop_duplicates().tolist() == [2, 3, 1]
    assert table["position"].dtype.kind == "i"
    tricky = table[table["url"] == TRICKY_URL]
    assert set(tricky["audit_id"]) == {1}
    searx = tricky[tricky["engine"] == "searxng"].iloc[0]
    assert searx["title"] == TRICKY_TITLE
    assert searx["snippet"] == TRICKY_SNIPPET  # the newline, quotes and accents come back whole
    assert table["title"].tolist() == records["title"].tolist()
    site = table[(table["ownership"] == "site") & (table["position"] == 1)]
    assert len(site) == 6 and site["network"].isna().all()

    stdout = auditor("export", "-c", str(history_dir))
    assert stdout.code == 0 and stdout.stdout == csv_path.read_text(encoding="utf-8")
    bad = auditor("export", "--format", "xlsx", "-c", str(history_dir))
    assert bad.code == 2 and "--format" in bad.stderr


def test_rescore_prints_old_and_new_scores_oldest_first(history_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "auditor.toml"
    shutil.copyfile(history_dir, copy)
    shutil.copyfile(history_dir.with_name("auditor.db"), tmp_path / "auditor.db")
    before = {r["id"]: r["overall"] for r in json.loads(auditor("history", "--json", "-c", str(copy)).stdout)}

    run = auditor("rescore", "all", "-c", str(copy))
    assert run.code == 0, run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("audit ")]
    assert [line.split(" (")[0] for line in lines] == ["audit 2", "audit 3", "audit 1"]
    assert all(
        f"overall {before[int(line.split()[1])]:.1f} -> {before[int(line.split()[1])]:.1f}" in line for line in lines
    ), lines

    # Scored on visibility alone, from the same stored responses: the overall becomes the visibility score.
    text = copy.read_text(encoding="utf-8") + "\n[scoring]\nweights = { visibility = 1.0 }\n"
    copy.write_text(text, encoding="utf-8")
    one = auditor("rescore", "1", "-c", str(copy))
    assert one.code == 0, one.stderr
    reports = history_dir.parent / "reports" / "carl-frederic-de-celles"
    report = json.loads((reports / "2026-03-01.json").read_text(encoding="utf-8"))
    visibility = report["scores"]["visibility"]
    assert f"audit 1 (2026-03-01): overall {before[1]:.1f} -> {visibility:.1f}, complete" in one.stdout
    after = {r["id"]: r for r in json.loads(auditor("history", "--json", "-c", str(copy)).stdout)}
    assert after[1]["overall"] == pytest.approx(visibility)
    assert after[1]["rescored_at"] is not None and after[2]["overall"] == before[2]


def test_rescore_rewrites_the_reports_and_index_of_the_audits_it_changed(history_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "auditor.toml"
    shutil.copyfile(history_dir, copy)
    shutil.copyfile(history_dir.with_name("auditor.db"), tmp_path / "auditor.db")
    reports = tmp_path / "reports" / "carl-frederic-de-celles"
    assert auditor("report", "all", "-c", str(copy)).code == 0
    before = {p.name: p.read_bytes() for p in reports.iterdir()}

    unchanged = auditor("rescore", "all", "-c", str(copy))
    assert unchanged.code == 0 and "the reports stay as they are" in unchanged.stdout
    assert {p.name: p.read_bytes() for p in reports.iterdir()} == before

    copy.write_text(copy.read_text(encoding="utf-8") + "\n[scoring]\nweights = { visibility = 1.0 }\n", "utf-8")
    run = auditor("rescore", "3", "-c", str(copy))  # 2026-02-01: its report and the later one (2026-03-01)
    assert run.code == 0, run.stderr
    assert "Rewrote 2 report(s)" in run.stdout
    after = {p.name: p.read_bytes() for p in reports.iterdir()}
    assert after["2026-01-01.html"] == before["2026-01-01.html"]
    assert after["2026-02-01.html"] != before["2026-02-01.html"]
    assert after["2026-03-01.html"] != before["2026-03-01.html"], "its trend shows the rescored month"
    rescored = json.loads((reports / "2026-02-01.json").read_text(encoding="utf-8"))
    history = {r["id"]: r for r in json.loads(auditor("history", "--json", "-c", str(copy)).stdout)}
    assert rescored["scores"]["overall"] == pytest.approx(history[3]["overall"])
    assert rescored["scores"]["overall"] == pytest.approx(rescored["scores"]["visibility"])
    index = (reports / "index.html").read_text(encoding="utf-8")
    shown = f"{history[3]['overall']:.1f}".replace(".", ",")  # the config's report.lang is French
    assert shown in index


def test_summary_compares_with_the_audit_before_by_date_and_the_best_ever(history_dir: Path) -> None:
    run = auditor("summary", "--json", "-c", str(history_dir))
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    history = {r["id"]: r for r in json.loads(auditor("history", "--json", "-c", str(history_dir)).stdout)}
    assert (data["audit_id"], data["as_of"], data["status"]) == (1, "2026-03-01", "complete")
    assert data["previous"] == {"as_of": "2026-02-01", "overall": history[3]["overall"]}
    assert data["change"] == pytest.approx(history[1]["overall"] - history[3]["overall"])
    best = max(history.values(), key=lambda r: (r["overall"], -int(r["as_of"].replace("-", ""))))
    assert data["best"] == {"as_of": best["as_of"], "overall": best["overall"]}
    assert data["report"].endswith("2026-03-01.html") and Path(data["report"]).is_file()
    assert len(data["actions"]) <= 3 and all("gain" in a for a in data["actions"])

    line = auditor("summary", "2", "-q", "-c", str(history_dir))
    assert line.code == 0 and line.stdout.count("\n") == 1
    # In the report's language: the config's (French), or --lang's.
    assert line.stdout.startswith("Carl-Frédéric de Celles, audit du 1er janvier 2026 : complet; score global ")
    english = auditor("summary", "2", "-q", "--lang", "en", "-c", str(history_dir))
    assert english.stdout.startswith("Carl-Frédéric de Celles, audit of January 1, 2026: complete; overall ")

    text = auditor("summary", "previous", "-c", str(history_dir))
    assert text.code == 0 and "Variation : " in text.stdout and "depuis le 1er janvier 2026" in text.stdout
    assert json.loads(auditor("summary", "--json", "-c", str(history_dir)).stdout)["lang"] == "fr"

    missing = auditor("summary", "999", "-c", str(history_dir))
    assert missing.code == 2 and "no audit with id 999" in missing.stderr


def test_trends_one_row_per_audit_in_csv_and_json(history_dir: Path) -> None:
    run = auditor("trends", "--csv", "-c", str(history_dir))
    assert run.code == 0, run.stderr
    table = pd.read_csv(io.StringIO(run.stdout))
    history = json.loads(auditor("history", "--json", "-c", str(history_dir)).stdout)
    assert table["as_of"].tolist() == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert table["audit_id"].tolist() == [2, 3, 1]
    assert table["overall"].tolist() == pytest.approx([r["overall"] for r in history])
    assert table["overall_change"].iloc[1:].tolist() == pytest.approx(table["overall"].diff().iloc[1:].tolist())
    assert table["overall_best"].tolist() == pytest.approx(table["overall"].cummax().tolist())
    assert {"position_github", "position_mastodon"} <= set(table.columns)

    as_json = json.loads(auditor("trends", "--json", "-c", str(history_dir)).stdout)
    assert [r["audit_id"] for r in as_json] == [2, 3, 1] and as_json[0]["overall_change"] is None
    human = auditor("trends", "-c", str(history_dir))
    assert human.code == 0 and "2026-03-01" in human.stdout
    both = auditor("trends", "--csv", "--json", "-c", str(history_dir))
    assert both.code == 2


def test_history_before_any_audit_says_how_to_run_the_first(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    shutil.copyfile(MINIMAL_CONFIG, config)
    labelled = auditor("label", "https://example.com/", "not-me", "-c", str(config))  # makes the database
    assert labelled.code == 0, labelled.stderr
    run = auditor("history", "-c", str(config))
    assert run.code == 0, run.stderr
    assert run.stdout == "id\tdate\tperson\tstatus\toverall\n"  # a script still reads a table, empty
    assert "No audit of Carl-Frédéric de Celles yet;" in run.stderr and "audit -c" in run.stderr
    quiet = auditor("-q", "history", "-c", str(config))
    assert quiet.stdout == run.stdout and quiet.stderr == ""
