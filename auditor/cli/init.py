"""`auditor init`: a starter config holding the user's own name, site and profiles, never the example's."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli.common import DEFAULT_CONFIG, ConfigOption, app, err, invocation, out
from auditor.errors import UsageError

if TYPE_CHECKING:
    from auditor.config import Config


def example_text() -> str:
    return resources.files("auditor").joinpath("config.example.toml").read_text(encoding="utf-8")


def example_config() -> Config:
    from auditor.config import parse_config

    return parse_config(example_text(), source="config.example.toml", base_dir=Path("."))


def still_the_example(config: Config) -> bool:
    """True when the config's person is the example's (its site, or its name with its profiles): auditing that
    is auditing a stranger on the real internet, which nobody who ran `auditor init` meant to do. The name
    alone proves nothing: a real person may share it."""
    example = example_config()
    if _host(config.person.site) == _host(example.person.site):
        return True
    return config.person.name == example.person.name and dict(config.profiles) == dict(example.profiles)


def _host(url: str) -> str:
    return re.sub(r"^www\.", "", url.split("//", 1)[-1].split("/", 1)[0].lower())


def starter_text(name: str, site: str, profiles: dict[str, str]) -> str:
    """The example config, every key commented as it is, with this person in [person] and [profiles]: the
    example's aliases and qualifiers go too (they describe the example person)."""
    values = {
        "name": _toml(name),
        "aliases": "[]",
        "site": _toml(site),
        "old_sites": "[]",
        "qualifiers": "[]",
    }
    lines = example_text().splitlines()
    section = ""
    written: list[str] = []
    for line in lines:
        header = re.match(r"^\[([a-z_.]+)\]\s*$", line)
        if header:
            section = header.group(1)
            written.append(line)
            continue
        key = re.match(r"^([a-z_]+)\s*=", line)
        if section == "person" and key and key.group(1) in values:
            written.append(f"{key.group(1)} = {values[key.group(1)]}")
        elif section == "profiles" and key:  # the example's profiles: this person's in place of the first
            if profiles:
                written.extend(f"{network} = {_toml(url)}" for network, url in profiles.items())
                profiles = {}
        else:
            written.append(line)
    return "\n".join(written) + "\n"


def _toml(value: str) -> str:
    # A JSON string is a TOML basic string: same quotes, same escapes (\", \\, \n, \uXXXX).
    return json.dumps(value, ensure_ascii=False)


def parse_profile(value: str) -> tuple[str, str]:
    """`NETWORK=URL`, or a bare profile URL whose network is recognised. Raises UsageError."""
    from auditor.identify.networks import default_registry
    from auditor.identify.urls import is_http_url

    network, sep, url = value.partition("=")
    if sep and not network.strip().startswith(("http:", "https:")) and re.fullmatch(r"[a-z_]+", network.strip()):
        return network.strip(), url.strip()
    url = value.strip()
    found = default_registry().match(url) if is_http_url(url) else None
    if found is None or not found.is_profile:
        raise UsageError(
            f"--profile: {value!r} is not a profile URL of a known network; give it as NETWORK=URL "
            "(networks: see config.example.toml)"
        )
    return found.network.key, url


def _interactive() -> bool:
    return sys.stdin.isatty()


def _prompt_until(question: str, problem: Callable[[str], str | None]) -> str:
    """Ask until the answer has no problem; `problem(answer)` says what is wrong, or None."""
    while True:
        answer = str(typer.prompt(question)).strip()
        wrong = problem(answer)
        if wrong is None:
            return answer
        err.print(f"  {wrong}")


def _name_problem(answer: str) -> str | None:
    return None if answer else "Your name is needed: the audit searches for it."


def _site_problem(answer: str) -> str | None:
    from auditor.identify.urls import is_http_url

    return None if is_http_url(answer) else f"{answer!r} is not an address; write it in full, e.g. https://example.com"


def _ask_profiles() -> dict[str, str]:
    out.print("Your profiles (LinkedIn, GitHub, X, Mastodon ...): paste one URL at a time, an empty line when done.")
    profiles: dict[str, str] = {}
    while True:
        answer = str(typer.prompt("Profile URL", default="", show_default=False)).strip()
        if not answer:
            return profiles
        try:
            network, url = parse_profile(answer)
        except UsageError:
            err.print("  Not a profile page of a known network; try its full address, or leave it out.")
            continue
        from auditor.config import profile_problems

        problems = profile_problems({network: url})
        if problems:
            err.print(f"  {problems[0]}")
            continue
        profiles[network] = url
        out.print(f"  {network}: {url}")


@app.command(short_help="Write your config: your name, site and profiles.")
def init(
    config: ConfigOption = DEFAULT_CONFIG,
    name: Annotated[
        str | None, typer.Option("--name", help="Your name as people search it. Asked for when not given.")
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", help="Your site's address, in full (https://...). Asked for when not given.")
    ] = None,
    profile: Annotated[
        list[str] | None,
        typer.Option(
            "--profile",
            metavar="NETWORK=URL",
            help="One of your profiles, such as linkedin=https://www.linkedin.com/in/you. Repeat it for each one.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    workspace: Annotated[
        bool, typer.Option("--workspace", help="Write a workspace instead: many people, one [people.SLUG] each.")
    ] = False,
) -> None:
    """Write a config for you: your name, site and profiles, and every other setting with its default.

    What is not given as an option is asked for, in a terminal. Without one (a script), --name and --site
    are needed. With --workspace, a starter for many people, to edit.
    """
    from auditor.config import parse_config

    if config.exists() and not force:
        raise UsageError(f"{config}: already exists (use --force to overwrite it)")
    if workspace:
        _write_workspace_starter(config)
        return
    profiles = dict(parse_profile(p) for p in profile or ())
    if name is None or site is None:
        if not _interactive():
            missing = " and ".join(o for o, v in (("--name", name), ("--site", site)) if v is None)
            raise UsageError(f"init: {missing} needed (or run it in a terminal to be asked)")
        out.print(f"Writing {config}. Three questions; every other setting keeps its default.")
        name = name if name is not None else _prompt_until("Your name, as people search it", _name_problem)
        site = site if site is not None else _prompt_until("Your site's address (https://...)", _site_problem)
        if not profile:
            profiles = _ask_profiles()
    text = starter_text(name, site, profiles)
    # Checked as `audit` will read it; nothing is written when something is wrong.
    parse_config(text, source=f"{config} (not written)", base_dir=config.resolve().parent)
    try:
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{config}: cannot write ({exc.strerror})") from None
    counted = f"{len(profiles)} profile{'s' if len(profiles) != 1 else ''}"
    out.print(f"Wrote {config} for {name} ({site}, {counted}). Next: {invocation()} audit -c {config}")
    out.print("Optional: add qualifiers, other spellings of your name or engines in it; each key is explained there.")


def refuse_the_example(config: Config, path: Path) -> None:
    """One line, before anything is sent: the config still describes the example person."""
    if still_the_example(config):
        raise UsageError(
            f"{path}: [person] is still the example's ({config.person.name}, {config.person.site}); put your own "
            f"name and site there, or write a new config with `{invocation()} init --force -c {path}`"
        )


def _write_workspace_starter(config: Path) -> None:
    from importlib import resources

    example = resources.files("auditor").joinpath("workspace.example.toml").read_text(encoding="utf-8")
    try:
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(example, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{config}: cannot write ({exc.strerror})") from None
    out.print(f"Wrote {config}. Edit [people.SLUG] and their profiles, then run: auditor audit -c {config}")
