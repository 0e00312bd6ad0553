"""`--help` of every command: plain words, complete sentences, usage lines that match the text."""

from __future__ import annotations

import re

import pytest
import typer

from auditor.cli import app
from auditor.cli.helptext import plain_help

COMMAND = plain_help(typer.main.get_command(app))
NAMES = sorted(COMMAND.commands)  # type: ignore[attr-defined]


def help_of(name: str | None) -> str:
    root = COMMAND.context_class(COMMAND, info_name="auditor", terminal_width=100)
    if name is None:
        return COMMAND.get_help(root)
    sub = COMMAND.commands[name]  # type: ignore[attr-defined]
    return sub.get_help(sub.context_class(sub, info_name=name, parent=root, terminal_width=100))


def test_every_command_is_listed_with_a_whole_sentence() -> None:
    listing = help_of(None).split("Commands:")[1]
    lines = [line for line in listing.splitlines() if line.strip()]
    assert len(lines) == len(NAMES) == 18
    for line in lines:
        assert line.rstrip().endswith(".") and not line.rstrip().endswith("..."), line


@pytest.mark.parametrize("name", [None, *NAMES])
def test_help_names_values_in_plain_words(name: str | None) -> None:
    text = help_of(name)
    assert not re.search(r"<[a-z][a-z\[\], ]*>", text), text  # <bool>, <path>, <list[str]>, <float range>
    assert "x>=" not in text and "{" not in text.split("\n\n")[0]  # no range notation, no {ARG} in the usage
    options = text.split("Options:")[1]
    # Every option and argument is described, each description a sentence.
    entries = re.split(r"\n  (?=-|[A-Z])", "\n" + options.split("\n\n")[0])
    for entry in (e for e in entries if e.strip()):
        described = " ".join(entry.split())
        assert re.search(r"[.)]( +\[.*\])?$", described), described


@pytest.mark.parametrize(
    ("name", "usage"),
    [
        ("compare", "compare [OPTIONS] FIRST SECOND"),
        ("report", "report [OPTIONS] [ID|latest|previous|all]"),
        ("rescore", "rescore [OPTIONS] [ID|latest|all]"),
        ("summary", "summary [OPTIONS] [ID|latest|previous]"),
        ("notify", "notify [OPTIONS] [ID|latest|previous]"),
        ("confirm", "confirm [OPTIONS] [URL] [linked|not-linked]"),
        ("classify", "classify [OPTIONS] URL..."),
        ("parse", "parse [OPTIONS] FILE"),
        ("label", "label [OPTIONS] [URL] [me|not-me]"),
    ],
)
def test_usage_lines_name_what_the_text_describes(name: str, usage: str) -> None:
    text = help_of(name)
    assert text.startswith(f"Usage: auditor {usage}\n"), text
    for word in usage.split()[2:]:
        assert word.strip("[]").removesuffix("...") in text.split("\n\n", 1)[1]
