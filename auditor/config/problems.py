"""A config's problems in the user's words: `key: problem`, the cause first, "did you mean" for a typo."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from auditor.config.engines import EnginesSettings
from auditor.identify.networks import default_registry
from auditor.identify.urls import http_url_problem


def causes_first(exc: ValidationError) -> list[ErrorDetails]:
    """The errors with unknown keys and engine tables first: a typo such as `nmae` also makes `name` missing, and
    the typo is the cause."""
    return sorted(exc.errors(), key=lambda error: error["type"] not in ("extra_forbidden", "unknown_engine"))


def profile_problems(values: Mapping[str, object]) -> list[str]:
    """Every problem of a `[profiles]` table, each as `network: problem`; [] when it is right."""
    registry = default_registry()
    problems = []
    for network, url in values.items():
        if network not in registry.by_key:
            close = difflib.get_close_matches(network, list(registry.by_key), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(registry.by_key))}"
            problems.append(f"{network}: unknown network ({hint})")
            continue
        problem = http_url_problem(url) if isinstance(url, str) else "not an http(s) URL"
        if problem or not isinstance(url, str):
            problems.append(f"{network}: {problem}: {url!r}")
            continue
        found = registry.match(url)
        if found is None or found.network.key != network:
            actual = f"a {found.network.label} URL" if found else "not a known network's URL"
            problems.append(f"{network}: {url!r} is {actual}, not a {registry.by_key[network].label} profile")
        elif not found.is_profile:
            problems.append(f"{network}: {url!r} is not a person's profile page")
    return problems


_NAMES_ITS_KEY = re.compile(r"^[a-z_]+\.[a-z_.]+: ")


def location(error: ErrorDetails) -> str:
    """The key an error is about, dotted as in the file (`audit.depth`)."""
    return ".".join(str(part) for part in error["loc"]) or "(top level)"


def known_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the model accepts beside the one at `loc` (for "did you mean"); [] where keys are free."""
    from auditor.config import Config

    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if model is EnginesSettings:
            from auditor.engines import registry

            spec = registry.find(str(part))
            if spec is None:
                return []
            model = spec.settings
            continue
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [name for name, field in model.model_fields.items() if not field.exclude]


def message(error: ErrorDetails) -> str:
    """One error in the user's words, without its key (`location` says which)."""
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(error["loc"][-1]), known_keys(tuple(error["loc"])), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "check its spelling against config.example.toml"
        return f"unknown key ({hint})"
    if error["type"] == "missing":
        return "required key is missing"
    if error["type"] in _EXPECTED:
        given = error["input"]
        hint = " (write it without quotes)" if isinstance(given, str) and _looks_numeric(given) else ""
        return f"expected {_EXPECTED[error['type']]}, got {_toml_kind(given)} {_shown(given)}{hint}"
    return str(error["msg"]).removeprefix("Value error, ")


_EXPECTED = {
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text in quotes",
    "bool_type": "true or false",
    "tuple_type": 'a list, such as ["a", "b"]',
    "dict_type": "a table",
    "model_type": "a table",
}
"""What a key of each type takes, in TOML's words (strict types: nothing is converted)."""


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _toml_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date" if hasattr(value, "isoformat") else "a value"


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, tuple) else repr(list(value))
    return text if len(text) <= 60 else text[:57] + "..."


def problems(errors: list[ErrorDetails], data: Mapping[str, object]) -> list[str]:
    """Every problem as `key: problem`, unknown keys first (a typo is the cause of the key it makes missing)."""
    typos = {
        (tuple(e["loc"][:-1]), close)
        for e in errors
        if e["type"] == "extra_forbidden"
        for close in difflib.get_close_matches(str(e["loc"][-1]), known_keys(tuple(e["loc"])), n=1)
    }
    found: list[str] = []
    for error in sorted(errors, key=lambda e: e["type"] != "extra_forbidden"):
        loc = tuple(error["loc"])
        if error["type"] == "missing" and (loc[:-1], str(loc[-1])) in typos:
            continue  # `nmae` already says it: "did you mean 'name'?"
        profiles = data.get("profiles")
        if loc == ("profiles",) and isinstance(profiles, Mapping):
            found.extend(f"profiles: {p}" for p in profile_problems(profiles) or [message(error)])
            continue
        said = message(error)
        if not loc and _NAMES_ITS_KEY.match(said):
            found.append(said)  # a check across tables names its key itself
            continue
        found.append(f"{location(error)}: {said}")
    return found
