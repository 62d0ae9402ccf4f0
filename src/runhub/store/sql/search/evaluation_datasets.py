"""search_datasets: the dataset grammar compiled to SQL over ``evaluation_datasets``, paged by
keyset."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, select, true
from sqlalchemy.sql.elements import ColumnElement, True_

from runhub.search.ast import Comparison, OrderKey
from runhub.search.evaluation_dataset_grammar import (
    DATASET_ATTRIBUTES,
    DATASET_GRAMMAR,
    DEFAULT_ORDER,
    require_conjunction,
)
from runhub.search.grammar import ValueKind
from runhub.search.paging import check_max_results, read_keyset
from runhub.search.parser import parse_filter, parse_order_by
from runhub.search.tokens import fingerprint
from runhub.security.visibility import visible
from runhub.store.evaluation_dataset_tables import (
    evaluation_dataset_experiments as links,
)
from runhub.store.evaluation_dataset_tables import (
    evaluation_dataset_tags as tags,
)
from runhub.store.evaluation_dataset_tables import (
    evaluation_datasets as D,
)
from runhub.store.sql.search.compile import any_row, compile_filter
from runhub.store.sql.search.keyset import SearchQuery, SortTerm, after_clause, order_clauses
from runhub.store.sql.search.matching import numeric_condition, string_condition


def build_dataset_search(
    experiment_ids: Sequence[int],
    filter_string: str | None,
    order_by: Sequence[str] | None,
    max_results: int,
    page_token: str | None,
) -> SearchQuery:
    """The query for one page of datasets: ``dataset_pk`` and the sort values of up to
    ``max_results + 1`` datasets in final order. Raises InvalidParameter for a bad filter,
    order_by, page token or max_results."""
    check_max_results(max_results)
    tree = parse_filter(filter_string, DATASET_GRAMMAR)
    require_conjunction(tree, filter_string or "")
    keys = parse_order_by(order_by, DATASET_GRAMMAR) or list(DEFAULT_ORDER)
    terms = _sort_terms(keys)
    query = fingerprint(
        "evaluation_datasets", filter_string or "", list(order_by or []), sorted(experiment_ids)
    )
    keyset = read_keyset(page_token, terms, query)
    statement = select(D.c.dataset_pk, *(t.value.label(t.label) for t in terms)).where(
        compile_filter(tree, dataset_condition), _readable()
    )
    if experiment_ids:
        statement = statement.where(
            any_row(links.c.dataset_pk == D.c.dataset_pk, links.c.experiment_id.in_(experiment_ids))
        )
    if keyset is not None:
        statement = statement.where(after_clause(terms, keyset.after))
    statement = statement.order_by(*order_clauses(terms)).limit(max_results + 1)
    return SearchQuery(statement, max_results, tuple(terms), query, keyset.offset if keyset else 0)


def _readable() -> ColumnElement[bool]:
    """Under auth, datasets whose every linked experiment may be read (and that have one)."""
    allowed = visible(links.c.experiment_id)
    if isinstance(allowed, True_):
        return true()
    linked = links.c.dataset_pk == D.c.dataset_pk
    return and_(any_row(linked), ~any_row(linked, ~allowed))


def dataset_condition(comparison: Comparison) -> ColumnElement[bool]:
    """The SQL condition on ``evaluation_datasets`` for one comparison."""
    key, op, value = comparison.key, comparison.op, comparison.value
    if comparison.entity == "tag":
        return any_row(
            tags.c.dataset_pk == D.c.dataset_pk,
            tags.c.key == key,
            string_condition(tags.c.value, op, value),
        )
    column = D.c[key]
    if DATASET_ATTRIBUTES[key].kind is ValueKind.NUMBER:
        return numeric_condition(column, op, value)
    # created_by may be unset: such a dataset matches no comparison on it.
    return and_(column.is_not(None), string_condition(column, op, value))


def _sort_terms(keys: list[OrderKey]) -> list[SortTerm]:
    terms = [
        SortTerm(
            f"sort_{index}",
            D.c[key.key],
            key.ascending,
            ValueKind.STRING if key.key == "name" else ValueKind.NUMBER,
        )
        for index, key in enumerate(keys)
    ]
    terms.append(SortTerm(f"sort_{len(terms)}", D.c.dataset_pk, False, ValueKind.NUMBER))
    return terms
