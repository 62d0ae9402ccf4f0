"""Ordering and paging of search_runs.

Every order key becomes a ``SortTerm``; ``start_time DESC`` and ``run_id ASC`` are appended as
tie-breakers so the order is total. A metric, param or tag key is LEFT JOINed on (run_pk, key)
(a NaN metric joins nothing, so NaN sorts with the missing values, last).

When the first key can be missing, a page is the union of two parts, each ordered and limited:

- runs that have the first key: an inner join, which for a metric walks the
  (experiment_id, key, value) index in value order and stops after ``limit`` rows;
- runs that lack it, ordered by the remaining keys, probed only when the first part came up
  short of a full page (PostgreSQL skips the scan with a one-time filter; SQLite tests the
  cached count first on each index entry, ~5 ms per 100,000 runs).

The outer query merges the two parts in final order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, func, select, union_all
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from runhub.search.ast import OrderKey
from runhub.search.grammar import ValueKind
from runhub.search.run_grammar import RUN_ATTRIBUTES
from runhub.search.tokens import Scalar
from runhub.store.sql.search.compile import in_ids
from runhub.store.sql.search.keyset import SortTerm, after_clause, order_clauses
from runhub.store.sql.search.run_columns import RUN_COLUMNS
from runhub.store.tables import metric_series, params, runs, tags


@dataclass(frozen=True)
class SortJoin:
    """The child-table row a sort term reads, LEFT JOINed to ``runs``."""

    table: FromClause
    on: ColumnElement[bool]
    # metric_series repeats experiment_id; constraining it lets its index give the order.
    experiment_id: ColumnElement[Any] | None = None


def sort_terms(keys: Sequence[OrderKey]) -> tuple[list[SortTerm], dict[int, SortJoin]]:
    """The terms for ``keys`` plus tie-breakers, and the joins the terms read (by term index)."""
    terms: list[SortTerm] = []
    joins: dict[int, SortJoin] = {}
    for index, key in enumerate(keys):
        label = f"sort_{index}"
        if key.entity == "metric":
            alias = metric_series.alias(f"order_{index}")
            on = (alias.c.run_pk == runs.c.run_pk) & (alias.c.key == key.key)
            joins[index] = SortJoin(alias, on & (alias.c.is_nan == false()), alias.c.experiment_id)
            terms.append(SortTerm(label, alias.c.value, key.ascending, ValueKind.NUMBER, True))
        elif key.entity in ("param", "tag"):
            alias = (params if key.entity == "param" else tags).alias(f"order_{index}")
            joins[index] = SortJoin(
                alias, (alias.c.run_pk == runs.c.run_pk) & (alias.c.key == key.key)
            )
            terms.append(SortTerm(label, alias.c.value, key.ascending, ValueKind.STRING, True))
        else:
            column = RUN_COLUMNS[key.key]
            kind = RUN_ATTRIBUTES[key.key].kind
            nullable = column is runs.c.end_time
            terms.append(SortTerm(label, column, key.ascending, kind, nullable))
    columns = [term.value for term in terms if not term.nullable]
    if not any(column is runs.c.start_time for column in columns):
        terms.append(SortTerm(f"sort_{len(terms)}", runs.c.start_time, False, ValueKind.NUMBER))
    if not any(column is runs.c.run_id for column in columns):
        terms.append(SortTerm(f"sort_{len(terms)}", runs.c.run_id, True, ValueKind.STRING))
    return terms, joins


def page_statement(
    experiment_ids: Sequence[int],
    where: Sequence[ColumnElement[bool]],
    terms: Sequence[SortTerm],
    joins: dict[int, SortJoin],
    after: Sequence[Scalar] | None,
    limit: int,
) -> Select[Any]:
    """The ordered, limited select of the runs matching ``where`` that come after ``after``."""
    first = terms[0]
    if not first.nullable:
        statement = _select(where, terms, joins)
        if after is not None:
            statement = statement.where(after_clause(terms, after))
        return statement.order_by(*order_clauses(terms)).limit(limit)

    rest = terms[1:]
    if after is not None and after[0] is None:  # the last page ended among runs lacking it
        lacking = _select(where, terms, joins).where(first.value.is_(None))
        lacking = lacking.where(after_clause(rest, after[1:]))
        return lacking.order_by(*order_clauses(rest)).limit(limit)

    having_terms = [first.on(first.value, nullable=False), *rest]
    having = _select(where, terms, joins, inner=True)
    first_join = joins.get(0)
    if first_join is not None and first_join.experiment_id is not None:
        having = having.where(in_ids(first_join.experiment_id, experiment_ids))
    else:
        having = having.where(first.value.is_not(None))
    if after is not None:
        having = having.where(after_clause(having_terms, after))
    having_part = having.order_by(*order_clauses(having_terms)).limit(limit).cte("having_first")

    # The gate comes first in WHERE: SQLite tests conditions in the order written, so a full
    # first part skips the EXISTS probes of the scan (PostgreSQL makes it a one-time filter).
    short_page = select(func.count()).select_from(having_part).scalar_subquery() < limit
    lacking = _select([short_page, *where], terms, joins).where(first.value.is_(None))
    lacking_part = lacking.order_by(*order_clauses(rest)).limit(limit).subquery("lacking")
    both = union_all(select(having_part), select(lacking_part)).subquery("page")
    outer_terms = [term.on(both.c[term.label]) for term in terms]
    return (
        select(both.c.run_pk, both.c.run_id, *(both.c[term.label] for term in terms))
        .order_by(*order_clauses(outer_terms))
        .limit(limit)
    )


def _select(
    where: Sequence[ColumnElement[bool]],
    terms: Sequence[SortTerm],
    joins: dict[int, SortJoin],
    *,
    inner: bool = False,
) -> Select[Any]:
    """runs joined to every sort term's row (the first one inner-joined when ``inner``)."""
    source: FromClause = runs
    for index, join in sorted(joins.items(), key=lambda item: item[0]):
        if inner and index == 0:
            source = source.join(join.table, join.on)
        else:
            source = source.outerjoin(join.table, join.on)
    columns = [runs.c.run_pk, runs.c.run_id, *(term.value.label(term.label) for term in terms)]
    return select(*columns).select_from(source).where(*where)
