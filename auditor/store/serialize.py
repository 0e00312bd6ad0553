"""Dataclasses to JSON-ready dicts and back, driven by their type hints. Pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
Converter = Callable[[Any], Any]


def to_data(value: Any) -> Any:
    """A JSON-ready copy: enums become their values, dates ISO strings, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    return value


def from_data(cls: type[T], data: Any) -> T:
    """Rebuild a dataclass of type `cls` from `to_data`'s output."""
    return typing.cast(T, _converter(typing.cast(Any, cls))(data))


@cache
def _converter(hint: Any) -> Converter:
    """The function that rebuilds a value of type `hint`, worked out once per type.

    Reading the type hints costs far more than building an instance, and a history of audits builds
    thousands of instances of the same few classes: each type is inspected once, not once per value.
    """
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _nullable(_converter(options[0]))
    if origin is tuple:
        item = _converter(typing.get_args(hint)[0])
        return _nullable(lambda data: tuple(item(v) for v in data))
    if origin in (dict, Mapping, typing.Mapping) or hint is Mapping:
        args = typing.get_args(hint)
        if not args:
            return _nullable(dict)
        value = _converter(args[1])
        return _nullable(lambda data: {k: value(v) for k, v in data.items()})
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _nullable(_dataclass_converter(hint))
    if hint is dt.datetime:
        return _nullable(dt.datetime.fromisoformat)
    if hint is dt.date:
        return _nullable(dt.date.fromisoformat)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _nullable(hint)
    return _identity


def _dataclass_converter(cls: type) -> Converter:
    hints = typing.get_type_hints(cls)
    fields = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
    converters: dict[str, Converter] = {}

    def build(data: Any) -> Any:
        if not converters:
            # Filled at the first instance, not here: a dataclass may name itself (or a class naming it).
            converters.update({name: _converter(hint) for name, hint in fields.items()})
        return cls(**{k: converters[k](v) for k, v in data.items() if k in converters})

    return build


def _nullable(convert: Converter) -> Converter:
    def apply(data: Any) -> Any:
        return None if data is None else convert(data)

    return apply


def _identity(data: Any) -> Any:
    return data
