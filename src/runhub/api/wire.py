"""Request messages as MLflow clients send them (mlflow-api.md §2.0), parsed into plain dicts.

A message is declared as a tuple of :class:`Field`. Parsing accepts snake_case and lowerCamelCase
names, int64 as numbers or numeric strings, doubles also as "NaN"/"Infinity"/"-Infinity", enums
by name or number, GET query strings with repeated keys for repeated fields, and (as MLflow's
parser does) a number in a string field only for experiment ids.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson

from runhub.api.json_body import check_json_value
from runhub.errors import InvalidParameter

_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
INT64 = 2**63
# Beyond 2**53 a float no longer names one integer: orjson hands integer literals past uint64 over
# as floats, so such a value is refused rather than rounded (to +-2**63, say).
EXACT_FLOAT_INT = 2**53
# The only string fields that also take a JSON number, as MLflow's parser allows.
NUMERIC_IDS = frozenset({"experiment_id", "experiment_ids"})


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


# Converters, one per field kind: ``(field, value, prefix) -> typed value``; InvalidParameter
# naming ``prefix + field.name``. The common shape of each kind is decided first: a log-batch
# holds thousands of fields.


def _to_str(f: Field, value: Any, prefix: str) -> Any:
    if type(value) is str:
        return value
    if f.name in NUMERIC_IDS and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _hint(prefix + f.name, value)


def _to_int(f: Field, value: Any, prefix: str) -> Any:
    if type(value) is int:
        result = value
    elif isinstance(value, bool):
        raise _hint(prefix + f.name, value)
    elif isinstance(value, float) and value.is_integer() and abs(value) <= EXACT_FLOAT_INT:
        result = int(value)
    elif isinstance(value, str):
        try:
            result = int(value.strip())
        except ValueError:
            raise _hint(prefix + f.name, value) from None
    else:
        raise _hint(prefix + f.name, value)
    if not -INT64 <= result < INT64:
        raise _hint(prefix + f.name, value)
    return result


def _to_float(f: Field, value: Any, prefix: str) -> Any:
    if type(value) is float:
        return value
    if isinstance(value, bool):
        raise _hint(prefix + f.name, value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        if value in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value]
        try:
            return float(value)
        except ValueError:
            raise _hint(prefix + f.name, value) from None
    raise _hint(prefix + f.name, value)


def _to_bool(f: Field, value: Any, prefix: str) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _hint(prefix + f.name, value)


def _to_enum(f: Field, value: Any, prefix: str) -> Any:
    assert f.enum is not None
    if isinstance(value, str):
        if value in f.enum.values():
            return value
        if value.isdigit() and int(value) in f.enum:
            return f.enum[int(value)]
    elif isinstance(value, int) and not isinstance(value, bool) and value in f.enum:
        return f.enum[value]
    raise _hint(prefix + f.name, value)


def _as_is(f: Field, value: Any, prefix: str) -> Any:
    if isinstance(value, (dict, list)):
        check_json_value(value, prefix + f.name)
    return value


def _to_msg(f: Field, value: Any, prefix: str) -> Any:
    if not isinstance(value, dict):
        raise _hint(prefix + f.name, value)
    return parse_message(f.fields, value, prefix=f"{prefix}{f.name}.")


Converter = Callable[[Field, Any, str], Any]
_CONVERTERS: dict[str, Converter] = {
    "str": _to_str,
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "enum": _to_enum,
    "json": _as_is,
    "msg": _to_msg,
}

# Per message declaration, worked out once: (field, name, its camelCase name when that
# differs, converter).
_Step = tuple[Field, str, "str | None", Converter]
_PLANS: dict[int, tuple[tuple[Field, ...], list[_Step]]] = {}


def _plan(fields: tuple[Field, ...]) -> list[_Step]:
    known = _PLANS.get(id(fields))
    if known is None or known[0] is not fields:
        steps: list[_Step] = []
        for f in fields:
            if f.kind not in _CONVERTERS:
                raise AssertionError(f"unknown field kind {f.kind}")
            camel = f.camel if f.camel != f.name else None
            steps.append((f, f.name, camel, _CONVERTERS[f.kind]))
        known = (fields, steps)
        _PLANS[id(fields)] = known  # holds ``fields``, so its id is never reused meanwhile
    return known[1]


def parse_message(
    fields: tuple[Field, ...], data: Mapping[str, Any], prefix: str = ""
) -> dict[str, Any]:
    """Typed values of ``fields`` from a decoded JSON object; unknown keys are ignored."""
    out: dict[str, Any] = {}
    for f, name, camel, convert in _plan(fields):
        raw = data.get(name)
        if camel is not None and camel in data:
            if name in data:
                raise InvalidParameter(
                    f"Request specifies both '{name}' and '{camel}'; give the field once."
                )
            raw = data[camel]
        if raw is None:
            value: Any = [] if f.repeated else f.default
        elif f.repeated:
            items = raw if isinstance(raw, list) else [raw]
            value = [convert(f, item, prefix) for item in items]
        else:
            value = convert(f, raw, prefix)
        if f.required and (value is None or value == "" or (f.repeated and not value)):
            raise InvalidParameter(
                f"Missing value for required parameter '{prefix}{name}'. See the API docs for "
                "more information about request parameters."
            )
        out[name] = value
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
