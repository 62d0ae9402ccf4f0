"""The search_runs grammar and its default order."""

from __future__ import annotations

from runhub.search.ast import OrderKey
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

RUN_ATTRIBUTES: dict[str, Field] = {
    "run_id": STRING_FIELD,
    "run_name": STRING_FIELD,
    "status": STRING_FIELD,
    "user_id": STRING_FIELD,
    "artifact_uri": STRING_FIELD,
    "start_time": NUMERIC_FIELD,
    "end_time": NUMERIC_FIELD,
    "created": NUMERIC_FIELD,
}

# Beyond MLflow: IN on every string field, IS [NOT] NULL on metrics (a run lacking it has NULL).
KEYED_STRING = Field(ValueKind.STRING, STRING_OPS | NULL_OPS)

RUN_GRAMMAR = Grammar(
    name="runs",
    bare="attribute",
    entities=(
        Entity(
            "metric",
            "metric",
            ("metrics", "metric"),
            any_key=Field(ValueKind.NUMBER, NUMERIC_OPS | NULL_OPS),
        ),
        Entity(
            "param",
            "parameter",
            ("params", "param", "parameter", "parameters"),
            any_key=KEYED_STRING,
        ),
        Entity("tag", "tag", ("tags", "tag"), any_key=KEYED_STRING),
        Entity(
            "attribute",
            "attribute",
            ("attributes", "attribute", "attr", "run"),
            fields=RUN_ATTRIBUTES,
            aliases={"run name": "run_name"},
        ),
        Entity(
            "dataset",
            "dataset",
            ("datasets", "dataset"),
            fields={"name": STRING_FIELD, "digest": STRING_FIELD, "context": STRING_FIELD},
            sortable=False,
        ),
    ),
)

DEFAULT_ORDER = (OrderKey("attribute", "start_time", False), OrderKey("attribute", "run_id"))
