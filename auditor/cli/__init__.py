"""The `auditor` command. Commands stay thin; domain errors become one line and an exit code here, once.

Each module registers its commands on the shared app; importing it is what makes them exist. `main` imports
only the module of the command it runs (`COMMAND_MODULES`), every module for anything else (`--help`, a
misspelt command, which click then answers with the known names); `app`, read from this package, has them all.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from auditor import __version__
from auditor.cli.common import app as _app
from auditor.cli.common import err, out, refuse_several_configs, verbosity
from auditor.cli.helptext import plain_help
from auditor.errors import AuditorError, UsageError
from auditor.net import logs

__all__ = ["COMMAND_MODULES", "app", "main"]

COMMAND_MODULES = {
    "audit": "audit",
    "confirm": "confirm",
    "engines": "engines",
    "parse": "engines",
    "report": "history",
    "history": "history",
    "classify": "identify",
    "label": "identify",
    "init": "init",
    "summary": "loop",
    "trends": "loop",
    "notify": "loop",
    "schedule": "loop",
    "sandbox": "sandbox",
    "demo": "sandbox",
    "compare": "store_commands",
    "export": "store_commands",
    "rescore": "store_commands",
}
"""Each command and the module of `auditor.cli` that defines it (a test checks the two agree)."""
_GLOBAL_OPTIONS_WITH_VALUES = ("--log-level", "--log-file")


def load_commands(argv: Sequence[str] = ()) -> typer.Typer:
    """The app with the command `argv` names registered (all of them when it names none that is known)."""
    name = _command_name(argv)
    modules = [COMMAND_MODULES[name]] if name in COMMAND_MODULES else sorted(set(COMMAND_MODULES.values()))
    for module in modules:
        importlib.import_module(f"auditor.cli.{module}")
    return _app


def _command_name(argv: Sequence[str]) -> str | None:
    """The first argument that is neither a global option nor its value."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_OPTIONS_WITH_VALUES:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def __getattr__(name: str) -> Any:
    # `from auditor.cli import app` (tests, tools) gets the app with every command.
    if name == "app":
        return load_commands()
    raise AttributeError(name)


def _print_version(value: bool) -> None:
    if value:
        out.print(f"auditor {__version__}")
        raise typer.Exit(0)


@_app.callback()
def diagnostics(
    log_level: Annotated[
        str | None,
        typer.Option(
            "--log-level",
            envvar="AUDITOR_LOG_LEVEL",
            help="Log at this level (debug, info, warning, error) to stderr, or to --log-file; keys are redacted.",
        ),
    ] = None,
    log_file: Annotated[
        Path | None, typer.Option("--log-file", envvar="AUDITOR_LOG_FILE", help="Append the log to this file.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Print only results, warnings and errors: no progress.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "-v", "--verbose", help="Log every request, answer, retry and failure to stderr (--log-level debug)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit."),
    ] = False,
) -> None:
    """Audit how visible a person is when someone searches their name, and whether their profiles link back."""
    if quiet and verbose:
        raise UsageError("-q and -v: choose one")
    verbosity.quiet, verbosity.verbose = quiet, verbose
    if log_level is None and verbose:
        log_level = "debug"
    try:
        level = logs.parse_level(log_level)
    except ValueError as exc:
        raise UsageError(f"--log-level: {exc}") from None
    try:
        logs.configure(level, log_file if level is not None else None)
    except OSError as exc:
        raise UsageError(f"--log-file: {log_file}: cannot write ({exc.strerror or exc})") from None


def main() -> None:
    """Entry point: run the app, turning domain errors into one message and an exit code."""
    # Pydantic looks for plugins (observability hooks) in every installed package's entry points when it builds
    # its first model: about 5 ms of each command's start-up, for hooks this tool has no use for. A value the
    # user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    try:
        # Without standalone mode click returns the code of `typer.Exit` instead of exiting.
        command = plain_help(typer.main.get_command(load_commands(sys.argv[1:])))
        refuse_several_configs(command, sys.argv[1:])
        code = command(standalone_mode=False)
    except AuditorError as exc:
        for line in str(exc).splitlines() or [""]:  # several problems (a config's): one line each
            err.print(f"Error: {line}", highlight=False, markup=False)
        if exc.tip:
            err.print(f"Tip: {exc.tip}", highlight=False, markup=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
    except Exception as exc:  # the click usage errors and anything unexpected
        if isinstance(exc, _click_exception()):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(2)
        raise
    sys.exit(code if isinstance(code, int) else 0)


def _click_exception() -> type[Exception]:
    """Click's base exception, wherever this typer keeps click: recent typers carry their own copy
    (`typer._click`) and no `click` package is installed, so `import click` would turn a usage error (exit 2)
    into a crash (exit 1)."""
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
