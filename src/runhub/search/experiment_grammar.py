"""The search_experiments grammar and its default order."""

from __future__ import annotations

from runhub.search.ast import OrderKey
from runhub.search.grammar import (
    NULL_OPS,
    NUMERIC_FIELD,
    STRING_FIELD,
    STRING_OPS,
    Entity,
    Field,
    Grammar,
    ValueKind,
)

EXPERIMENT_ATTRIBUTES: dict[str, Field] = {
    "name": STRING_FIELD,
    "experiment_id": STRING_FIELD,  # a string on the wire, an integer in the table
    "creation_time": NUMERIC_FIELD,
    "last_update_time": NUMERIC_FIELD,
}

EXPERIMENT_GRAMMAR = Grammar(
    name="experiments",
    bare="attribute",
    entities=(
        Entity(
            "attribute",
            "attribute",
            ("attributes", "attribute", "attr"),
            fields=EXPERIMENT_ATTRIBUTES,
        ),
        Entity(
            "tag",
            "tag",
            ("tags", "tag"),
            any_key=Field(ValueKind.STRING, STRING_OPS | NULL_OPS),
            sortable=False,
        ),
    ),
)

DEFAULT_ORDER = (
    OrderKey("attribute", "creation_time", False),
    OrderKey("attribute", "experiment_id"),
)
