"""The one rule for JSON request bodies: what is decoded, and what is refused with a 400.

orjson decodes almost every body. What it refuses goes to Python's decoder, which also reads the
``NaN``/``Infinity`` literals some clients send, but which accepts two things nothing later can
store or print: nesting deep enough to exhaust the stack, and lone UTF-16 surrogates
(``"\\ud800"``), which no database encoding or JSON encoder takes. Both are refused here, naming
the field, so no handler ever sees them.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from runhub.errors import InvalidParameter

# Deeper than any MLflow message; JSON values stored as given (assessment values, span
# attributes) must also come back out through orjson, whose encoder stops at 254 levels.
MAX_DEPTH = 128


def decode_json(body: bytes) -> Any:
    """A request body as a JSON object; ``{}`` for an empty body.

    Raises InvalidParameter for anything that is not a JSON object, that nests deeper than
    :data:`MAX_DEPTH`, or that holds a lone surrogate in a key or string.
    """
    data = decode_json_value(body)
    if isinstance(data, str):  # legacy clients double-encode the body
        return decode_json(data.encode())
    if not isinstance(data, dict):
        raise InvalidParameter("Malformed request body: expected a JSON object.")
    return data


def decode_json_value(body: bytes) -> Any:
    """A request body as any JSON value, by the same rules; ``{}`` for an empty body."""
    if not body.strip():
        return {}
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return _lenient_loads(body)


def _lenient_loads(body: bytes) -> Any:
    try:
        data = json.loads(body)
    except RecursionError:
        raise _too_deep("the request body") from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameter("Malformed request body: it is not valid JSON.") from None
    check_json_value(data, "")
    return data


def check_json_value(value: Any, where: str) -> None:
    """Refuse ``value`` if it nests deeper than MAX_DEPTH or holds a lone surrogate.

    ``where`` names the field holding it (empty for the whole body); the error names the exact
    place of the first offence, e.g. ``tags[0].value``.
    """
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _has_surrogate(item):
                raise _surrogate(path or "the request body")
        elif isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                raise _too_deep(path or "the request body")
            if isinstance(item, dict):
                for key, child in item.items():
                    child_path = f"{path}.{key}" if path else str(key)
                    if not key.isascii() and _has_surrogate(key):
                        raise _surrogate(f"a key of {path or 'the request body'}")
                    stack.append((child, child_path, depth + 1))
            else:
                stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _surrogate(where: str) -> InvalidParameter:
    return InvalidParameter(
        f"Invalid value for '{where}': it holds a lone UTF-16 surrogate (an unpaired \\ud800-"
        "\\udfff escape), which is not a character. Send text as valid UTF-8 or as paired "
        "surrogate escapes."
    )


def _too_deep(where: str) -> InvalidParameter:
    return InvalidParameter(
        f"Malformed request body: {where} nests JSON deeper than {MAX_DEPTH} levels."
    )
