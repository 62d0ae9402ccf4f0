"""search_experiments: the experiment grammar compiled to SQL over ``experiments``, and paging."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, false, select, true
from sqlalchemy.sql.elements import ColumnElement

from runhub.entities import ViewType
from runhub.search.ast import Comparison, OrderKey
from runhub.search.experiment_grammar import (
    DEFAULT_ORDER,
    EXPERIMENT_ATTRIBUTES,
    EXPERIMENT_GRAMMAR,
)
from runhub.search.grammar import ValueKind
from runhub.search.paging import check_max_results, read_keyset
from runhub.search.parser import parse_filter, parse_order_by
from runhub.search.tokens import fingerprint
from runhub.security.visibility import visible
from runhub.store.sql.search.compile import any_row, compile_filter, view_condition
from runhub.store.sql.search.keyset import SearchQuery, SortTerm, after_clause, order_clauses
from runhub.store.sql.search.matching import numeric_condition, string_condition
from runhub.store.tables import experiment_tags, experiments

EXPERIMENT_COLUMNS: dict[str, ColumnElement[Any]] = {
    "name": experiments.c.name,
    "experiment_id": experiments.c.experiment_id,
    "creation_time": experiments.c.creation_time,
    "last_update_time": experiments.c.last_update_time,
}


def build_experiment_search(
    filter_string: str | None,
    view_type: ViewType,
    order_by: list[str] | None,
    max_results: int,
    page_token: str | None,
) -> SearchQuery:
    """The query for one page of search_experiments, keyset-paginated.

    The statement returns ``experiment_id`` and the sort values of up to ``max_results + 1``
    experiments in final order. Raises InvalidParameter for a bad filter, order_by, page token
    or max_results.
    """
    check_max_results(max_results)
    tree = parse_filter(filter_string, EXPERIMENT_GRAMMAR)
    keys = parse_order_by(order_by, EXPERIMENT_GRAMMAR) or list(DEFAULT_ORDER)
    terms = _sort_terms(keys)
    query = fingerprint("experiments", filter_string or "", list(order_by or []), int(view_type))
    keyset = read_keyset(page_token, terms, query)
    statement = select(
        experiments.c.experiment_id, *(term.value.label(term.label) for term in terms)
    ).where(
        view_condition(experiments.c.lifecycle_stage, view_type),
        compile_filter(tree, experiment_condition),
        visible(experiments.c.experiment_id),  # permission filter under auth (TRUE otherwise)
    )
    if keyset is not None:
        statement = statement.where(after_clause(terms, keyset.after))
    statement = statement.order_by(*order_clauses(terms)).limit(max_results + 1)
    return SearchQuery(statement, max_results, tuple(terms), query, keyset.offset if keyset else 0)


def experiment_condition(comparison: Comparison) -> ColumnElement[bool]:
    """The SQL condition on ``experiments`` for one comparison of the experiment grammar."""
    key, op, value = comparison.key, comparison.op, comparison.value
    if comparison.entity == "tag":
        has_key = (
            experiment_tags.c.experiment_id == experiments.c.experiment_id,
            experiment_tags.c.key == key,
        )
        if op == "IS NULL":
            return ~any_row(*has_key)
        if op == "IS NOT NULL":
            return any_row(*has_key)
        return any_row(*has_key, string_condition(experiment_tags.c.value, op, value))
    column = EXPERIMENT_COLUMNS[key]
    if key == "experiment_id":
        return _experiment_id_condition(op, value)
    if EXPERIMENT_ATTRIBUTES[key].kind is ValueKind.NUMBER:
        return numeric_condition(column, op, value)
    return string_condition(column, op, value)


def _experiment_id_condition(op: str, value: Any) -> ColumnElement[bool]:
    """Ids are strings in the API and integers in the table: compare as the API would."""
    column = experiments.c.experiment_id
    if op in ("LIKE", "ILIKE"):
        return string_condition(cast(column, String), op, value)
    if op in ("IN", "NOT IN"):
        ids = [int(item) for item in value if _is_id(item)]
        return column.in_(ids) if op == "IN" else column.not_in(ids)
    if not _is_id(value):  # no experiment has this id
        return false() if op == "=" else true()
    return numeric_condition(column, op, int(value))


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and str(int(text)) == text


def _sort_terms(keys: list[OrderKey]) -> list[SortTerm]:
    terms = [
        SortTerm(
            f"sort_{index}",
            EXPERIMENT_COLUMNS[key.key],
            key.ascending,
            ValueKind.STRING if key.key == "name" else ValueKind.NUMBER,
        )
        for index, key in enumerate(keys)
    ]
    if not any(key.key == "experiment_id" for key in keys):
        terms.append(
            SortTerm(f"sort_{len(terms)}", experiments.c.experiment_id, True, ValueKind.NUMBER)
        )
    return terms
