"""The search grammar of evaluation datasets (mlflow-genai-api.md §1.4) and its default order.

Comparisons are joined by AND only, as MLflow's dataset search takes them.
"""

from __future__ import annotations

from runhub.errors import InvalidParameter
from runhub.search.ast import And, Comparison, Node, OrderKey
from runhub.search.grammar import NUMERIC_FIELD, Entity, Field, Grammar, ValueKind

_TEXT_OPS = frozenset({"=", "!=", "LIKE", "ILIKE"})
_TEXT = Field(ValueKind.STRING, _TEXT_OPS, sortable=False)

DATASET_ATTRIBUTES: dict[str, Field] = {
    "name": Field(ValueKind.STRING, _TEXT_OPS | {"IN"}),
    "created_time": NUMERIC_FIELD,
    "last_update_time": NUMERIC_FIELD,
    "created_by": _TEXT,
    "last_updated_by": _TEXT,
}

DATASET_GRAMMAR = Grammar(
    name="evaluation_datasets",
    bare="attribute",
    entities=(
        Entity(
            "attribute",
            "attribute",
            ("attributes", "attribute", "attr"),
            fields=DATASET_ATTRIBUTES,
        ),
        Entity("tag", "tag", ("tags", "tag"), any_key=_TEXT, sortable=False),
    ),
)

DEFAULT_ORDER = (OrderKey("attribute", "created_time", False),)


def require_conjunction(tree: Node | None, text: str) -> None:
    """Refuse OR and NOT: a dataset filter is comparisons joined by AND."""
    if tree is None or isinstance(tree, Comparison):
        return
    if isinstance(tree, And) and all(isinstance(item, Comparison) for item in tree.items):
        return
    raise InvalidParameter(
        f"Invalid clause(s) in filter string: '{text}'; dataset filters join comparisons "
        "with AND only."
    )
