"""The `auditor` command. Commands stay thin; domain errors become one line and an exit code here, once.

Each module registers its commands on the shared app; importing them here is what makes them exist.
"""

from __future__ import annotations

import sys

import typer

from auditor.cli import audit, engines, history, sandbox, store_commands
from auditor.cli.common import app, err
from auditor.errors import AuditorError

__all__ = ["app", "audit", "engines", "history", "main", "sandbox", "store_commands"]


def main() -> None:
    """Entry point: run the app, turning domain errors into one message and an exit code."""
    try:
        # Without standalone mode click returns the code of `typer.Exit` instead of exiting.
        code = app(standalone_mode=False)
    except AuditorError as exc:
        err.print(f"Error: {exc}", highlight=False, markup=False)
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
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        raise
    sys.exit(code if isinstance(code, int) else 0)
