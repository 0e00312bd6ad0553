"""What every command shares: the Typer app, the consoles, the common options and small parsers."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from auditor.audit.pipeline import ProgressEvent
from auditor.config import DEFAULT_CONFIG_NAME
from auditor.errors import UsageError

app = typer.Typer(
    help="Audit how visible a person is when someone searches their name, and whether their profiles link back.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters (ESC starts a colour, a cursor move or a clickable link; a carriage return overwrites
the line) and bidi controls (an override reverses the line around it). Tab and newline stay."""


def terminal_safe(text: str) -> str:
    """`text` (from the config or the web) as text a terminal shows as is: the controls above removed."""
    return _NOT_TEXT.sub("", text)


def plain(text: str) -> Text:
    """A table cell or line from the config or the web: shown as text, never as markup or control codes."""
    return Text(terminal_safe(text))


class TextConsole(Console):
    """A console that prints every string as text: markup and emoji codes off (a name such as
    "Marie Dupont [née Martin]" keeps its brackets, "[/]" is no error, "[link=...]" no link), and the
    characters `terminal_safe` removes removed, in table cells too (they are rendered through `render_str`)."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False)
        return super().render_str(terminal_safe(text), **kwargs)


# soft_wrap: an error is one line, whatever the terminal's width (scripts and tests read it whole).
out = TextConsole(soft_wrap=True, markup=False, emoji=False)
err = TextConsole(stderr=True, soft_wrap=True, markup=False, emoji=False)
ConfigOption = Annotated[Path, typer.Option("-c", "--config", help="The person's config file.", show_default=True)]
SandboxOption = Annotated[
    str | None,
    typer.Option(
        "--sandbox",
        envvar="AUDITOR_SANDBOX",
        help="Send every request to this running sandbox (http://127.0.0.1:PORT) instead of the internet.",
    ),
]
LockWaitOption = Annotated[
    float,
    typer.Option(
        "--lock-wait",
        envvar="AUDITOR_LOCK_WAIT",
        min=0,
        help="Seconds to wait for another audit of the same database to end before giving up.",
    ),
]
DEFAULT_CONFIG = Path(DEFAULT_CONFIG_NAME)


def check_sandbox(url: str | None) -> str | None:
    if url is None:
        return None
    import httpx

    refused = UsageError(f"--sandbox: {url!r} is not a local sandbox URL (expected http://127.0.0.1:PORT)")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        raise refused from None  # a malformed value is a usage error like any other, not a traceback
    if parsed.scheme != "http" or parsed.host not in ("127.0.0.1", "localhost", "::1"):
        raise refused
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise refused
    return url


def progress_printer(quiet: bool) -> Callable[[ProgressEvent], None]:
    def show(event: ProgressEvent) -> None:
        if quiet:
            return
        counter = f"[{event.done}/{event.total}] " if event.stage == "search" else ""
        err.print(f"  {counter}{event.message}", highlight=False, markup=False)

    return show


def parse_as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of: {value!r} is not a date (use YYYY-MM-DD)") from None


def invocation() -> str:
    """How to call this command again from here: `auditor` when that is what the shell finds, else the path
    that was used (`.venv/bin/auditor` after `make demo`), so printed tips work as they are."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "__main__.py":
        return f"{_shortest(Path(sys.executable))} -m auditor"
    found = shutil.which("auditor")
    if found and Path(found).resolve() == argv0.resolve():
        return "auditor"
    return _shortest(argv0)


def _shortest(path: Path) -> str:
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else str(path)
