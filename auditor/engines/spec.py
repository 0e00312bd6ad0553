"""What one engine declares about itself, in one place: `ENGINE = EngineSpec(...)` at the end of its module.

Everything outside the engine's module that needs to know about it (config validation, `auditor engines`,
`auditor parse`, the sniff, budgets, the report's labels, the sandbox's list) reads it from the registry
(`auditor.engines.registry`), so a new engine is one new module plus one line there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from auditor.engines.base import Engine, Locale
from auditor.errors import ConfigError
from auditor.models import ParsedPage
from auditor.net.fetched import Fetched

Budget = Annotated[int, Field(ge=0, strict=True)]
"""Requests a month; strict, so that `"100"` in the config is refused rather than read as a number."""


class EngineSettings(BaseModel):
    """One `[engines.NAME]` table: unknown keys are refused, so a typo never silently becomes a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    monthly_budget: Budget | None = None
    """Requests a month this engine may send; an audit that would go over refuses before sending anything."""


class KeyedSettings(EngineSettings):
    """An API engine: the key is read at audit time from the environment variable named here, never stored."""

    api_key_env: str = ""

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError(f"expected the name of an environment variable (such as BRAVE_API_KEY), got {value!r}")
        return value


def api_key(settings: KeyedSettings, env: Mapping[str, str]) -> str | None:
    """The key from the variable `settings` names (stripped), None when it is unset or blank."""
    value = env.get(settings.api_key_env, "").strip()
    if value:
        check_key(settings.api_key_env, value)
    return value or None


_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
"""Visible ASCII: what an HTTP header (where some engines send the key) carries as is, and what every real key is."""


def check_key(variable: str, value: str) -> None:
    """Refuse a key (already stripped) that an HTTP header cannot carry: non-ASCII, spaces or control
    characters inside. The message names the variable, never the value."""
    if not _HEADER_SAFE.fullmatch(value):
        raise ConfigError(
            f"{variable}: the key holds characters an HTTP header cannot carry (non-ASCII, spaces or control "
            "characters); copy the key again from the provider's console"
        )


S = TypeVar("S", bound=EngineSettings)


def _no_notes(today: dt.date) -> tuple[str, ...]:
    return ()


def _no_remarks(settings: Any) -> tuple[str, ...]:
    return ()


def _no_problem(settings: Any) -> str | None:
    return None


@dataclass(frozen=True)
class EngineSpec(Generic[S]):
    """One engine as the rest of the program knows it."""

    name: str
    """The name used in `audit.engines`, `[engines.NAME]`, `--engines` and `--engine`."""
    label: str
    """How the report and `auditor engines` name it."""
    kind: Literal["html", "api", "browser"]
    settings: type[S]
    """Its `[engines.NAME]` table; a default instance must be valid (an engine not configured still has one)."""
    build: Callable[[S, Locale, Mapping[str, str]], Engine]
    """The engine for these settings, the person's locale and the environment (where keys are read)."""
    parser: Callable[[Fetched], ParsedPage]
    """Its pure parser (`auditor parse`, rescoring)."""
    cost: str
    limits: str
    page_markers: tuple[str, ...] = ()
    """Text only its HTML pages hold (result markup, its own challenge pages): how a saved page is recognised."""
    json_shape: Callable[[dict[str, Any]], bool] | None = None
    """Whether a saved JSON object looks like its answers."""
    notices: Callable[[dt.date], tuple[str, ...]] = _no_notes
    """Warnings that depend on the date (an API closing), printed whenever the engine is configured."""
    remarks: Callable[[S], tuple[str, ...]] = _no_remarks
    """What `auditor engines` adds about these settings (which upstream results page it reads)."""
    problem: Callable[[S], str | None] = _no_problem
    """Why these settings cannot work when the engine is listed in `audit.engines` (a missing URL), or None."""

    @property
    def needs_key(self) -> bool:
        return issubclass(self.settings, KeyedSettings)

    def recognises(self, text: str, data: dict[str, Any] | None) -> bool:
        """Whether a saved answer (`data` is its JSON object, None when it is not one) looks like this engine's."""
        if data is not None:
            return self.json_shape is not None and self.json_shape(data)
        return any(marker in text for marker in self.page_markers)
