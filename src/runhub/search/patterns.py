"""LIKE patterns as items, read the same way by the SQL compiler and the in-memory evaluator:
``%`` and ``_`` are wildcards and a backslash makes the next character literal."""

from __future__ import annotations

ESCAPE = "\\"


def pattern_parts(pattern: str) -> list[str]:
    """A LIKE pattern as items: ``"%"``, ``"_"`` or a one-character literal prefixed by ``\\``."""
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == ESCAPE and i + 1 < len(pattern):
            parts.append(ESCAPE + pattern[i + 1])
            i += 2
        elif ch in "%_":
            parts.append(ch)
            i += 1
        else:
            parts.append(ESCAPE + ch)
            i += 1
    return parts
