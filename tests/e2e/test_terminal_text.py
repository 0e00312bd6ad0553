"""Text from the config or the web is printed as text (issue 18): never read as rich markup, never a
terminal control sequence (a colour, a clickable link to another site), never a bidi override."""

from __future__ import annotations

import json
import os
from pathlib import Path

from auditor.sandbox import Sandbox
from tests.e2e.conftest import AS_OF, auditor

ROOT = Path(__file__).resolve().parent.parent
BRAVE = ROOT / "fixtures" / "brave" / "results.json"
OSC8_LINK = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
RLO = "\u202e"


def test_auditor_parse_prints_scraped_titles_as_text(tmp_path: Path) -> None:
    data = json.loads(BRAVE.read_text(encoding="utf-8"))
    results = data["web"]["results"]
    results[0]["title"] = "[link=https://evil.example/]Bonjour[/link] [/] [bold]gras"
    results[1]["title"] = f"{OSC8_LINK} and \x1b[31mred"
    results[2]["title"] = f"name {RLO}desrever"
    saved = tmp_path / "brave.json"
    saved.write_text(json.dumps(data), encoding="utf-8")
    wide = {**os.environ, "COLUMNS": "1000"}  # each cell on one line, so a title is found whole
    run = auditor("parse", str(saved), "--engine", "brave", env=wide)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "[link=https://evil.example/]Bonjour[/link] [/] [bold]gras" in run.stdout
    assert "\x1b" not in run.stdout and RLO not in run.stdout
    assert "click me" in run.stdout and "[31mred" in run.stdout  # the text stays, the escape is gone
    assert "name desrever" in run.stdout


def test_a_name_with_brackets_is_printed_whole_and_audited(tmp_path: Path, config_file: Path, sandbox: Sandbox) -> None:
    for name in ("Marie Dupont [née Martin]", "[/] Dupont"):
        text = config_file.read_text(encoding="utf-8")
        first = text.split('name = "', 1)[1].split('"', 1)[0]
        config_file.write_text(text.replace(f'name = "{first}"', f'name = "{name}"', 1), encoding="utf-8")
        run = auditor("audit", "-q", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", AS_OF)
        assert "Traceback" not in run.stderr, run.stderr
        assert f"Auditing {name} ({AS_OF})" in run.stderr
        assert run.code in (0, 3), run.stderr
        history = auditor("history", "-c", str(config_file))
        assert name in history.stdout or name.replace(" ", "") in history.stdout.replace(" ", ""), history.stdout
