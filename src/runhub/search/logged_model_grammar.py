"""The search_logged_models request (§5.5), checked once for both its SQL and in-memory forms.

Parsing the filter, naming the statuses, resolving order_by into sort keys with the
tie-breakers, and the search's fingerprint: everything but where the values come from, so the
two searches raise the same errors in the same order and issue interchangeable page tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runhub.entities.logged_model import DatasetFilter, LoggedModelOrder, LoggedModelStatus
from runhub.errors import InvalidParameter
from runhub.search.ast import Comparison, Node, Not, Value
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
from runhub.search.parser import parse_filter
from runhub.search.tokens import fingerprint

MODEL_ATTRIBUTES: dict[str, Field] = {
    "name": STRING_FIELD,
    "model_id": STRING_FIELD,
    "model_type": STRING_FIELD,
    "source_run_id": STRING_FIELD,
    "status": STRING_FIELD,
    "creation_timestamp": NUMERIC_FIELD,
    "last_updated_timestamp": NUMERIC_FIELD,
}
# Attributes a model may lack (NULL in SQL): they match no comparison and sort last.
NULLABLE_ATTRIBUTES = frozenset({"model_type", "source_run_id"})
_KEYED = Field(ValueKind.STRING, STRING_OPS | NULL_OPS)

LOGGED_MODEL_GRAMMAR = Grammar(
    name="logged_models",
    bare="attribute",
    entities=(
        Entity(
            "attribute",
            "attribute",
            ("attributes", "attribute", "attr"),
            fields=MODEL_ATTRIBUTES,
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


@dataclass(frozen=True)
class ModelSortKey:
    """One term of a logged-model order: an attribute, or the latest value of a metric."""

    field: str  # the attribute, or the metric key when ``metric``
    ascending: bool
    kind: ValueKind
    nullable: bool = False
    metric: bool = False
    dataset_name: str | None = None
    dataset_digest: str | None = None


def parse_logged_model_filter(
    filter_string: str | None, datasets: Sequence[DatasetFilter]
) -> Node | None:
    """The checked filter tree; raises InvalidParameter for a bad dataset, filter or status."""
    for d in datasets:
        if not d.name:
            raise InvalidParameter("`dataset_name` in the `datasets` clause must be specified.")
    tree = parse_filter(filter_string, LOGGED_MODEL_GRAMMAR)
    _check_statuses(tree)
    return tree


def _check_statuses(node: Node | None) -> None:
    if node is None:
        return
    if isinstance(node, Comparison):
        if node.entity == "attribute" and node.key == "status":
            filter_status(node.op, node.value)
        return
    if isinstance(node, Not):
        _check_statuses(node.item)
        return
    for item in node.items:
        _check_statuses(item)


def filter_status(op: str, value: Value) -> Value:
    """The stored status name(s) a status comparison means (LIKE patterns stay as written)."""
    if op in ("LIKE", "ILIKE"):
        return value

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


def has_metric(node: Node | None) -> bool:
    """Whether the filter compares any metric (then it alone narrows by the datasets)."""
    if node is None:
        return False
    if isinstance(node, Comparison):
        return node.entity == "metric"
    if isinstance(node, Not):
        return has_metric(node.item)
    return any(has_metric(item) for item in node.items)


def logged_model_order(order_by: Sequence[LoggedModelOrder]) -> list[ModelSortKey]:
    """The sort keys of ``order_by`` plus the tie-breakers: creation_timestamp DESC (unless
    ordered by it) and model_id ASC. Raises InvalidParameter for a bad field or dataset."""
    keys: list[ModelSortKey] = []
    for order in order_by:
        name = _ORDER_ALIASES.get(order.field_name, order.field_name)
        if name.startswith("metrics."):
            if order.dataset_digest and not order.dataset_name:
                raise InvalidParameter(
                    "dataset_digest may only be given together with dataset_name."
                )
            keys.append(
                ModelSortKey(
                    name[8:],
                    order.ascending,
                    ValueKind.NUMBER,
                    nullable=True,
                    metric=True,
                    dataset_name=order.dataset_name or None,
                    dataset_digest=order.dataset_digest or None,
                )
            )
            continue
        if "." in name or name not in MODEL_ATTRIBUTES:
            raise InvalidParameter(
                f"Invalid order by field name: {order.field_name}; use an attribute "
                f"({', '.join(MODEL_ATTRIBUTES)}) or metrics.<key>"
            )
        if order.dataset_name or order.dataset_digest:
            raise InvalidParameter("dataset_name/dataset_digest may only be given for a metric.")
        keys.append(
            ModelSortKey(
                name, order.ascending, MODEL_ATTRIBUTES[name].kind, name in NULLABLE_ATTRIBUTES
            )
        )
    if not any(o.field_name in ("creation_timestamp", "creation_time") for o in order_by):
        keys.append(ModelSortKey("creation_timestamp", False, ValueKind.NUMBER))
    keys.append(ModelSortKey("model_id", True, ValueKind.STRING))
    return keys


def logged_model_fingerprint(
    experiment_ids: Sequence[int],
    filter_string: str | None,
    datasets: Sequence[DatasetFilter],
    order_by: Sequence[LoggedModelOrder],
) -> str:
    """The hash a page token carries, naming the search that issued it."""
    return fingerprint(
        "logged_models",
        sorted(experiment_ids),
        filter_string or "",
        [[d.name, d.digest] for d in datasets],
        [[o.field_name, o.ascending, o.dataset_name, o.dataset_digest] for o in order_by],
    )
