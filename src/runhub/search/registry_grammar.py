"""The search grammars of registered models (§5.3) and model versions (§5.4)."""

from __future__ import annotations

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

# Beyond MLflow: IN and IS [NOT] NULL on tags too.
TAG_FIELD = Field(ValueKind.STRING, STRING_OPS | NULL_OPS)
_TAGS = Entity("tag", "tag", ("tags", "tag"), any_key=TAG_FIELD, sortable=False)

REGISTERED_MODEL_GRAMMAR = Grammar(
    name="registered_models",
    bare="attribute",
    entities=(
        Entity(
            "attribute",
            "attribute",
            ("attributes", "attribute", "attr"),
            fields={
                "name": STRING_FIELD,
                # order_by only: a filter on them is refused below (filterable=False)
                "timestamp": Field(ValueKind.NUMBER, frozenset()),
                "last_updated_timestamp": Field(ValueKind.NUMBER, frozenset()),
            },
        ),
        _TAGS,
    ),
)

MODEL_VERSION_GRAMMAR = Grammar(
    name="model_versions",
    bare="attribute",
    entities=(
        Entity(
            "attribute",
            "attribute",
            ("attributes", "attribute", "attr"),
            fields={
                "name": STRING_FIELD,
                "run_id": STRING_FIELD,
                "source_path": STRING_FIELD,
                "model_id": STRING_FIELD,
                "version_number": NUMERIC_FIELD,
                "creation_timestamp": Field(ValueKind.NUMBER, frozenset()),
                "last_updated_timestamp": Field(ValueKind.NUMBER, frozenset()),
            },
        ),
        _TAGS,
    ),
)
