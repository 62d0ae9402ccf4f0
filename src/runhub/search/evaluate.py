"""Evaluate a parsed filter on values in memory, meaning exactly what its SQL means.

The SQL compiler (``compile.py``, ``matching.py``) is the reference; the rules it fixes:

- every comparison is two-valued: a missing value (a key the entity lacks, a NULL column)
  matches no operator, so ``NOT`` means "does not match";
- ``=``, ``!=``, ``IN``, ``NOT IN`` and ``LIKE`` are case-sensitive and compare exactly
  (MariaDB alone would also ignore trailing spaces under ``=``; SQLite and PostgreSQL do not);
- ``LIKE``: ``%`` any run of characters (newlines too), ``_`` one character, a backslash makes
  the next character literal; the whole value must match;
- ``ILIKE`` is ``LIKE`` on both sides lower-cased. Python lower-cases all of Unicode, as
  PostgreSQL and MariaDB do; SQLite's ``lower()`` folds only ASCII, so there ``'É' ILIKE 'é'``
  does not match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from runhub.search.ast import And, Comparison, Node, Not, Or, Value
from runhub.search.patterns import pattern_parts

Leaf = Callable[[Comparison], bool]


def evaluate(node: Node | None, leaf: Leaf) -> bool:
    """Whether the filter tree ``node`` holds, ``leaf`` deciding each comparison (None: all)."""
    if node is None:
        return True
    if isinstance(node, Comparison):
        return leaf(node)
    if isinstance(node, And):
        return all(evaluate(item, leaf) for item in node.items)
    if isinstance(node, Or):
        return any(evaluate(item, leaf) for item in node.items)
    if isinstance(node, Not):
        return not evaluate(node.item, leaf)
    raise TypeError(f"not a filter node: {node!r}")


def string_matches(actual: str | None, op: str, expected: Value) -> bool:
    """``actual <op> expected`` for a string operator; a missing ``actual`` matches nothing."""
    if actual is None:
        return False
    if op == "=":
        return actual == expected
    if op == "!=":
        return actual != expected
    if op in ("IN", "NOT IN"):
        assert isinstance(expected, tuple)
        return (actual in expected) == (op == "IN")
    assert isinstance(expected, str)
    if op == "LIKE":
        return like_regex(expected).fullmatch(actual) is not None
    if op == "ILIKE":
        return like_regex(expected.lower()).fullmatch(actual.lower()) is not None
    raise ValueError(f"not a string operator: {op}")


def number_matches(actual: float | None, op: str, expected: Value) -> bool:
    """``actual <op> expected`` for a numeric operator; a missing ``actual`` matches nothing."""
    if actual is None:
        return False
    if op in ("IN", "NOT IN"):
        assert isinstance(expected, tuple)
        return (actual in expected) == (op == "IN")
    assert isinstance(expected, (int, float))
    if op == "=":
        return actual == expected
    if op == "!=":
        return actual != expected
    if op == "<":
        return actual < expected
    if op == "<=":
        return actual <= expected
    if op == ">":
        return actual > expected
    if op == ">=":
        return actual >= expected
    raise ValueError(f"not a numeric operator: {op}")


@functools.lru_cache(maxsize=256)
def like_regex(pattern: str) -> re.Pattern[str]:
    """The regular expression of a LIKE pattern, split by the same rules as the SQL's."""
    pieces = []
    for part in pattern_parts(pattern):
        if part == "%":
            pieces.append(".*")
        elif part == "_":
            pieces.append(".")
        else:
            pieces.append(re.escape(part[1]))
    return re.compile("".join(pieces), re.DOTALL)
