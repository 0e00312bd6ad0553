"""Bad input gets one clear line and exit 2, and leaves nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import load_config
from auditor.sandbox import Sandbox
from tests.e2e.conftest import AS_OF, auditor

CASES = {
    "typo in a key": (("name =", "nmae ="), "person.nmae: unknown key"),
    "site that is not a URL": (
        ('site = "https://carlfredericdecelles.ca"', 'site = "carlfredericdecelles"'),
        "person.site",
    ),
    "empty name": (('name = "Carl-Frédéric de Celles"', 'name = "   "'), "person.name"),
    "unknown engine": (
        ('engines = ["duckduckgo_html", "searxng"]', 'engines = ["duckduckgo_html", "altavista"]'),
        "unknown engine 'altavista'",
    ),
    "profile on the wrong network": (
        ('github = "https://github.com/cfdecelles"', 'github = "https://gitlab.com/cfdecelles"'),
        "not a GitHub profile",
    ),
    "site with port 99999": (
        ('site = "https://carlfredericdecelles.ca"', 'site = "https://carlfredericdecelles.ca:99999"'),
        "person.site: port 99999 is not a port number",
    ),
    "site with port -1": (
        ('site = "https://carlfredericdecelles.ca"', 'site = "https://carlfredericdecelles.ca:-1"'),
        "person.site: port '-1' is not a port number",
    ),
    "site with port abc": (
        ('site = "https://carlfredericdecelles.ca"', 'site = "https://carlfredericdecelles.ca:abc/"'),
        "person.site: port 'abc' is not a port number",
    ),
    "a name of 10,000 characters": (
        ('name = "Carl-Frédéric de Celles"', f'name = "{"Carl " * 2500}"'),
        "over audit.max_name_length (100)",
    ),
    "an engine listed twice": (
        ('engines = ["duckduckgo_html", "searxng"]', 'engines = ["duckduckgo_html", "searxng", "duckduckgo_html"]'),
        "listed twice",
    ),
    "10,000 qualifiers": (
        ("qualifiers = []", "qualifiers = [" + ", ".join(f'"q{i}"' for i in range(10_000)) + "]"),
        "over audit.max_queries (25)",
    ),
}


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_config_is_one_line_and_exit_2(case: str, config_file: Path, sandbox: Sandbox) -> None:
    (old, new), expected = CASES[case]
    text = config_file.read_text(encoding="utf-8")
    assert old in text, f"the minimal config no longer holds {old!r}"
    config_file.write_text(text.replace(old, new, 1), encoding="utf-8")

    run = auditor("audit", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", AS_OF)

    assert run.code == 2, run.stderr
    errors = _error_lines(run.stderr)
    assert len(errors) == 1, run.stderr
    assert str(config_file) in errors[0]
    assert expected in errors[0]
    assert "Traceback" not in run.stderr
    assert not (config_file.parent / "auditor.db").exists()
    assert not (config_file.parent / "reports").exists()


def test_unwritable_reports_directory_is_refused_before_anything_runs(config_file: Path, sandbox: Sandbox) -> None:
    blocker = config_file.parent / "not-a-directory"
    blocker.write_text("a file where the reports directory should be", encoding="utf-8")
    text = config_file.read_text(encoding="utf-8").replace(
        'reports_dir = "reports"', 'reports_dir = "not-a-directory/r"'
    )
    config_file.write_text(text, encoding="utf-8")
    before = len(sandbox.requests)

    run = auditor("audit", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", AS_OF)

    assert run.code == 2, run.stderr
    errors = _error_lines(run.stderr)
    assert len(errors) == 1 and "not-a-directory" in errors[0] and "not writable" in errors[0]
    assert len(sandbox.requests) == before, "requests were sent although the report could not be written"
    assert not (config_file.parent / "auditor.db").exists()


def test_missing_config_suggests_init_and_init_writes_one_that_loads(tmp_path: Path) -> None:
    missing = tmp_path / "auditor.toml"
    run = auditor("audit", "-c", str(missing))
    assert run.code == 2
    assert "not found" in run.stderr and "auditor init" in run.stderr

    # Without a terminal to ask in, init takes the person's own data as options.
    created = auditor("init", "-c", str(missing), "--name", "Jo Doe", "--site", "https://jodoe.example")
    assert created.code == 0, created.stderr
    assert load_config(missing).person.name == "Jo Doe"

    again = auditor("init", "-c", str(missing), "--name", "Jo Doe", "--site", "https://jodoe.example")
    assert again.code == 2 and "already exists" in again.stderr


def test_sandbox_option_refuses_a_non_local_url(config_file: Path) -> None:
    run = auditor("audit", "-c", str(config_file), "--sandbox", "http://example.com:8000")
    assert run.code == 2
    assert "not a local sandbox URL" in run.stderr


@pytest.mark.parametrize(
    "value",
    ["http://127.0.0.1:99999", "http://127.0.0.1:-1", "http://127.0.0.1:abc", "http://[::1", "http://127.0.0.1:0"],
)
def test_a_malformed_sandbox_value_is_one_line_and_exit_2(config_file: Path, value: str) -> None:
    run = auditor("audit", "-c", str(config_file), "--sandbox", value, "--as-of", AS_OF)
    assert run.code == 2, run.stderr
    assert _error_lines(run.stderr) == [
        f"Error: --sandbox: {value!r} is not a local sandbox URL (expected http://127.0.0.1:PORT)"
    ]
    assert "Traceback" not in run.stderr
    assert not (config_file.parent / "auditor.db").exists()


def test_an_engine_named_twice_in_the_engines_option_is_refused(config_file: Path, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    run = auditor(
        "audit",
        "-c",
        str(config_file),
        "--sandbox",
        sandbox.url,
        "--as-of",
        AS_OF,
        "--engines",
        "duckduckgo_html,duckduckgo_html",
    )
    assert run.code == 2, run.stderr
    assert _error_lines(run.stderr) == [
        "Error: --engines: 'duckduckgo_html' is listed twice (each engine is asked once per query)"
    ]
    assert len(sandbox.requests) == before


def test_bad_as_of_date(config_file: Path, sandbox: Sandbox) -> None:
    run = auditor("audit", "-c", str(config_file), "--sandbox", sandbox.url, "--as-of", "2026-13-01")
    assert run.code == 2 and "--as-of" in run.stderr
