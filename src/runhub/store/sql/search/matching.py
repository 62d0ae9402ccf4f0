"""Comparisons that mean the same on SQLite, PostgreSQL and MySQL/MariaDB.

- ``=``, ``!=``, ``IN`` and ``LIKE`` are case-sensitive everywhere: MySQL compares under
  ``utf8mb4_bin``; SQLite's LIKE ignores case, so there it becomes an equivalent ``GLOB``.
- ``ILIKE`` is ``lower(col) LIKE lower(pattern)`` everywhere.
- In LIKE patterns ``%`` and ``_`` are wildcards and a backslash makes the next character
  literal, on every backend (each one's default differs, so patterns are rewritten).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, String, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from runhub.errors import InvalidParameter
from runhub.search.patterns import ESCAPE as _ESCAPE
from runhub.search.patterns import pattern_parts


class case_sensitive(FunctionElement[str]):
    """The column itself, compared case-sensitively (``col COLLATE utf8mb4_bin`` on MySQL)."""

    name = "case_sensitive"
    type = String()
    inherit_cache = True


class glob_like(FunctionElement[bool]):
    """``col LIKE pattern ESCAPE '\\'``, or ``col GLOB glob_pattern`` on SQLite."""

    name = "glob_like"
    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a predicate: no "= 1" appended on non-boolean backends


@compiles(case_sensitive)
def _case_sensitive_default(element: case_sensitive, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return compiler.process(column, **kw)


@compiles(case_sensitive, "mysql", "mariadb")
def _case_sensitive_mysql(element: case_sensitive, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return f"({compiler.process(column, **kw)} COLLATE utf8mb4_bin)"


@compiles(glob_like)
def _glob_like_default(element: glob_like, compiler: SQLCompiler, **kw: Any) -> str:
    column, like_pattern, _ = element.clauses
    like = case_sensitive(column).like(like_pattern, escape=_ESCAPE)
    return f"({compiler.process(like, **kw)})"


@compiles(glob_like, "sqlite")
def _glob_like_sqlite(element: glob_like, compiler: SQLCompiler, **kw: Any) -> str:
    column, _, glob_pattern = element.clauses
    return f"({compiler.process(column, **kw)} GLOB {compiler.process(glob_pattern, **kw)})"


def string_condition(column: ColumnElement[Any], op: str, value: Any) -> ColumnElement[bool]:
    """``column <op> value`` for a string operator (``= != LIKE ILIKE IN NOT IN``)."""
    if op == "=":
        return case_sensitive(column).__eq__(value)
    if op == "!=":
        return case_sensitive(column).__ne__(value)
    if op == "IN":
        return case_sensitive(column).in_(list(value))
    if op == "NOT IN":
        return case_sensitive(column).not_in(list(value))
    if op == "LIKE":
        parts = pattern_parts(value)
        return glob_like(column, _like_pattern(parts), _glob_pattern(parts))
    if op == "ILIKE":
        pattern = _like_pattern(pattern_parts(value))
        return func.lower(column).like(func.lower(pattern), escape=_ESCAPE)
    raise InvalidParameter(f"Invalid comparator '{op}' for a string")


def numeric_condition(column: ColumnElement[Any], op: str, value: Any) -> ColumnElement[bool]:
    """``column <op> value`` for a numeric operator (``= != < <= > >= IN NOT IN``)."""
    if op == "IN":
        return column.in_(list(value))
    if op == "NOT IN":
        return column.not_in(list(value))
    operators = {
        "=": column.__eq__,
        "!=": column.__ne__,
        "<": column.__lt__,
        "<=": column.__le__,
        ">": column.__gt__,
        ">=": column.__ge__,
    }
    if op not in operators:
        raise InvalidParameter(f"Invalid comparator '{op}' for a number")
    result: ColumnElement[bool] = operators[op](value)
    return result


def _like_pattern(parts: Sequence[str]) -> str:
    out = []
    for part in parts:
        if part in ("%", "_") or part[1] in "%_\\":
            out.append(part)
        else:
            out.append(part[1])
    return "".join(out)


def _glob_pattern(parts: Sequence[str]) -> str:
    glob = {"%": "*", "_": "?"}
    out = []
    for part in parts:
        if part in glob:
            out.append(glob[part])
        elif part[1] in "*?[":
            out.append(f"[{part[1]}]")
        else:
            out.append(part[1])
    return "".join(out)
