"""The `[engines.*]` tables: each engine's settings, validated by the engine's own model from the registry.

The registry is imported where it is used: loading it loads every engine's module, which a command that asks no
engine need not pay for (`READ_ENGINES`, `load_config(..., engines=False)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

if TYPE_CHECKING:
    from auditor.engines.spec import EngineSettings

READ_ENGINES = "read_engines"
"""Validation context key: False leaves the engines out of the check (the `[engines.*]` tables, the names in
`audit.engines`, whether the listed engines can work), for the commands that ask no engine."""


def reads_engines(info: ValidationInfo) -> bool:
    return not (isinstance(info.context, dict) and info.context.get(READ_ENGINES) is False)


class EnginesSettings(BaseModel):
    """The `[engines.NAME]` tables: one per registered engine, each validated by the engine's own settings model
    (`EngineSpec.settings`), read as attributes (`config.engines.searxng.url`). A table left out is the engine's
    defaults, so every registered engine has its settings."""

    model_config = ConfigDict(extra="allow", frozen=True)

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...

    @model_validator(mode="before")
    @classmethod
    def _each_engine_by_its_own_model(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            return data  # already settings, or not a table: pydantic says so
        if not reads_engines(info):
            return {}  # not read: `settings` says so if it is asked
        from auditor.engines import registry

        problems: list[InitErrorDetails] = [
            {"type": _unknown_engine(name), "loc": (name,), "input": table}
            for name, table in data.items()
            if registry.find(name) is None
        ]
        tables: dict[str, EngineSettings] = {}
        for spec in registry.specs():
            try:
                tables[spec.name] = spec.settings.model_validate(data.get(spec.name, {}))
            except ValidationError as exc:
                problems.extend(_under(spec.name, error) for error in exc.errors())
        if problems:
            raise ValidationError.from_exception_data(cls.__name__, problems)
        return tables

    def settings(self, engine: str) -> EngineSettings:
        """The settings of `engine` (a registered name)."""
        from auditor.engines import registry
        from auditor.engines.spec import EngineSettings

        if not self.__pydantic_extra__:
            raise RuntimeError("the [engines] tables were not read: load the config with engines=True")
        found = self.__pydantic_extra__.get(engine)
        if not isinstance(found, EngineSettings):
            raise ValueError(registry.unknown_engine(engine))
        return found

    def budget(self, engine: str) -> int | None:
        """The monthly budget of `engine` (a registered name); None means no limit."""
        return self.settings(engine).monthly_budget

    def key_env(self, engine: str) -> str | None:
        """The environment variable holding `engine`'s key; None for engines without one."""
        from auditor.engines.spec import KeyedSettings

        settings = self.settings(engine)
        return settings.api_key_env if isinstance(settings, KeyedSettings) else None


def _unknown_engine(name: str) -> PydanticCustomError:
    from auditor.engines import registry

    # The message goes in through the context: a name with braces must not be read as a template.
    return PydanticCustomError("unknown_engine", "{message}", {"message": registry.unknown_engine(name)})


def _under(engine: str, error: ErrorDetails) -> InitErrorDetails:
    """An error of one engine's table, placed under the engine's name so that it reads `engines.NAME.key`."""
    found: InitErrorDetails = {"type": error["type"], "loc": (engine, *error["loc"]), "input": error["input"]}
    if "ctx" in error:
        found["ctx"] = error["ctx"]
    return found
