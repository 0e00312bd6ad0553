"""`auditor export`'s rows and formats, without a database."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pandas as pd

from auditor.report.export import COLUMNS, export_rows, to_csv, to_json
from tests.test_serialize import sample_audit


def test_rows_in_csv_and_json_load_back_in_pandas() -> None:
    audit = replace(sample_audit(), id=7)
    rows = export_rows([audit])
    assert len(rows) == len(audit.results) and list(rows[0]) == list(COLUMNS)
    table = pd.read_csv(io.StringIO(to_csv(rows)))
    assert table["title"].tolist() == [r.title for r in audit.results]
    assert table["audit_id"].tolist() == [7] * len(rows)
    assert pd.read_json(io.StringIO(to_json(rows)))["url"].tolist() == [r.url for r in audit.results]


def test_a_title_a_spreadsheet_would_run_is_made_text_in_csv_only() -> None:
    audit = sample_audit()
    hostile = replace(audit.results[0], title='=HYPERLINK("https://evil.example","click")', snippet="@SUM(1)")
    rows = export_rows([replace(audit, results=(hostile,))])
    table = pd.read_csv(io.StringIO(to_csv(rows)))
    assert table["title"][0] == '\'=HYPERLINK("https://evil.example","click")'
    assert table["snippet"][0] == "'@SUM(1)"
    assert json.loads(to_json(rows))[0]["title"] == hostile.title


def test_the_label_column_says_when_the_users_own_label_decided() -> None:
    audit = sample_audit()
    labelled = replace(audit.results[0], label="not-me")
    rows = export_rows([replace(audit, results=(labelled, *audit.results[1:]))])
    table = pd.read_csv(io.StringIO(to_csv(rows)))
    assert table["label"][0] == "not-me"
    assert table["label"][1:].isna().all()  # no label: an empty cell, never a made-up value


def test_each_row_carries_its_audits_scores_and_an_unmeasured_one_stays_empty() -> None:
    audit = replace(sample_audit(), id=3)
    unmeasured = replace(audit, id=4, scores=replace(audit.scores, site=None))
    table = pd.read_csv(io.StringIO(to_csv(export_rows([audit, unmeasured]))))
    first = table[table["audit_id"] == 3]
    assert first["score_overall"].tolist() == [audit.scores.overall] * len(audit.results)
    assert first["score_visibility"].iloc[0] == audit.scores.visibility
    assert table[table["audit_id"] == 4]["score_site"].isna().all()
    assert first["score_site"].tolist() == [50.0] * len(audit.results)
