"""`auditor --help` starts at once: the command modules import their heavy dependencies where they run."""

from __future__ import annotations

import json
import subprocess
import sys

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
    from auditor.cli import COMMAND_MODULES, app

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
