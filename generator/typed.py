"""Typed records for the inventory: declaration, strict conversion from YAML data, JSON Schema.

A record is a frozen dataclass whose fields each carry a one-line description
(`Field`); text fields may carry a pattern (`Pattern`). `convert` builds records
from the plain data `source.py` reads, collecting every problem with its key path
instead of stopping at the first, and never coercing a value into another type.
`json_schema` exports the same declarations for editors.

This replaced a validation library (pydantic) that cost a cold build about 0.3 s
of CPU before Graphviz could start (its import, building the models' validators,
the first validation), against 0.06 s for this module, the models and the same
checks; the inventory needs only these few kinds of value. The messages stayed the
same (but that a wrong mapping key is now named as `offerings.AWS`, not
`offerings.AWS["[key]"]`), and so did the exported JSON Schema, byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import sys
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar, Union, dataclass_transform, get_args, get_origin

Loc = tuple[str | int, ...]
R = TypeVar("R", bound="Record")


@dataclasses.dataclass(frozen=True)
class Pattern:
    """A text field must contain a match of `regex` (anchor it with ^ and $ to match it whole)."""

    regex: str


@dataclasses.dataclass(frozen=True)
class Error:
    """One value that does not fit its declaration: where, what kind, and the value found."""

    loc: Loc
    # missing, extra_forbidden, string_type, bool_type, date_type, list_type, dict_type, model_type,
    # string_pattern_mismatch
    kind: str
    value: Any = None
    pattern: str | None = None


def Field(*, description: str, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING) -> Any:
    """A record field with its one-line description; without a default it is required."""
    meta = {"description": description}
    if default_factory is not MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(Field,))
class Record:
    """Base: every subclass is a frozen, keyword-only dataclass; unknown keys are errors."""

    if TYPE_CHECKING:
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True, kw_only=True)(cls)


def replace(record: R, **changes: Any) -> R:
    """A copy of `record` with some fields changed (not checked again)."""
    return dataclasses.replace(record, **changes)


def dump(record: Record, exclude_none: bool = False) -> dict[str, Any]:
    """The record as plain data, keys in declaration order."""
    out = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if not (exclude_none and value is None):
            out[f.name] = _plain(value, exclude_none)
    return out


def _plain(value: Any, exclude_none: bool) -> Any:
    if isinstance(value, Record):
        return dump(value, exclude_none)
    if isinstance(value, list):
        return [_plain(v, exclude_none) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, exclude_none) for k, v in value.items()}
    return value


# -- the declared types, resolved once per record class ---------------------------------------


@dataclasses.dataclass(frozen=True)
class _FieldInfo:
    name: str
    kind: Any  # the resolved annotation
    description: str
    required: bool
    default: Any
    factory: Callable[[], Any] | None


_FIELDS: dict[type, list[_FieldInfo]] = {}


def record_fields(cls: type[Record]) -> list[_FieldInfo]:
    """The fields of a record class, in declaration order, with their annotations resolved."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]), include_extras=True)
        found = [
            _FieldInfo(
                name=f.name,
                kind=hints[f.name],
                description=f.metadata["description"],
                required=f.default is MISSING and f.default_factory is MISSING,
                default=f.default,
                factory=None if f.default_factory is MISSING else f.default_factory,
            )
            for f in dataclasses.fields(cls)
        ]
        _FIELDS[cls] = found
    return found


def is_record(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Record)


def _optional(kind: Any) -> Any | None:
    """X for `X | None`, else None."""
    if get_origin(kind) in (Union, types.UnionType):
        args = [a for a in get_args(kind) if a is not type(None)]
        if len(args) == 1 and len(get_args(kind)) == 2:
            return args[0]
    return None


def _annotated(kind: Any) -> tuple[Any, str | None]:
    """(the type, its pattern) for `Annotated[str, Pattern(...)]`; (kind, None) otherwise."""
    if get_origin(kind) is Annotated:
        base, *extras = get_args(kind)
        patterns = [e.regex for e in extras if isinstance(e, Pattern)]
        return base, (patterns[0] if patterns else None)
    return kind, None


def record_at(cls: type[Record], name: str) -> tuple[type[Record] | None, bool]:
    """The record type a field of `cls` holds (inside lists, dicts or None), and whether its
    values sit under mapping keys; (None, False) for a field of plain values or no such field."""
    info = next((f for f in record_fields(cls) if f.name == name), None)
    if info is None:
        return None, False
    kind, keyed = info.kind, False
    while True:
        kind = _optional(kind) or _annotated(kind)[0]
        origin = get_origin(kind)
        if origin is list:
            kind = get_args(kind)[0]
        elif origin is dict:
            kind, keyed = get_args(kind)[1], True
        else:
            break
    return (kind, keyed) if is_record(kind) else (None, False)


# -- conversion -------------------------------------------------------------------------------

_COMPILED: dict[str, re.Pattern[str]] = {}


def _matches(pattern: str, text: str) -> bool:
    # `$` also matches before a final newline in Python's re; the declarations mean the end.
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)
    return compiled.search(text) is not None


def convert(kind: Any, value: Any, loc: Loc, errors: list[Error]) -> Any:
    """`value` as `kind`; every problem is appended to `errors` (the result is then unusable)."""
    inner = _optional(kind)
    if inner is not None:
        return None if value is None else convert(inner, value, loc, errors)
    kind, pattern = _annotated(kind)
    if kind is str:
        if not isinstance(value, str):
            errors.append(Error(loc, "string_type", value))
        elif pattern is not None and not _matches(pattern, value):
            errors.append(Error(loc, "string_pattern_mismatch", value, pattern))
        return value
    if kind is bool:
        if not isinstance(value, bool):
            errors.append(Error(loc, "bool_type", value))
        return value
    if kind is datetime.date:
        return _date(value, loc, errors)
    if kind is Any:
        return value
    origin = get_origin(kind)
    if origin is list:
        if not isinstance(value, list):
            errors.append(Error(loc, "list_type", value))
            return value
        item = get_args(kind)[0]
        return [convert(item, v, (*loc, i), errors) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            errors.append(Error(loc, "dict_type", value))
            return value
        key_kind, item = get_args(kind)
        out = {}
        for key, v in value.items():
            # A key that is not what the mapping takes is reported at the key itself.
            checked = convert(key_kind, key, (*loc, key), errors)
            out[checked] = convert(item, v, (*loc, key), errors)
        return out
    if is_record(kind):
        return _record(kind, value, loc, errors)
    raise TypeError(f"no conversion declared for {kind!r}")


def _date(value: Any, loc: Loc, errors: list[Error]) -> Any:
    # YAML reads an unquoted 2026-12-08 as a date; a quoted one means the same day to a reader.
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:  # a day that does not exist, such as 2026-02-30
            pass
    errors.append(Error(loc, "date_type", value))
    return value


def _record(cls: type[Record], value: Any, loc: Loc, errors: list[Error]) -> Any:
    if not isinstance(value, dict):
        errors.append(Error(loc, "model_type", value))
        return None
    before = len(errors)
    values = {}
    fields = record_fields(cls)
    for f in fields:
        if f.name in value:
            values[f.name] = convert(f.kind, value[f.name], (*loc, f.name), errors)
        elif f.required:
            errors.append(Error((*loc, f.name), "missing", value))
    known = {f.name for f in fields}
    for key, item in value.items():
        if key not in known:
            errors.append(Error((*loc, key), "extra_forbidden", item))
    return cls(**values) if len(errors) == before else None


# -- JSON Schema ------------------------------------------------------------------------------


def _title(name: str) -> str:
    return name.replace("_", " ").title()


def _schema(kind: Any, defs: dict[str, Any]) -> dict[str, Any]:
    inner = _optional(kind)
    if inner is not None:
        return {"anyOf": [_schema(inner, defs), {"type": "null"}]}
    kind, pattern = _annotated(kind)
    if kind is str:
        return {"type": "string"} | ({"pattern": pattern} if pattern else {})
    if kind is bool:
        return {"type": "boolean"}
    if kind is datetime.date:
        return {"type": "string", "format": "date"}
    if kind is Any:
        return {}
    origin = get_origin(kind)
    if origin is list:
        return {"type": "array", "items": _schema(get_args(kind)[0], defs)}
    if origin is dict:
        key_kind, item = get_args(kind)
        key_pattern = _annotated(key_kind)[1]
        if key_pattern:
            return {"type": "object", "patternProperties": {key_pattern: _schema(item, defs)}}
        return {"type": "object", "additionalProperties": _schema(item, defs) or True}
    if is_record(kind):
        if kind.__name__ not in defs:
            defs[kind.__name__] = {}  # claimed before its fields, so a record may hold itself
            defs[kind.__name__] = _record_schema(kind, defs)
        return {"$ref": f"#/$defs/{kind.__name__}"}
    raise TypeError(f"no schema declared for {kind!r}")


def _record_schema(cls: type[Record], defs: dict[str, Any]) -> dict[str, Any]:
    properties = {}
    for f in record_fields(cls):
        prop = _schema(f.kind, defs)
        if "$ref" not in prop:
            prop["title"] = _title(f.name)
        prop["description"] = f.description
        if not f.required and f.factory is None:
            prop["default"] = f.default
        properties[f.name] = prop
    schema: dict[str, Any] = {
        "type": "object",
        "title": cls.__name__,
        "description": " ".join((cls.__doc__ or "").split()),
        "properties": properties,
        "additionalProperties": False,
    }
    required = [f.name for f in record_fields(cls) if f.required]
    return schema | ({"required": required} if required else {})


def json_schema(cls: type[Record]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record class and everything it holds."""
    defs: dict[str, Any] = {}
    schema = _record_schema(cls, defs)
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema
