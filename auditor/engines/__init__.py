"""Search engines: one module per engine behind `base.Engine`, each declaring itself in an `EngineSpec`
(`spec.py`) that the registry (`registry.py`) lists.

Keys are read here, at audit time, from the environment variables the config names (`api_key_env`); `env` is
injectable for tests. A key is handed to its engine and nowhere else: never stored, logged or printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from auditor.engines.base import Engine, Locale
from auditor.engines.registry import find

if TYPE_CHECKING:
    # Only the type: engines are below the config, which reads the registry to validate `[engines.NAME]`.
    from auditor.config import Config


def build_engine(name: str, config: Config, env: Mapping[str, str] | None = None) -> Engine:
    """The configured engine `name`; config validation has already rejected unknown names."""
    spec = find(name)
    if spec is None:
        raise ValueError(f"unknown engine {name!r}")
    env = os.environ if env is None else env
    return spec.build(config.engines.settings(name), Locale.parse(config.person.locale), env)


def build_engines(
    config: Config, only: tuple[str, ...] | None = None, env: Mapping[str, str] | None = None
) -> list[Engine]:
    return [build_engine(name, config, env) for name in (only or config.audit.engines)]
