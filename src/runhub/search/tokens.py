"""Page tokens: base64 of a JSON object that always has an ``"offset"``.

Two shapes, both opaque to clients:

- offset tokens ``{"offset": N}``, exactly MLflow's, for searches that page by position;
- keyset tokens ``{"offset": N, "after": [...], "query": "<hash>"}``, where ``after`` holds the
  sort-key values of the last row returned (ending with its id) and ``query`` is a hash of the
  search that made it, so a page never skips or repeats a row when rows change between pages
  and a token replayed against another search is refused.

A token that is not base64, not JSON or of the wrong shape is a 400 "Invalid page token...".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any, TypeAlias

from runhub.errors import InvalidParameter

Scalar: TypeAlias = "str | int | float | None"


@dataclass(frozen=True)
class Keyset:
    offset: int
    after: tuple[Scalar, ...]
    query: str


def fingerprint(*parts: Any) -> str:
    """A short stable hash of the JSON-serialisable ``parts`` that define a search."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def encode_offset_token(offset: int) -> str:
    return _encode({"offset": offset})


def decode_offset_token(token: str | None) -> int:
    """The offset in ``token``; 0 when it is empty or None. Raises InvalidParameter."""
    if not token:
        return 0
    return _offset(_decode(token), token)


def encode_keyset_token(keyset: Keyset) -> str:
    return _encode({"offset": keyset.offset, "after": list(keyset.after), "query": keyset.query})


def decode_keyset_token(token: str | None) -> Keyset | None:
    """The keyset in ``token``; None when it is empty or None. Raises InvalidParameter."""
    if not token:
        return None
    parsed = _decode(token)
    offset = _offset(parsed, token)
    after, query = parsed.get("after"), parsed.get("query")
    if not isinstance(after, list) or not after or not isinstance(query, str):
        raise invalid_token(token, "is not a keyset token")
    for item in after:
        if isinstance(item, bool) or not isinstance(item, (str, int, float, type(None))):
            raise invalid_token(token, "has a sort value of the wrong type")
    return Keyset(offset, tuple(after), query)


def invalid_token(token: str, why: str) -> InvalidParameter:
    return InvalidParameter(f"Invalid page token {token!r}: {why}")


def _encode(payload: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def _decode(token: str) -> dict[str, Any]:
    # Accept the URL-safe alphabet, a lost padding and a '+' turned into ' ' by form decoding.
    text = token.strip().replace(" ", "+").replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidParameter(f"Invalid page token, could not base64-decode {token!r}") from None
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidParameter(f"Invalid page token, decoded value={raw!r} is not JSON") from None
    if not isinstance(parsed, dict):
        raise InvalidParameter(f"Invalid page token, parsed value={parsed!r} is not an object")
    return parsed


def _offset(parsed: dict[str, Any], token: str) -> int:
    offset = parsed.get("offset")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise invalid_token(token, "its offset is not a non-negative integer")
    return offset
