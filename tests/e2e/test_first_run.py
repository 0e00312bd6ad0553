"""The first run and the everyday commands, as a new user meets them: init, --version, messages, rescore."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from auditor.sandbox import Sandbox
from tests.e2e.conftest import AS_OF, auditor
from tests.e2e.test_crash_and_lock import half_way, hanging, start_audit, wait_until

__all__ = ["hanging"]  # the fixture, shared with the crash tests


def without_profiles(config_file: Path) -> Path:
    text = config_file.read_text(encoding="utf-8")
    text = re.sub(r"\[profiles\]\n(?:[^\[\n].*\n|\n)*", "", text)
    assert "[profiles]" not in text and "github" not in text
    config_file.write_text(text, encoding="utf-8")
    return config_file


def test_rescore_works_for_a_config_without_profiles(config_file: Path, sandbox: Sandbox) -> None:
    config = str(without_profiles(config_file))
    audited = auditor("audit", "-c", config, "--sandbox", sandbox.url, "--as-of", AS_OF, "-q")
    assert audited.code == 0, audited.stderr
    done = auditor("rescore", "-c", config)
    assert done.code == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"audit 1 \(2026-01-01\): overall [\d.]+ -> [\d.]+, complete", done.stdout)


def test_advice_for_a_failed_engine_is_to_run_again_never_to_resume() -> None:
    # `--resume` finishes an interrupted audit only: a finished one that failed answers "no interrupted audit".
    from auditor.report.i18n import ENGINE_ADVICE, gettext

    for lang in ("en", "fr"):
        for status in ("blocked", "rate_limited", "network_error"):
            advice = gettext(lang, ENGINE_ADVICE[status])
            assert "--resume" not in advice
            assert re.search(r"run the audit again|the next run|relancez l'audit|la prochaine exécution", advice)


def test_version() -> None:
    from auditor import __version__

    done = auditor("--version")
    assert (done.code, done.stdout, done.stderr) == (0, f"auditor {__version__}\n", "")


def test_init_writes_the_users_own_person_and_profiles(tmp_path: Path) -> None:
    from auditor.config import load_config

    path = tmp_path / "me" / "auditor.toml"
    done = auditor(
        "init",
        "-c",
        str(path),
        "--name",
        "Jo [Q] Doe",
        "--site",
        "https://jodoe.example",
        "--profile",
        "linkedin=https://www.linkedin.com/in/jodoe",
        "--profile",
        "https://github.com/jodoe",
    )
    assert done.code == 0, done.stderr
    assert "Jo [Q] Doe" in done.stdout  # printed as text: brackets are not markup
    config = load_config(path)
    assert (config.person.name, config.person.site) == ("Jo [Q] Doe", "https://jodoe.example")
    assert config.person.aliases == () and config.person.qualifiers == ()
    assert config.profiles == {"linkedin": "https://www.linkedin.com/in/jodoe", "github": "https://github.com/jodoe"}
    assert "Tremblay" not in path.read_text(encoding="utf-8").split("[audit]")[0]  # none of the example person
    again = auditor("init", "-c", str(path), "--name", "Jo", "--site", "https://jodoe.example")
    assert again.code == 2 and "already exists" in again.stderr


def test_init_without_a_terminal_needs_name_and_site(tmp_path: Path) -> None:
    done = auditor("init", "-c", str(tmp_path / "a.toml"))
    assert done.code == 2
    assert done.stderr == "Error: init: --name and --site needed (or run it in a terminal to be asked)\n"
    assert not (tmp_path / "a.toml").exists()


def test_init_bad_values_write_nothing_and_name_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    done = auditor(
        "init",
        "-c",
        str(path),
        "--name",
        "Jo",
        "--site",
        "jodoe.example",
        "--profile",
        "linkdin=https://www.linkedin.com/in/jodoe",
    )
    assert done.code == 2 and not path.exists()
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"Error: {path} (not written): ") for line in lines)
    assert "person.site" in lines[0] and "did you mean 'linkedin'?" in lines[1]


def test_init_asks_in_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from auditor.cli import app
    from auditor.cli import init as init_module
    from auditor.config import load_config

    monkeypatch.setattr(init_module, "_interactive", lambda: True)
    path = tmp_path / "auditor.toml"
    answers = "Jo Doe\njodoe.example\nhttps://jodoe.example\nhttps://example.com/nobody\nhttps://github.com/jodoe\n\n"
    result = CliRunner().invoke(app, ["init", "-c", str(path)], input=answers)
    assert result.exit_code == 0, result.output
    assert "not an address" in result.output and "Not a profile page" in result.output
    config = load_config(path)
    assert (config.person.name, config.person.site, config.profiles) == (
        "Jo Doe",
        "https://jodoe.example",
        {"github": "https://github.com/jodoe"},
    )


def test_audit_refuses_the_example_person_in_one_line(tmp_path: Path) -> None:
    from auditor.cli.init import example_text

    path = tmp_path / "auditor.toml"
    path.write_text(example_text(), encoding="utf-8")
    done = auditor("audit", "-c", str(path))
    assert done.code == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"Error: {path}: [person] is still the example's (Émilie Tremblay, ")
    assert "init --force" in line
    assert not (tmp_path / "auditor.db").exists()  # refused before anything was stored or sent


def test_every_config_problem_is_its_own_error_line(tmp_path: Path) -> None:
    path = tmp_path / "auditor.toml"
    path.write_text('[person]\nname = "Jo"\nsite = "jo"\n[audit]\ndepth = "20"\n', encoding="utf-8")
    done = auditor("history", "-c", str(path))
    assert done.code == 2
    assert done.stderr.splitlines() == [
        f"Error: {path}: person.site: not an http(s) URL: 'jo' (write it in full, e.g. https://example.com)",
        f"Error: {path}: audit.depth: expected a whole number, got text '20' (write it without quotes)",
    ]


def test_ctrl_c_says_what_was_kept_and_how_to_resume(hanging: Sandbox, config_file: Path) -> None:
    database = config_file.parent / "auditor.db"
    process = start_audit(config_file, hanging)
    try:
        wait_until(lambda: half_way(database), process, "half-way")
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("Interrupted: the audit stays incomplete, with every answer it had received; ")
    assert f"audit --resume -c {config_file}` finishes it" in last
    assert "Traceback" not in stderr


def test_piped_tables_are_tab_separated_with_every_url_whole(config_file: Path, sandbox: Sandbox) -> None:
    for as_of in ("2026-01-01", "2026-02-01"):
        assert auditor("audit", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", as_of, "-q").code == 0
    history = auditor("history", "-c", str(config_file))
    assert history.stdout.splitlines()[0] == "id\tdate\tperson\tstatus\toverall"
    assert history.stdout.splitlines()[1].startswith("1\t2026-01-01\tCarl-Frédéric de Celles\tcomplete\t")
    url = "https://www.example.com/" + "a-long-path-segment/" * 8
    label = auditor("label", url, "not-me", "-c", str(config_file))
    assert label.code == 0, label.stderr
    listed = auditor("label", "--list", "-c", str(config_file))
    assert "…" not in listed.stdout
    stored = url.replace("www.", "").rstrip("/")  # the label is kept on the normalised URL
    assert f"not-me\t{stored}\t" in listed.stdout


def test_json_for_audit_rescore_and_export(config_file: Path, sandbox: Sandbox) -> None:
    import json

    done = auditor("-q", "audit", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", AS_OF, "--json")
    assert done.code == 0, done.stderr
    assert done.stderr == ""  # -q before the command: no chatter, no progress
    data = json.loads(done.stdout)
    assert (data["id"], data["status"], data["exit_code"], data["as_of"]) == (1, "complete", 0, AS_OF)
    assert {e["name"]: e["status"] for e in data["engines"]} == {"duckduckgo_html": "ok", "searxng": "ok"}
    assert data["report"].endswith(f"{AS_OF}.html") and Path(data["report"]).exists()
    assert data["scores"]["overall"] is not None
    rescored = json.loads(auditor("rescore", "-c", str(config_file), "--json").stdout)
    assert rescored == [
        {
            "id": 1,
            "as_of": AS_OF,
            "before": {"status": "complete", "overall": data["scores"]["overall"]},
            "after": {"status": "complete", "overall": data["scores"]["overall"]},
            "note": None,
        }
    ]
    as_json = auditor("export", "-c", str(config_file), "--json")
    assert as_json.code == 0 and as_json.stdout == auditor("export", "-c", str(config_file), "--format", "json").stdout
    assert json.loads(as_json.stdout)


def test_verbose_logs_every_request(config_file: Path, sandbox: Sandbox) -> None:
    done = auditor("-v", "audit", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", AS_OF, "-q")
    assert done.code == 0, done.stderr
    assert re.search(r"DEBUG auditor\.net\.client: POST https://html\.duckduckgo\.com/html/", done.stderr)
    assert re.search(r"DEBUG auditor\.net\.client: HTTP 200 from https://html\.duckduckgo\.com/html/", done.stderr)
    both = auditor("-q", "-v", "history", "-c", str(config_file))
    assert both.code == 2 and "choose one" in both.stderr


def test_a_namesake_of_the_example_person_is_not_refused() -> None:
    from auditor.cli.init import example_text, starter_text, still_the_example
    from auditor.config import Config, parse_config

    def config(text: str) -> Config:
        return parse_config(text, source="t.toml", base_dir=Path("."))

    assert still_the_example(config(example_text()))
    namesake = starter_text("Émilie Tremblay", "https://emilie-tremblay-photo.example", {})
    assert not still_the_example(config(namesake))  # her name, her own site: a real person
    same_site = starter_text("Jo Doe", "https://www.emilietremblay.ca/", {})
    assert still_the_example(config(same_site))
