"""What every command shares: the Typer app, the consoles, the common options and small parsers."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from auditor.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from auditor.audit.pipeline import ProgressEvent

# Only what `--help` needs is imported here and in the command modules; each command imports the rest when it
# runs (pydantic, the engines, the store, the report), so that `auditor --help` starts at once.

app = typer.Typer(
    help="Audit how visible a person is when someone searches their name, and whether their profiles link back.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: paragraphs wrapped to the terminal, no boxes, no type names beside the options.
    rich_markup_mode=None,
)
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters (ESC starts a colour, a cursor move or a clickable link; a carriage return overwrites
the line) and bidi controls (an override reverses the line around it). Tab and newline stay."""


def terminal_safe(text: str) -> str:
    """`text` (from the config or the web) as text a terminal shows as is: the controls above removed."""
    return _NOT_TEXT.sub("", text)


def plain(text: str) -> Text:
    """A table cell or line from the config or the web: shown as text, never as markup or control codes."""
    from rich.text import Text

    return Text(terminal_safe(text))


def text_console(**options: Any) -> Console:
    """A rich console that prints every string as text: markup and emoji codes off (a name such as
    "Marie Dupont [née Martin]" keeps its brackets, "[/]" is no error, "[link=...]" no link), and the
    characters `terminal_safe` removes removed, in table cells too (they are rendered through `render_str`)."""
    from rich.console import Console

    class TextConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Text:
            kwargs.update(markup=False, emoji=False)
            return super().render_str(terminal_safe(text), **kwargs)

    # soft_wrap: an error is one line, whatever the terminal's width (scripts and tests read it whole).
    return TextConsole(soft_wrap=True, markup=False, emoji=False, highlight=False, **options)


class Stream:
    """`out` (stdout) or `err` (stderr). A line of text, which is most of what a command prints, is written as
    rich writes it with markup, emoji codes and highlighting off, without loading rich (about 20 ms of every
    command's start-up); a table, a grid or styled text goes through a rich console (`text_console`), made the
    first time one is printed. The stream is looked up at each print, as rich does (tests swap it)."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def file(self) -> TextIO:
        return sys.stderr if self._stderr else sys.stdout

    @property
    def console(self) -> Console:
        if self._console is None:
            self._console = text_console(stderr=self._stderr)
        return self._console

    @property
    def is_terminal(self) -> bool:
        # Rich's answer, which also reads FORCE_COLOR and TTY_COMPATIBLE; without them a stream that is no tty
        # is no terminal for rich either, and a pipe is answered without loading it.
        isatty = getattr(self.file, "isatty", None)
        if not (isatty is not None and isatty()) and not _TERMINAL_VARIABLES & os.environ.keys():
            return False
        return self.console.is_terminal

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", **options: Any) -> None:
        """As `rich.console.Console.print`. Strings with no option but `highlight=False` or `markup=False` (off
        anyway) are a line of text, written directly."""
        options = {k: v for k, v in options.items() if k not in ("highlight", "markup") or v}
        if options or not all(isinstance(o, str) for o in objects):
            self.console.print(*objects, sep=sep, end=end, **options)
            return
        line = terminal_safe(sep.join(objects))
        if "\t" in line:  # rich expands tabs by the width each character takes on screen
            self.console.print(line, end=end)
            return
        self.file.write(line + end)


_TERMINAL_VARIABLES = frozenset({"FORCE_COLOR", "TTY_COMPATIBLE"})

# What is printed (config values, titles and URLs from the web) is text, never rich markup, so "[person]" stays
# "[person]"; control and bidi characters are removed.
out = Stream()
err = Stream(stderr=True)
ConfigOption = Annotated[
    Path, typer.Option("-c", "--config", help="The config file of the person audited.", show_default=True)
]
PersonOption = Annotated[
    str | None, typer.Option("--person", help="In a workspace: the person (slug) whose history this reads.")
]
SandboxOption = Annotated[
    str | None,
    typer.Option(
        "--sandbox",
        envvar="AUDITOR_SANDBOX",
        help="Send every request to this running sandbox (http://127.0.0.1:PORT) instead of the internet.",
    ),
]


def _not_negative(value: float) -> float:
    if value < 0:
        raise typer.BadParameter(f"{value:g} is less than 0: give a number of seconds, 0 or more")
    return value


LockWaitOption = Annotated[
    float,
    typer.Option(
        "--lock-wait",
        envvar="AUDITOR_LOCK_WAIT",
        callback=_not_negative,
        help="Seconds to wait for another audit of the same database to end before giving up.",
    ),
]
DEFAULT_CONFIG = Path("auditor.toml")
"""config.DEFAULT_CONFIG_NAME, spelt here so that --help need not import the config's models."""
DEFAULT_LOCK_WAIT = 5.0
"""store.DEFAULT_LOCK_WAIT, spelt here for the same reason (a test keeps the two equal)."""


@dataclass
class Verbosity:
    """The global `-q` / `-v` (before the command): set once by the app's callback."""

    quiet: bool = False
    """No chatter on stderr (progress, what is being done); results, warnings and errors still print."""
    verbose: bool = False


verbosity = Verbosity()


def interrupted(note: str) -> typer.Exit:
    """Ctrl-C: say what it left behind and how to go on, then exit 130 (raise what this returns)."""
    err.print(f"Interrupted: {note}.")
    return typer.Exit(130)


def say(message: str) -> None:
    """Chatter for a person watching: on stderr, silenced by `-q`."""
    if not verbosity.quiet:
        err.print(message)


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, title: str | None = None, whole: Sequence[int] = ()
) -> None:
    """A table on stdout. In a terminal, drawn, the columns in `whole` (URLs) folded over lines, never cut; in a
    pipe or a file, tab-separated lines with every value whole (a header line first, `# title` before it)."""
    if out.is_terminal:
        from rich.table import Table

        table = Table(*headers, title=title)
        for index in whole:
            table.columns[index].overflow = "fold"
        for row in rows:
            table.add_row(*(plain(cell) for cell in row))
        out.print(table)
        return
    # Written past rich, which would expand the tabs into spaces.
    out.file.flush()
    lines = [f"# {title}"] if title else []
    lines += ["\t".join(_one_line(terminal_safe(cell)) for cell in row) for row in (headers, *rows)]
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def _one_line(cell: str) -> str:
    return " ".join(cell.replace("\t", " ").splitlines())


def print_json(data: object) -> None:
    """`data` as JSON on stdout, whole, whatever the console's width."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of text.")]


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
        if quiet or verbosity.quiet:
            return
        counter = f"[{event.done}/{event.total}] " if event.stage == "search" else ""
        err.print(f"  {counter}{event.message}", highlight=False, markup=False)

    return show


def parse_as_of(value: str | None) -> dt.date:
    """The audit's date: today by default; a past date backfills the history, a future one is refused (it
    would stay the "latest" audit until that day came)."""
    today = dt.date.today()
    if value is None:
        return today
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of: {value!r} is not a date (use YYYY-MM-DD)") from None
    if date > today:
        raise UsageError(
            f"--as-of: {date.isoformat()} is after today ({today.isoformat()}); an audit cannot be dated in the future"
        )
    return date


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


def check_one_mode(
    command: str, url: str | None, value: str | None, *, listing: bool, remove: str | None, usage: str
) -> None:
    """`label` and `confirm` take URL and a value (`usage`: `me|not-me`), or --list, or --remove URL: one of them."""
    modes = sum((url is not None, listing, remove is not None))
    if modes != 1 or (url is None) != (value is None):
        first = usage.split("|")[0]
        raise UsageError(f"give URL and {usage}, or --list, or --remove URL", tip=f"auditor {command} URL {first}")


def refuse_several_configs(command: Any, args: Sequence[str]) -> None:
    """`-c a.toml -c b.toml`: click keeps the last and says nothing, so that one person's config would be read
    while the user meant two. Every command reads one config (one history, or one workspace's people audited
    in one run), so several are refused in one line, pointing at the workspace that holds many people.

    The command line is read by the commands' own parsers (a value such as `--name -c` is no `-c`); anything
    they cannot read is left for the real parse to report."""
    click_error: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    try:
        _, rest, _ = command.make_parser(command.context_class(command)).parse_args(list(args))
        sub = command.commands.get(rest[0]) if rest else None
        if sub is None:
            return
        _, _, order = sub.make_parser(sub.context_class(sub, info_name=rest[0])).parse_args(list(rest[1:]))
    except click_error:
        return
    given = sum(1 for param in order if param.name == "config")
    if given > 1:
        raise UsageError(
            f"-c/--config given {given} times: a command reads one config",
            tip="to audit several people in one run, list them in one workspace ([people.SLUG] tables; "
            "`auditor init --workspace` writes a starter) and give that file to -c",
        )
