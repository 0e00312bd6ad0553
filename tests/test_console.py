"""`out` and `err`: a line of text is written as rich writes it, without loading rich; the rest goes through rich."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from auditor.cli.common import Stream, text_console

LINES = [
    "plain",
    "Marie Dupont [née Martin] [/] [bold]gras[/bold] [link=https://evil.example/]x[/link]",
    ":smile: :thumbs_up:",
    "é à ç 漢字 🙂 👩‍💻",
    "an escape \x1b[31mred and a link \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "a right-to-left override \u202edesrever and a carriage\rreturn",
    "two\nlines",
    "tabs\tbetween\tcells",
    "trailing spaces   ",
    "",
    "x" * 300,
]


class _Captured(io.StringIO):
    def __init__(self, *, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("line", LINES)
def test_a_line_is_written_as_rich_writes_it(monkeypatch: pytest.MonkeyPatch, line: str, tty: bool) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    by_rich = _Captured(tty=tty)
    text_console(file=by_rich, force_terminal=tty, width=80).print(line, highlight=False, markup=False)
    captured = _Captured(tty=tty)
    monkeypatch.setattr(sys, "stdout", captured)
    Stream().print(line, highlight=False, markup=False)
    assert captured.getvalue() == by_rich.getvalue()


def test_several_objects_and_an_end_are_joined_as_rich_joins_them(monkeypatch: pytest.MonkeyPatch) -> None:
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)
    Stream(stderr=True).print("a", "[b]", "c", sep="|", end="")
    by_rich = io.StringIO()
    text_console(file=by_rich).print("a", "[b]", "c", sep="|", end="")
    assert captured.getvalue() == by_rich.getvalue() == "a|[b]|c"


def test_a_table_goes_through_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.table import Table

    captured = io.StringIO()
    monkeypatch.setattr(sys, "stdout", captured)
    table = Table("url")
    table.add_row("https://example.com/[bold]x")
    Stream().print(table)
    assert "https://example.com/[bold]x" in captured.getvalue()
    assert "━" in captured.getvalue() or "─" in captured.getvalue()  # drawn, not written as a line


def test_a_pipe_is_no_terminal_unless_rich_is_told_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setattr(sys, "stdout", _Captured(tty=False))
    assert Stream().is_terminal is False
    monkeypatch.setattr(sys, "stdout", _Captured(tty=True))
    assert Stream().is_terminal is True
    monkeypatch.setattr(sys, "stdout", _Captured(tty=False))
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert Stream().is_terminal is True  # rich's own answer


def test_printing_lines_loads_no_rich() -> None:
    probe = (
        "import sys\nfrom auditor.cli.common import out, err\n"
        "out.print('a line [x]', highlight=False, markup=False)\nerr.print('Error: one line')\n"
        "print('rich' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "a line [x]\n"
    assert done.stderr.splitlines() == ["Error: one line", "False"]
