"""`--help` in plain words: each value an option takes is named for what it is (FILE, URL, DATE), never by
the Python type behind it (`<path>`, `<list[str]>`), and usage lines read as the conventional `[ID]`, `URL...`.
"""

from __future__ import annotations

from typing import Any

VALUE_NAMES = {
    "config": "FILE",
    "log_level": "LEVEL",
    "log_file": "FILE",
    "engines": "NAMES",
    "as_of": "DATE",
    "lang": "en|fr",
    "sandbox": "URL",
    "lock_wait": "SECONDS",
    "name": "NAME",
    "site": "URL",
    "output": "FILE",
    "title": "TEXT",
    "engine": "NAME",
    "scenario": "demo|minimal|FILE",
    "port": "PORT",
    "month": "N",
    "directory": "DIR",
}
"""What each option's value is, by the option's parameter name; an option not listed shows its name in capitals."""


def plain_help(command: Any) -> Any:
    """Name every option's value and hide type names, on `command` and its subcommands; returns `command`."""
    for sub in (command, *getattr(command, "commands", {}).values()):
        for param in sub.params:
            if param.param_type_name == "option" and not getattr(param, "is_flag", False) and not param.count:
                if param.metavar is None:
                    param.metavar = VALUE_NAMES.get(param.name, param.name.upper())
            elif param.param_type_name == "argument":
                _plain_argument(param)
    return command


def _plain_argument(param: Any) -> None:
    name = param.metavar or param.name.upper()
    usage = name if param.required else f"[{name}]"
    if param.nargs != 1 and not name.endswith("..."):
        usage += "..."
    # This typer prints an argument's type beside its metavar and braces a required one in the usage line;
    # where those hooks do not exist, setting them changes nothing.
    param.display_type_rich = lambda ctx: None
    param._usage_display_name = lambda: usage
