"""HTTP Range request headers (RFC 9110 §14) for one file of known size."""

from __future__ import annotations

import re

_SINGLE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


class RangeNotSatisfiable(Exception):
    """The requested range lies wholly outside the file."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive ``(first, last)`` byte range asked for, or ``None`` for the whole file.

    Malformed headers and multi-range requests are ignored (the whole file is sent, which the
    RFC allows); a range that starts beyond the end raises :class:`RangeNotSatisfiable`.
    """
    if not header:
        return None
    match = _SINGLE.match(header)
    if match is None:
        return None
    first_s, last_s = match.groups()
    if not first_s:
        if not last_s:
            return None
        suffix = int(last_s)
        if suffix == 0:
            raise RangeNotSatisfiable
        return max(size - suffix, 0), size - 1 if size else 0
    first = int(first_s)
    last = int(last_s) if last_s else size - 1
    if last_s and last < first:
        return None  # syntactically invalid: ignored
    if first >= size:
        raise RangeNotSatisfiable
    return first, min(last, size - 1)
