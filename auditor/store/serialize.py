"""Dataclasses to JSON-ready dicts and back, driven by their type hints. Pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
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
    return typing.cast(T, _converter(typing.cast(Any, cls)).nullable(data))


class _Conversion(typing.NamedTuple):
    nullable: Converter
    """Rebuilds a value or None."""
    non_null: Converter | None
    """Rebuilds a value that is not None; None when the JSON value already is it (a string, a number, a
    bool): the caller then keeps it as it is, without a call per value."""


@cache
def _converter(hint: Any) -> _Conversion:
    """How to rebuild a value of type `hint`, worked out once per type.

    Reading the type hints costs far more than building an instance, and a history of audits builds
    thousands of instances of the same few classes: each type is inspected once, not once per value.
    """
    convert = _non_null(hint)
    return _Conversion(_identity if convert is None else _nullable(convert), convert)


def _non_null(hint: Any) -> Converter | None:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _converter(options[0]).non_null
    if origin is tuple:
        item = _converter(typing.get_args(hint)[0]).nullable
        return tuple if item is _identity else (lambda data: tuple([item(v) for v in data]))
    if origin in (dict, Mapping, typing.Mapping) or hint is Mapping:
        args = typing.get_args(hint)
        if not args:
            return dict
        value = _converter(args[1]).nullable
        return dict if value is _identity else (lambda data: {k: value(v) for k, v in data.items()})
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_converter(hint)
    if hint is dt.datetime:
        return dt.datetime.fromisoformat
    if hint is dt.date:
        return dt.date.fromisoformat
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_converter(hint)
    return None


def _enum_converter(cls: type[enum.Enum]) -> Converter:
    # A dict lookup: calling the enum class goes through its metaclass for every value.
    members = {member.value: member for member in cls}

    def convert(data: Any) -> Any:
        found = members.get(data)
        return found if found is not None else cls(data)  # an unknown value fails as the class would

    return convert


def _dataclass_converter(cls: type) -> Converter:
    hints = typing.get_type_hints(cls)
    fields = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
    converters: dict[str, Converter | None] = {}
    defaults = _defaults(cls)
    new = object.__new__

    def build(data: Any) -> Any:
        if not converters:
            # Filled at the first instance, not here: a dataclass may name itself (or a class naming it).
            converters.update({name: _converter(hint).non_null for name, hint in fields.items()})
        kwargs = {}
        for key, value in data.items():
            if key in converters:
                convert = converters[key]
                kwargs[key] = value if convert is None or value is None else convert(value)
        if defaults is None:
            return cls(**kwargs)
        if len(kwargs) != len(converters):
            kwargs.update({name: default() for name, default in defaults.items() if name not in kwargs})
            if len(kwargs) != len(converters):  # a field without a default is missing: __init__ says which
                return cls(**kwargs)
        # What the generated __init__ would do (it only assigns each field), without its per-field
        # object.__setattr__ of a frozen class: most of the time of reading a long history back.
        instance: Any = new(cls)
        instance.__dict__.update(kwargs)
        return instance

    return build


_Defaults = dict[str, Callable[[], Any]]


def _defaults(cls: type) -> _Defaults | None:
    """Each field's default (as a function giving it), when building an instance is only assigning its
    fields; None when the class does more in its __init__ (a __post_init__, slots, a field left out of it)."""
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        return None
    found: _Defaults = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            return None
        if f.default is not dataclasses.MISSING:
            found[f.name] = functools.partial(_identity, f.default)
        elif f.default_factory is not dataclasses.MISSING:
            found[f.name] = f.default_factory
    return found


def _nullable(convert: Converter) -> Converter:
    def apply(data: Any) -> Any:
        return None if data is None else convert(data)

    return apply


def _identity(data: Any) -> Any:
    return data
