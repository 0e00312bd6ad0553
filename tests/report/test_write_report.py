"""write_report: four files, atomically, under the person's slug; ReportError when it cannot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.errors import ReportError
from auditor.report import html as report
from auditor.report.html import write_report
from tests.report.factories import SCORING, make_failed, make_history


def test_writes_the_four_files(tmp_path: Path) -> None:
    history = make_history()
    paths = write_report(history[-1], history, reports_dir=tmp_path, lang="fr", scoring=SCORING)
    directory = tmp_path / "emilie-tremblay"
    assert paths.html == directory / "2026-05-01.html"
    assert paths.json == directory / "2026-05-01.json"
    assert paths.latest == directory / "latest.html"
    assert paths.index == directory / "index.html"
    assert sorted(p.name for p in directory.iterdir()) == [
        "2026-05-01.html",
        "2026-05-01.json",
        "index.html",
        "latest.html",
    ]
    assert paths.latest.read_bytes() == paths.html.read_bytes()
    data = json.loads(paths.json.read_text(encoding="utf-8"))
    assert data["as_of"] == "2026-05-01" and data["changes"]["previous_as_of"] == "2026-04-01"
    assert data["lang"] == "fr"
    index = paths.index.read_text(encoding="utf-8")
    assert 'href="2026-05-01.html"' in index and '<html lang="fr">' in index
    assert "68,9" in index
    assert oct(paths.html.stat().st_mode & 0o777) != oct(0o600)  # readable like any file the user writes


def test_monthly_runs_build_the_index_and_latest(tmp_path: Path) -> None:
    history = make_history()
    for i, audit in enumerate(history):
        write_report(audit, history[: i + 1], reports_dir=tmp_path, lang="en", scoring=SCORING)
    directory = tmp_path / "emilie-tremblay"
    index = (directory / "index.html").read_text(encoding="utf-8")
    for day in ("2026-03-01", "2026-04-01", "2026-05-01"):
        assert f'href="{day}.html"' in index
    assert index.index("2026-05-01") < index.index("2026-03-01"), "newest first"
    # Re-rendering an older audit keeps `latest` on the newest one.
    write_report(history[0], history, reports_dir=tmp_path, lang="en", scoring=SCORING)
    assert "May 1, 2026" in (directory / "latest.html").read_text(encoding="utf-8").split("</h1>")[0]
    assert "March 1, 2026" in (directory / "2026-03-01.html").read_text(encoding="utf-8").split("</h1>")[0]


def test_changes_skip_a_failed_previous_audit(tmp_path: Path) -> None:
    good = make_history()
    history = [good[0], make_failed(1), good[2]]
    paths = write_report(history[-1], history, reports_dir=tmp_path, lang="en", scoring=SCORING)
    data = json.loads(paths.json.read_text(encoding="utf-8"))
    assert data["changes"]["previous_as_of"] == "2026-03-01"


def test_index_marks_dates_without_a_file(tmp_path: Path) -> None:
    history = make_history()
    paths = write_report(history[-1], history, reports_dir=tmp_path, lang="en", scoring=SCORING)
    index = paths.index.read_text(encoding="utf-8")
    assert 'href="2026-03-01.html"' not in index and "no report file" in index


def test_unwritable_directory_raises_report_error(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a directory")
    reports_dir = blocker / "sub"
    history = make_history()
    with pytest.raises(ReportError) as caught:
        write_report(history[-1], history, reports_dir=reports_dir, lang="en", scoring=SCORING)
    message = str(caught.value)
    assert "afile" in message and "\n" not in message
    assert caught.value.exit_code == 2
    assert blocker.read_text() == "not a directory"


def test_failure_midway_leaves_previous_files_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history = make_history()
    first = write_report(history[1], history[:2], reports_dir=tmp_path, lang="en", scoring=SCORING)
    before = {p.name: p.read_bytes() for p in first.html.parent.iterdir()}

    real_open = os.open
    calls = {"n": 0}

    def failing_open(path: object, flags: int, mode: int = 0o777) -> int:
        calls["n"] += 1
        if calls["n"] == 3:  # the third temporary file: disk full
            raise OSError(28, "No space left on device", str(path))
        return real_open(path, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(report.os, "open", failing_open)
    with pytest.raises(ReportError, match="No space left on device"):
        write_report(history[2], history, reports_dir=tmp_path, lang="en", scoring=SCORING)
    after = {p.name: p.read_bytes() for p in first.html.parent.iterdir()}
    assert after == before, "nothing replaced, no temporary file left behind"


def test_failure_of_a_rename_removes_the_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history = make_history()

    def failing_replace(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(report.os, "replace", failing_replace)
    with pytest.raises(ReportError, match="Permission denied"):
        write_report(history[-1], history, reports_dir=tmp_path, lang="en", scoring=SCORING)
    assert list((tmp_path / "emilie-tremblay").iterdir()) == []
