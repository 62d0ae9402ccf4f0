"""Running one GraphQL request: parse, check the limits, validate, execute.

The answer is always ``{"data": ..., "errors": null | ["message", ...]}`` (errors are plain
strings, as MLflow's clients expect). Batches (a JSON list of queries) are refused.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    execute,
    get_named_type,
    parse,
    validate,
)

from runhub.graphql.limits import query_limit_error
from runhub.graphql.resolvers import MUTATION_RESOLVERS, QUERY_RESOLVERS, Context
from runhub.graphql.sdl import SDL

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_NON_FINITE = {"NaN", "Infinity", "-Infinity"}


def _long_string(value: Any) -> str:
    return str(value)


def _long_value(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise GraphQLError(f"LongString cannot represent {value!r}") from None


@cache
def schema() -> GraphQLSchema:
    """The schema, built once per process, with its resolvers attached."""
    built = build_schema(SDL)
    long_string = built.type_map["LongString"]
    assert isinstance(long_string, GraphQLScalarType)
    long_string.serialize = _long_string  # type: ignore[method-assign]
    long_string.parse_value = _long_value  # type: ignore[method-assign]
    for root, resolvers in (
        (built.query_type, QUERY_RESOLVERS),
        (built.mutation_type, MUTATION_RESOLVERS),
    ):
        assert root is not None
        for name, resolver in resolvers.items():
            root.fields[name].resolve = resolver
    return built


def _field(source: Any, info: GraphQLResolveInfo, **_args: Any) -> Any:
    """Reads REST JSON under the camelCase field name; NaN and infinities become null."""
    if not isinstance(source, dict):
        return None
    value = source.get(_CAMEL.sub("_", info.field_name).lower())
    if callable(value):
        return value(info)
    if get_named_type(info.return_type).name == "Float":
        if isinstance(value, str):
            return None if value in _NON_FINITE else float(value)
        if isinstance(value, float) and not math.isfinite(value):
            return None
    return value


def _answer(data: Any, errors: list[str] | None) -> dict[str, Any]:
    return {"data": data, "errors": errors or None}


def run_request(body: Any, context: Context) -> dict[str, Any]:
    """The answer to one decoded JSON request body."""
    if isinstance(body, list):
        return _answer(None, ["GraphQL batching is not supported: send one query per request."])
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _answer(None, ["The request body must be a JSON object with a 'query' string."])
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return _answer(None, ["'variables' must be a JSON object."])
    operation = body.get("operationName")
    try:
        document = parse(body["query"], max_tokens=20_000)
    except GraphQLError as exc:
        return _answer(None, [exc.message])
    problem = query_limit_error(document)
    if problem:
        return _answer(None, [problem])
    invalid = validate(schema(), document)
    if invalid:
        return _answer(None, [e.message for e in invalid])
    result = execute(
        schema(),
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation if isinstance(operation, str) else None,
        field_resolver=_field,
    )
    assert not hasattr(result, "__await__")  # every resolver is synchronous
    data, errors = result.data, result.errors
    return _answer(data, [e.message for e in errors] if errors else None)
