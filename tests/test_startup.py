"""`auditor --help` starts at once: the command modules import their heavy dependencies where they run."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

from auditor.cli import common
from auditor.config import DEFAULT_CONFIG_NAME
from auditor.store import DEFAULT_LOCK_WAIT

HEAVY = ("pydantic", "bs4", "tldextract", "httpx", "matplotlib", "pandas", "jinja2", "babel", "playwright", "lxml")


def test_the_cli_imports_nothing_heavy_until_a_command_runs() -> None:
    probe = "import json, sys, auditor.cli; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True).stdout))
    assert "auditor" in loaded
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_help_imports_no_engine_store_or_report_module() -> None:
    probe = (
        "import json, sys\nfrom auditor.cli import main\nsys.argv = ['auditor', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('auditor.'))), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    modules = json.loads(done.stderr.strip().splitlines()[-1])
    assert "Commands:" in done.stdout
    assert all(m.startswith(("auditor.cli", "auditor.errors", "auditor.net.logs", "auditor.net")) for m in modules), (
        modules
    )


def test_defaults_spelt_in_the_cli_match_their_source() -> None:
    assert str(common.DEFAULT_CONFIG) == DEFAULT_CONFIG_NAME
    assert common.DEFAULT_LOCK_WAIT == DEFAULT_LOCK_WAIT


def test_the_command_table_names_every_command_and_the_module_defining_it() -> None:
    import auditor.cli
    from auditor.cli import COMMAND_MODULES, app

    # Every module of the package, not only those the table names: a command in a new module must be listed.
    for found in pkgutil.iter_modules(auditor.cli.__path__):
        importlib.import_module(f"auditor.cli.{found.name}")
    defined = {
        (command.name or command.callback.__name__.replace("_", "-")): command.callback.__module__
        for command in app.registered_commands
        if command.callback is not None
    }
    assert defined == {name: f"auditor.cli.{module}" for name, module in COMMAND_MODULES.items()}


def _modules_loaded_by(*argv: str) -> set[str]:
    probe = (
        "import json, sys\nfrom auditor.cli import main\n"
        f"sys.argv = ['auditor', *{list(argv)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_a_command_loads_only_its_own_command_module() -> None:
    loaded = _modules_loaded_by("--log-level", "error", "-q", "schedule", "--help")
    commands = {
        m for m in loaded if m.startswith("auditor.cli.") and m not in ("auditor.cli.common", "auditor.cli.helptext")
    }
    assert commands == {"auditor.cli.loop"}
    everything = _modules_loaded_by("no-such-command")
    assert {"auditor.cli.loop", "auditor.cli.history", "auditor.cli.audit"} <= everything


NEVER_AT_START = (
    "tldextract",
    "requests",
    "filelock",
    "pandas",
    "matplotlib",
    "jinja2",
    "bs4",
    "httpx",
    "lxml",
    "auditor.engines",
    "rich",
)
"""What `classify` and `history` must not load: the host split, the store's reads and the config's checks
need none of it (the report's and the network's modules are loaded by the commands that use them); no
engine is asked, so no engine's module is loaded to check its settings; lines printed to a pipe need no rich."""


def test_classify_and_history_load_nothing_they_do_not_use(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    init = ["init", "-c", str(config), "--name", "Jo Doe", "--site", "https://jodoe.example"]
    done = subprocess.run(
        [sys.executable, "-m", "auditor", *init, "--profile", "github=https://github.com/jodoe"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    label = ["label", "https://example.com/", "not-me", "-c", str(config)]
    assert subprocess.run([sys.executable, "-m", "auditor", *label], capture_output=True).returncode == 0
    for argv in (["classify", "https://github.com/jodoe", "-c", str(config)], ["history", "-c", str(config)]):
        modules = _modules_loaded_by(*argv)
        assert "auditor.config" in modules and "pydantic" in modules  # the config was read and checked
        unwanted = {m for m in modules for name in NEVER_AT_START if m == name or m.startswith(f"{name}.")}
        assert not unwanted, (argv[0], sorted(unwanted))


def test_a_report_loads_no_matplotlib() -> None:
    # The charts are drawn by hand (`report/svgchart.py`): matplotlib took 0.3 s to load and 0.1 s a chart.
    probe = "import sys, auditor.report.charts, auditor.report.html\nprint('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_report_loads_neither_the_audit_pipeline_nor_the_network(tmp_path: Path) -> None:
    # Writing a report reads the store and renders: the pipeline would bring bs4, httpx and the engines (0.5 s).
    from auditor.config import load_config
    from auditor.store import Store
    from tests.report.factories import PERSON, SITE, make_history

    config = tmp_path / "auditor.toml"
    init = ["init", "-c", str(config), "--name", PERSON, "--site", SITE, "--profile", "github=https://github.com/et"]
    done = subprocess.run([sys.executable, "-m", "auditor", *init], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with Store.open(load_config(config).database_path) as store, store.writing():
        for audit in make_history(hostile=False):
            store.finish_audit(store.begin_audit(audit.person, audit.as_of), audit)
    loaded = _modules_loaded_by("report", "latest", "-c", str(config))
    assert "auditor.report.html" in loaded and "jinja2" in loaded  # the report was rendered
    assert list((tmp_path / "reports").glob("*/latest.html"))
    unwanted = {"auditor.audit.pipeline", "auditor.audit.runner", "auditor.verify.gather", "httpx", "bs4"}
    assert loaded.isdisjoint(unwanted), loaded & unwanted
