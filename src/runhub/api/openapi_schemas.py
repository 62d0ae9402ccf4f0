"""JSON Schemas (OpenAPI 3.1 dialect) of request message fields, as ``runhub.api.wire`` parses
them.

The schemas describe what the parser accepts, not only what clients usually send, so a tool that
generates requests from them (valid or invalid) meets the server's real rules: int64 also as a
numeric string, doubles also as "NaN"/"Infinity"/"-Infinity", enums by name or number, a
repeated field also as one bare value, and null for an optional field (read as its default).
Every value a schema admits is one the parser takes, save integral floats past 2**53 in an int64
field (a schema "integer" cannot tell 2.0 from 2). The one spelling left to words is an integer
in the few string fields that take one (experiment ids).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from runhub.api.wire import INT64, Field, parse_message
from runhub.errors import InvalidParameter

Schema = dict[str, Any]

ERROR: Schema = {
    "type": "object",
    "description": "The error shape of every runhub error response.",
    "required": ["error_code", "message"],
    "properties": {
        "error_code": {"type": "string", "examples": ["RESOURCE_DOES_NOT_EXIST"]},
        "message": {"type": "string"},
        "sqlstate": {"type": "string"},
        "error_class": {"type": "string"},
    },
}

_INT64_RANGE: Schema = {"format": "int64", "minimum": -INT64, "maximum": INT64 - 1}
_NUMERIC_TEXT = r"^-?[0-9]{1,18}$"  # digit strings always inside the int64 range
_SPECIAL_FLOATS = ["NaN", "Infinity", "-Infinity"]
_FLOAT_TEXT = r"^(NaN|-?Infinity|-?[0-9]{1,15}(\.[0-9]{1,15})?([eE]-?[0-9]{1,2})?)$"
_BOOL_TEXT = r"^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$"


def _enum_values(field: Field) -> list[Any]:
    assert field.enum is not None
    return [*field.enum.values(), *sorted(field.enum)]


def value_schema(field: Field) -> Schema:
    """The schema of one value of ``field`` in a JSON body (one item, for a repeated field).

    Where two JSON types are accepted, one ``type`` list carries both: ``minLength`` and
    ``pattern`` constrain only the strings, ``minimum``/``maximum`` only the numbers.
    """
    kind = field.kind
    if kind == "str":
        text: Schema = {"type": "string"}
        if _takes_integer(field):
            # Said in words: a schema "integer" also admits 5.0, which the parser refuses here.
            text["description"] = "A JSON integer is accepted too, as its decimal text."
        return {**text, "minLength": 1} if field.required else text
    if kind == "int":
        return {"type": ["integer", "string"], **_INT64_RANGE, "pattern": _NUMERIC_TEXT}
    if kind == "float":
        return {"type": ["number", "string"], "pattern": _FLOAT_TEXT}
    if kind == "bool":
        return {"type": ["boolean", "string"], "pattern": _BOOL_TEXT}
    if kind == "enum":
        return {"enum": _enum_values(field)}
    if kind == "msg":
        return message_schema(field.fields)
    if kind == "json":  # any JSON value; a required one not null or ""
        return {"not": {"enum": [None, ""]}} if field.required else {}
    raise AssertionError(f"unknown field kind {kind}")


def _takes_integer(field: Field) -> bool:
    """Whether the parser reads a JSON integer in this string field (as its decimal text; some
    id fields do). The parser is asked, so the schema follows its rule wherever it changes."""
    try:
        parse_message((replace(field, required=False),), {field.name: 0})
    except InvalidParameter:
        return False
    return True


def field_schema(field: Field) -> Schema:
    """The schema of ``field`` as a property of a JSON body."""
    one = value_schema(field)
    if field.repeated:
        many: Schema = {"type": "array", "items": one}
        if field.required:
            many["minItems"] = 1
        # A bare value stands for a list of one; null (when optional) for none.
        schema: Schema = {"anyOf": [many, one]}
        return schema if field.required else _nullable(schema)
    return one if field.required else _nullable(one)


def _nullable(schema: Schema) -> Schema:
    """``schema`` also allowing null."""
    if not schema:
        return schema  # already any value
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    types = schema["type"]
    return {**schema, "type": [*(types if isinstance(types, list) else [types]), "null"]}


def message_schema(fields: tuple[Field, ...]) -> Schema:
    """An object schema of a message: snake_case names (lowerCamelCase is accepted too)."""
    schema: Schema = {
        "type": "object",
        "properties": {f.name: _with_default(f, field_schema(f)) for f in fields},
    }
    required = [f.name for f in fields if f.required]
    if required:
        schema["required"] = required
    return schema


def query_schema(field: Field) -> Schema:
    """The schema of ``field`` as a query parameter (repeated: the key given once per item)."""
    kind = field.kind
    one: Schema
    if kind == "int":
        one = {"type": "integer", **_INT64_RANGE}
    elif kind == "float":
        one = {"anyOf": [{"type": "number"}, {"type": "string", "enum": _SPECIAL_FLOATS}]}
    elif kind == "bool":
        one = {"type": "boolean"}
    elif kind == "enum":
        one = {"enum": _enum_values(field)}
    else:  # str and json values are taken as the text given
        one = {"type": "string", "minLength": 1} if field.required else {"type": "string"}
    if field.repeated:
        many: Schema = {"type": "array", "items": one}
        if field.required:
            many["minItems"] = 1
        return _with_default(field, many)
    return _with_default(field, one)


def _with_default(field: Field, schema: Schema) -> Schema:
    if field.default is None or field.default == "":
        return schema
    return {**schema, "default": field.default}
