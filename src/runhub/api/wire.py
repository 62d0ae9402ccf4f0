"""Request messages as MLflow clients send them (mlflow-api.md §2.0), parsed into plain dicts.

A message is declared as a tuple of :class:`Field`. Parsing accepts snake_case and lowerCamelCase
names, int64 as numbers or numeric strings, doubles also as "NaN"/"Infinity"/"-Infinity", enums
by name or number, and GET query strings with repeated keys for repeated fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson

from runhub.errors import InvalidParameter

_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
INT64 = 2**63


@dataclass(frozen=True)
class Field:
    """One field of a request message."""

    name: str
    kind: str = "str"  # str | int | float | bool | enum | msg | json (any JSON value, as is)
    repeated: bool = False
    required: bool = False
    fields: tuple[Field, ...] = ()  # for kind == "msg"
    enum: Mapping[int, str] | None = None  # number -> name, for kind == "enum"
    default: Any = None

    @cached_property
    def camel(self) -> str:
        head, *rest = self.name.split("_")
        return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _hint(name: str, value: Any) -> InvalidParameter:
    try:
        shown = orjson.dumps(value).decode()
    except TypeError:
        shown = repr(value)
    return InvalidParameter(
        f"Invalid value {shown} for parameter '{name}' supplied: Hint: Value was of type "
        f"'{type(value).__name__}'. See the API docs for more information about request "
        "parameters."
    )


def _scalar(f: Field, value: Any, path: str) -> Any:
    if f.kind == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise _hint(path, value)
    if f.kind == "int":
        if isinstance(value, bool):
            raise _hint(path, value)
        if isinstance(value, int):
            result = value
        elif isinstance(value, float) and value.is_integer():
            result = int(value)
        elif isinstance(value, str):
            try:
                result = int(value.strip())
            except ValueError:
                raise _hint(path, value) from None
        else:
            raise _hint(path, value)
        if not -INT64 <= result < INT64:
            raise _hint(path, value)
        return result
    if f.kind == "float":
        if isinstance(value, bool):
            raise _hint(path, value)
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            if value in _SPECIAL_FLOATS:
                return _SPECIAL_FLOATS[value]
            try:
                return float(value)
            except ValueError:
                raise _hint(path, value) from None
        raise _hint(path, value)
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _hint(path, value)
    if f.kind == "enum":
        assert f.enum is not None
        if isinstance(value, str):
            if value in f.enum.values():
                return value
            if value.isdigit() and int(value) in f.enum:
                return f.enum[int(value)]
        elif isinstance(value, int) and not isinstance(value, bool) and value in f.enum:
            return f.enum[value]
        raise _hint(path, value)
    if f.kind == "json":
        return value
    if f.kind == "msg":
        if not isinstance(value, dict):
            raise _hint(path, value)
        return parse_message(f.fields, value, prefix=f"{path}.")
    raise AssertionError(f"unknown field kind {f.kind}")


def parse_message(
    fields: tuple[Field, ...], data: Mapping[str, Any], prefix: str = ""
) -> dict[str, Any]:
    """Typed values of ``fields`` from a decoded JSON object; unknown keys are ignored."""
    out: dict[str, Any] = {}
    for f in fields:
        path = prefix + f.name
        camel = f.camel
        has_snake, has_camel = f.name in data, camel != f.name and camel in data
        if has_snake and has_camel:
            raise InvalidParameter(
                f"Request specifies both '{f.name}' and '{f.camel}'; give the field once."
            )
        raw = data[f.name] if has_snake else data.get(camel)
        if raw is None:
            value: Any = [] if f.repeated else f.default
        elif f.repeated:
            items = raw if isinstance(raw, list) else [raw]
            value = [_scalar(f, item, path) for item in items]
        else:
            value = _scalar(f, raw, path)
        if f.required and (value is None or value == "" or (f.repeated and not value)):
            raise InvalidParameter(
                f"Missing value for required parameter '{path}'. See the API docs for more "
                "information about request parameters."
            )
        out[f.name] = value
    return out


def parse_query(fields: tuple[Field, ...], pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Typed values of ``fields`` from a query string's (key, value) pairs."""
    repeated = {f.name for f in fields if f.repeated} | {f.camel for f in fields if f.repeated}
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in repeated:
            data.setdefault(key, []).append(value)
        else:
            data[key] = value
    return parse_message(fields, data)
