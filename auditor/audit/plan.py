"""The plan of an audit: which engines, built from the config with their keys, and which queries.

Keys are read here, at audit time, from the environment variables the config names (`api_key_env`); `env` is
injectable for tests. A key is handed to its engine and nowhere else: never stored, logged or printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from auditor.config import Config
from auditor.engines.base import Engine, Locale
from auditor.engines.registry import find
from auditor.models import Query


def plan_queries(config: Config) -> tuple[Query, ...]:
    """The bare name, then one query per qualifier."""
    name = config.person.name
    return (Query(name), *(Query(f"{name} {q}", q) for q in config.person.qualifiers))


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
