"""search_logged_models (§5.5): its grammar, SQL over ``logged_models`` and keyset paging.

Metric comparisons match a model with any point of that metric meeting the condition (on the
requested datasets, if any); ordering by a metric uses its latest point (latest timestamp, then
step) and puts models without it last.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from runhub.entities import LifecycleStage
from runhub.entities.logged_model import DatasetFilter, LoggedModelOrder, LoggedModelStatus
from runhub.errors import InvalidParameter
from runhub.search.ast import Comparison, Node, Not
from runhub.search.compile import any_row, check_max_results, compile_filter, in_ids
from runhub.search.grammar import (
    NULL_OPS,
    NUMERIC_FIELD,
    NUMERIC_OPS,
    STRING_FIELD,
    STRING_OPS,
    Entity,
    Field,
    Grammar,
    ValueKind,
)
from runhub.search.keyset import SearchQuery, SortTerm, after_clause, order_clauses, read_keyset
from runhub.search.matching import numeric_condition, string_condition
from runhub.search.parser import parse_filter
from runhub.search.tokens import fingerprint
from runhub.store.registry_tables import (
    logged_model_metrics,
    logged_model_params,
    logged_model_tags,
    logged_models,
)

_ATTRIBUTES: dict[str, Field] = {
    "name": STRING_FIELD,
    "model_id": STRING_FIELD,
    "model_type": STRING_FIELD,
    "source_run_id": STRING_FIELD,
    "status": STRING_FIELD,
    "creation_timestamp": NUMERIC_FIELD,
    "last_updated_timestamp": NUMERIC_FIELD,
}
_KEYED = Field(ValueKind.STRING, STRING_OPS | NULL_OPS)

LOGGED_MODEL_GRAMMAR = Grammar(
    name="logged_models",
    bare="attribute",
    entities=(
        Entity(
            "attribute",
            "attribute",
            ("attributes", "attribute", "attr"),
            fields=_ATTRIBUTES,
            aliases={
                "creation_time": "creation_timestamp",
                "last_updated_time": "last_updated_timestamp",
            },
        ),
        Entity(
            "metric", "metric", ("metrics", "metric"), any_key=Field(ValueKind.NUMBER, NUMERIC_OPS)
        ),
        Entity("param", "parameter", ("params", "param"), any_key=_KEYED),
        Entity("tag", "tag", ("tags", "tag"), any_key=_KEYED),
    ),
)

_COLUMNS: dict[str, ColumnElement[Any]] = {
    "name": logged_models.c.name,
    "model_id": logged_models.c.model_id,
    "model_type": logged_models.c.model_type,
    "source_run_id": logged_models.c.source_run_id,
    "status": logged_models.c.status,
    "creation_timestamp": logged_models.c.creation_timestamp_ms,
    "last_updated_timestamp": logged_models.c.last_updated_timestamp_ms,
}
_ORDER_ALIASES = {
    "creation_time": "creation_timestamp",
    "creation_timestamp_ms": "creation_timestamp",
    "last_updated_time": "last_updated_timestamp",
    "last_updated_timestamp_ms": "last_updated_timestamp",
}
# Filter spellings of the statuses -> the stored enum names.
_STATUS_NAMES = {
    "UNSPECIFIED": LoggedModelStatus.UNSPECIFIED.value,
    "PENDING": LoggedModelStatus.PENDING.value,
    "READY": LoggedModelStatus.READY.value,
    "FAILED": LoggedModelStatus.UPLOAD_FAILED.value,
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
    for d in datasets:
        if not d.name:
            raise InvalidParameter("`dataset_name` in the `datasets` clause must be specified.")
    tree = parse_filter(filter_string, LOGGED_MODEL_GRAMMAR)
    on_datasets = _dataset_condition(datasets)

    def leaf(comparison: Comparison) -> ColumnElement[bool]:
        return _condition(comparison, on_datasets)

    where = [
        in_ids(logged_models.c.experiment_id, list(experiment_ids)),
        logged_models.c.lifecycle_stage == LifecycleStage.ACTIVE,
        compile_filter(tree, leaf),
    ]
    if datasets and not _has_metric(tree):  # models with any metric on those datasets
        where.append(
            any_row(logged_model_metrics.c.model_id == logged_models.c.model_id, on_datasets)
        )
    terms = _sort_terms(order_by)
    query = fingerprint(
        "logged_models",
        sorted(experiment_ids),
        filter_string or "",
        [[d.name, d.digest] for d in datasets],
        [[o.field_name, o.ascending, o.dataset_name, o.dataset_digest] for o in order_by],
    )
    keyset = read_keyset(page_token, terms, query)
    statement = select(
        logged_models.c.model_id, *(term.value.label(term.label) for term in terms)
    ).where(*where)
    if keyset is not None:
        statement = statement.where(after_clause(terms, keyset.after))
    statement = statement.order_by(*order_clauses(terms)).limit(max_results + 1)
    return SearchQuery(statement, max_results, tuple(terms), query, keyset.offset if keyset else 0)


def _has_metric(node: Node | None) -> bool:
    if node is None:
        return False
    if isinstance(node, Comparison):
        return node.entity == "metric"
    if isinstance(node, Not):
        return _has_metric(node.item)
    return any(_has_metric(item) for item in node.items)


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
    if key == "status" and op not in ("LIKE", "ILIKE"):
        value = _status_value(value)
    if _ATTRIBUTES[key].kind is ValueKind.NUMBER:
        return numeric_condition(column, op, value)
    matched = string_condition(column, op, value)
    return column.is_not(None) & matched if key in ("model_type", "source_run_id") else matched


def _status_value(value: Any) -> Any:
    def one(text: str) -> str:
        name = _STATUS_NAMES.get(text.upper())
        if name is None:
            raise InvalidParameter(
                f"Unknown model status in filter: '{text}'; use one of {', '.join(_STATUS_NAMES)}"
            )
        return name

    if isinstance(value, tuple):
        return tuple(one(str(v)) for v in value)
    return one(str(value))


def _sort_terms(order_by: Sequence[LoggedModelOrder]) -> list[SortTerm]:
    terms: list[SortTerm] = []
    for index, order in enumerate(order_by):
        label = f"sort_{index}"
        name = _ORDER_ALIASES.get(order.field_name, order.field_name)
        if name.startswith("metrics."):
            terms.append(
                SortTerm(
                    label, _latest_metric(name[8:], order), order.ascending, ValueKind.NUMBER, True
                )
            )
            continue
        if "." in name or name not in _COLUMNS:
            raise InvalidParameter(
                f"Invalid order by field name: {order.field_name}; use an attribute "
                f"({', '.join(_COLUMNS)}) or metrics.<key>"
            )
        if order.dataset_name or order.dataset_digest:
            raise InvalidParameter("dataset_name/dataset_digest may only be given for a metric.")
        kind = _ATTRIBUTES[name].kind
        nullable = name in ("model_type", "source_run_id")
        terms.append(SortTerm(label, _COLUMNS[name], order.ascending, kind, nullable))
    if not any(o.field_name in ("creation_timestamp", "creation_time") for o in order_by):
        terms.append(
            SortTerm(
                f"sort_{len(terms)}", logged_models.c.creation_timestamp_ms, False, ValueKind.NUMBER
            )
        )
    terms.append(SortTerm(f"sort_{len(terms)}", logged_models.c.model_id, True, ValueKind.STRING))
    return terms


def _latest_metric(key: str, order: LoggedModelOrder) -> ColumnElement[Any]:
    if order.dataset_digest and not order.dataset_name:
        raise InvalidParameter("dataset_digest may only be given together with dataset_name.")
    m = logged_model_metrics.c
    conditions = [m.model_id == logged_models.c.model_id, m.key == key, m.is_nan == false()]
    if order.dataset_name:
        conditions.append(m.dataset_name == order.dataset_name)
    if order.dataset_digest:
        conditions.append(m.dataset_digest == order.dataset_digest)
    latest = (
        select(m.value)
        .where(*conditions)
        .order_by(m.timestamp.desc(), m.step.desc(), m.metric_pk.desc())
        .limit(1)
        .correlate(logged_models)
        .scalar_subquery()
    )
    return latest
