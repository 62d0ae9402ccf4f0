"""search_logged_models (§5.5) in SQL over ``logged_models``, with keyset paging.

Metric comparisons match a model with any point of that metric meeting the condition (on the
requested datasets, if any); ordering by a metric uses its latest point (latest timestamp, then
step) and puts models without it last. The request itself is checked by
``logged_model_grammar.py``, shared with the in-memory search.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from runhub.entities import LifecycleStage
from runhub.entities.logged_model import DatasetFilter, LoggedModelOrder
from runhub.search.ast import Comparison
from runhub.search.grammar import ValueKind
from runhub.search.logged_model_grammar import (
    LOGGED_MODEL_GRAMMAR,
    MODEL_ATTRIBUTES,
    NULLABLE_ATTRIBUTES,
    ModelSortKey,
    filter_status,
    has_metric,
    logged_model_fingerprint,
    logged_model_order,
    parse_logged_model_filter,
)
from runhub.search.paging import check_max_results, read_keyset
from runhub.store.registry_tables import (
    logged_model_metrics,
    logged_model_params,
    logged_model_tags,
    logged_models,
)
from runhub.store.sql.search.compile import any_row, compile_filter, in_ids
from runhub.store.sql.search.keyset import SearchQuery, SortTerm, after_clause, order_clauses
from runhub.store.sql.search.matching import numeric_condition, string_condition

__all__ = ["LOGGED_MODEL_GRAMMAR", "build_logged_model_search"]

_COLUMNS: dict[str, ColumnElement[Any]] = {
    "name": logged_models.c.name,
    "model_id": logged_models.c.model_id,
    "model_type": logged_models.c.model_type,
    "source_run_id": logged_models.c.source_run_id,
    "status": logged_models.c.status,
    "creation_timestamp": logged_models.c.creation_timestamp_ms,
    "last_updated_timestamp": logged_models.c.last_updated_timestamp_ms,
}


def build_logged_model_search(
    experiment_ids: Sequence[int],
    filter_string: str | None,
    datasets: Sequence[DatasetFilter],
    order_by: Sequence[LoggedModelOrder],
    max_results: int,
    page_token: str | None,
) -> SearchQuery:
    """One page of active logged models: the statement returns ``model_id`` and sort values.

    Raises InvalidParameter for a bad filter, order_by, dataset, page token or max_results.
    """
    check_max_results(max_results)
    tree = parse_logged_model_filter(filter_string, datasets)
    on_datasets = _dataset_condition(datasets)

    def leaf(comparison: Comparison) -> ColumnElement[bool]:
        return _condition(comparison, on_datasets)

    where = [
        in_ids(logged_models.c.experiment_id, list(experiment_ids)),
        logged_models.c.lifecycle_stage == LifecycleStage.ACTIVE,
        compile_filter(tree, leaf),
    ]
    if datasets and not has_metric(tree):  # models with any metric on those datasets
        where.append(
            any_row(logged_model_metrics.c.model_id == logged_models.c.model_id, on_datasets)
        )
    terms = [_sort_term(f"sort_{i}", key) for i, key in enumerate(logged_model_order(order_by))]
    query = logged_model_fingerprint(experiment_ids, filter_string, datasets, order_by)
    keyset = read_keyset(page_token, terms, query)
    statement = select(
        logged_models.c.model_id, *(term.value.label(term.label) for term in terms)
    ).where(*where)
    if keyset is not None:
        statement = statement.where(after_clause(terms, keyset.after))
    statement = statement.order_by(*order_clauses(terms)).limit(max_results + 1)
    return SearchQuery(statement, max_results, tuple(terms), query, keyset.offset if keyset else 0)


def _dataset_condition(datasets: Sequence[DatasetFilter]) -> ColumnElement[bool]:
    if not datasets:
        return true()
    m = logged_model_metrics.c
    return or_(
        *(
            (m.dataset_name == d.name) & ((m.dataset_digest == d.digest) if d.digest else true())
            for d in datasets
        )
    )


def _condition(comparison: Comparison, on_datasets: ColumnElement[bool]) -> ColumnElement[bool]:
    entity, key, op, value = comparison.entity, comparison.key, comparison.op, comparison.value
    if entity == "metric":
        m = logged_model_metrics.c
        return any_row(
            m.model_id == logged_models.c.model_id,
            m.key == key,
            m.is_nan == false(),
            on_datasets,
            numeric_condition(m.value, op, value),
        )
    if entity in ("param", "tag"):
        table = logged_model_params if entity == "param" else logged_model_tags
        has_key = (table.c.model_id == logged_models.c.model_id, table.c.key == key)
        if op == "IS NULL":
            return ~any_row(*has_key)
        if op == "IS NOT NULL":
            return any_row(*has_key)
        return any_row(*has_key, string_condition(table.c.value, op, value))
    column = _COLUMNS[key]
    if key == "status":
        value = filter_status(op, value)
    if MODEL_ATTRIBUTES[key].kind is ValueKind.NUMBER:
        return numeric_condition(column, op, value)
    matched = string_condition(column, op, value)
    return column.is_not(None) & matched if key in NULLABLE_ATTRIBUTES else matched


def _sort_term(label: str, key: ModelSortKey) -> SortTerm:
    if key.metric:
        return SortTerm(label, _latest_metric(key), key.ascending, key.kind, key.nullable)
    return SortTerm(label, _COLUMNS[key.field], key.ascending, key.kind, key.nullable)


def _latest_metric(key: ModelSortKey) -> ColumnElement[Any]:
    m = logged_model_metrics.c
    conditions = [m.model_id == logged_models.c.model_id, m.key == key.field, m.is_nan == false()]
    if key.dataset_name:
        conditions.append(m.dataset_name == key.dataset_name)
    if key.dataset_digest:
        conditions.append(m.dataset_digest == key.dataset_digest)
    return (
        select(m.value)
        .where(*conditions)
        .order_by(m.timestamp.desc(), m.step.desc(), m.metric_pk.desc())
        .limit(1)
        .correlate(logged_models)
        .scalar_subquery()
    )
