"""Keyset pagination in SQL: total orders, "rows after this one" predicates, the page result.

A search orders rows by a list of ``SortTerm``s whose last term is unique (the row id), so the
order is total. A page token stores the last row's value of every term; the next page is the
rows strictly after that tuple. Unlike an offset, this neither skips nor repeats a row when rows
are inserted or deleted between pages.

A *nullable* term (a metric, param or tag the row may lack, or a NULL column) sorts its missing
values last in both directions; in the SQL, ``value`` is NULL exactly when the row lacks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, case, false, or_
from sqlalchemy.engine import Row
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from runhub.search.grammar import ValueKind
from runhub.search.tokens import Keyset, Scalar, encode_keyset_token


@dataclass(frozen=True)
class SortTerm:
    label: str  # the result column that carries the value, e.g. "sort_0"
    value: ColumnElement[Any]
    ascending: bool
    kind: ValueKind
    nullable: bool = False

    def on(self, value: ColumnElement[Any], *, nullable: bool | None = None) -> SortTerm:
        """The same term over another expression (e.g. a subquery's column)."""
        return replace(self, value=value, nullable=self.nullable if nullable is None else nullable)


def order_clauses(terms: Sequence[SortTerm]) -> list[ColumnElement[Any]]:
    """ORDER BY expressions: per term, missing values last, then the value in its direction."""
    clauses: list[ColumnElement[Any]] = []
    for term in terms:
        if term.nullable:
            clauses.append(case((term.value.is_(None), 1), else_=0))
        clauses.append(term.value.asc() if term.ascending else term.value.desc())
    return clauses


def after_clause(terms: Sequence[SortTerm], last: Sequence[Scalar]) -> ColumnElement[bool]:
    """Rows strictly after the row whose term values are ``last``, in the order of ``terms``."""
    pairs = list(zip(terms, last, strict=True))
    # Built from the last term outwards: after_i = beyond_i OR (equal_i AND after_{i+1}).
    result = _compare(*pairs[-1])[0]
    for term, value in reversed(pairs[:-1]):
        beyond, equal, _ = _compare(term, value)
        result = or_(beyond, and_(equal, result))
    # Restating "at or after" on the first term lets an index bound the scan.
    return and_(_compare(*pairs[0])[2], result)


def _compare(
    term: SortTerm, value: Scalar
) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    """(strictly after ``value``, equal to it, at or after it) for one term.

    The third is implied by the other two; it is stated so that an index can bound the scan.
    """
    column = term.value
    if value is None:  # the last row lacked this value: only other rows lacking it follow
        missing = column.is_(None)
        return false(), missing, missing
    if term.ascending:
        beyond, reach = column > value, column >= value
    else:
        beyond, reach = column < value, column <= value
    if term.nullable:
        return or_(column.is_(None), beyond), column == value, or_(column.is_(None), reach)
    return beyond, column == value, reach


@dataclass(frozen=True)
class SearchQuery:
    """A search ready to run: execute ``statement``, then hand its rows to ``page``.

    ``statement`` returns at most ``max_results + 1`` rows in final order; the extra row only
    tells that another page exists.
    """

    statement: Select[Any]
    max_results: int
    terms: tuple[SortTerm, ...]
    query: str
    offset: int = 0
    # Per term, the result column that carries its value; empty: found by the term's label.
    positions: tuple[int, ...] = ()

    def page(self, rows: Sequence[Row[Any]]) -> tuple[list[Row[Any]], str | None]:
        """The rows of this page and the token of the next one (None on the last page)."""
        page = list(rows[: self.max_results])
        if len(rows) <= self.max_results or not page:
            return page, None
        if self.positions:
            after = tuple(_scalar(page[-1][i]) for i in self.positions)
        else:
            last = page[-1]._mapping
            after = tuple(_scalar(last[term.label]) for term in self.terms)
        keyset = Keyset(self.offset + len(page), after, self.query)
        return page, encode_keyset_token(keyset)


def _scalar(value: Any) -> Scalar:
    if value is None or isinstance(value, (str, int, float)):
        return value
    # Drivers may hand back Decimal for numeric columns; floats keep the exact double.
    return float(value)
