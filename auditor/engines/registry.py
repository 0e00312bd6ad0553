"""Every engine the program knows: the built-in ones, in the order `auditor engines` lists them, plus any
registered at run time (a test's fake engine) without another module changing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditor.engines import (
    brave,
    browser_bing,
    browser_google,
    duckduckgo_html,
    google_cse,
    mojeek,
    searxng,
    serpapi,
    serper,
)
from auditor.engines.spec import EngineSpec

BUILT_IN: tuple[EngineSpec[Any], ...] = (
    duckduckgo_html.ENGINE,
    searxng.ENGINE,
    brave.ENGINE,
    serpapi.ENGINE,
    serper.ENGINE,
    mojeek.ENGINE,
    google_cse.ENGINE,
    browser_google.ENGINE,
    browser_bing.ENGINE,
)

_added: dict[str, EngineSpec[Any]] = {}


def specs() -> tuple[EngineSpec[Any], ...]:
    return (*BUILT_IN, *_added.values())


def names() -> tuple[str, ...]:
    return tuple(spec.name for spec in specs())


def find(name: str) -> EngineSpec[Any] | None:
    return next((spec for spec in specs() if spec.name == name), None)


def get(name: str) -> EngineSpec[Any]:
    """The engine called `name`; ValueError saying so (with a guess) when there is none."""
    spec = find(name)
    if spec is None:
        raise ValueError(unknown_engine(name))
    return spec


def label(name: str) -> str:
    """The engine's label, or its name when it is not (or no longer) known: stored audits keep old names."""
    spec = find(name)
    return spec.label if spec else name


def suggestion(name: str) -> str | None:
    """The known engine `name` most likely meant: a close spelling, else one a part of whose name it is
    close to (`bing` -> `browser_bing`)."""
    known = names()
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return close[0]
    wanted = name.lower()
    for engine in known:
        if difflib.get_close_matches(wanted, engine.split("_"), n=1, cutoff=0.8):
            return engine
    return None


def unknown_engine(name: str) -> str:
    guess = suggestion(name)
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return f"unknown engine {name!r}{hint}; known engines: {', '.join(names())}"


def register(spec: EngineSpec[Any]) -> None:
    """Add an engine for the rest of the process; its name must be new."""
    if find(spec.name) is not None:
        raise ValueError(f"an engine called {spec.name!r} is already registered")
    _added[spec.name] = spec


def unregister(name: str) -> None:
    """Remove an engine added by `register` (the built-in ones stay)."""
    if name not in _added:
        raise ValueError(f"{name!r} was not added by register()")
    del _added[name]


@contextmanager
def registered(spec: EngineSpec[Any]) -> Iterator[EngineSpec[Any]]:
    """`spec` registered for the duration of the block, and removed after it even when the block fails."""
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec.name)
