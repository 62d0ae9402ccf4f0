"""Compile registered-model and model-version comparisons to SQL conditions.

Tags are EXISTS probes on the (owner, key) primary key. The prompt marker tag
``mlflow.prompt.is_prompt`` gets the meaning clients rely on: ``!= 'true'`` and ``= 'false'``
select everything that is not a prompt (models without the tag included), and a search that does
not mention the tag leaves prompts out, as MLflow's registry does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.sql.elements import ColumnElement

from runhub.search.ast import And, Comparison, Node, Not, Or
from runhub.store.registry_tables import (
    model_version_tags,
    model_versions,
    registered_model_tags,
    registered_models,
)
from runhub.store.sql.search.compile import any_row
from runhub.store.sql.search.matching import numeric_condition, string_condition

IS_PROMPT_TAG = "mlflow.prompt.is_prompt"


def _tag_condition(
    tag_table: Table, owner: ColumnElement[Any], comparison: Comparison
) -> ColumnElement[bool]:
    key, op, value = comparison.key, comparison.op, comparison.value
    has_key = (tag_table.c[str(owner.key)] == owner, tag_table.c.key == key)
    if key == IS_PROMPT_TAG and isinstance(value, str):
        if (op == "!=" and value.lower() == "true") or (op == "=" and value.lower() == "false"):
            return ~is_prompt(tag_table, owner)
        if (op == "=" and value.lower() == "true") or (op == "!=" and value.lower() == "false"):
            return is_prompt(tag_table, owner)
    if op == "IS NULL":
        return ~any_row(*has_key)
    if op == "IS NOT NULL":
        return any_row(*has_key)
    return any_row(*has_key, string_condition(tag_table.c.value, op, value))


def is_prompt(tag_table: Table, owner: ColumnElement[Any]) -> ColumnElement[bool]:
    """The owner (a registered model or version) carries the prompt marker tag."""
    return any_row(
        tag_table.c[str(owner.key)] == owner,
        tag_table.c.key == IS_PROMPT_TAG,
        string_condition(tag_table.c.value, "=", "true"),
    )


def mentions_prompt_tag(node: Node | None) -> bool:
    """True when the filter compares the prompt marker tag anywhere."""
    if node is None:
        return False
    if isinstance(node, Comparison):
        return node.entity == "tag" and node.key == IS_PROMPT_TAG
    if isinstance(node, (And, Or)):
        return any(mentions_prompt_tag(item) for item in node.items)
    if isinstance(node, Not):
        return mentions_prompt_tag(node.item)
    return False


def registered_model_condition(comparison: Comparison) -> ColumnElement[bool]:
    """The SQL condition on ``registered_models`` for one comparison."""
    if comparison.entity == "tag":
        return _tag_condition(registered_model_tags, registered_models.c.model_pk, comparison)
    return string_condition(registered_models.c.name, comparison.op, comparison.value)


VERSION_COLUMNS: dict[str, ColumnElement[Any]] = {
    "name": registered_models.c.name,
    "run_id": model_versions.c.run_id,
    "source_path": model_versions.c.source,
    "model_id": model_versions.c.model_id,
    "version_number": model_versions.c.version,
    "creation_timestamp": model_versions.c.creation_time,
    "last_updated_timestamp": model_versions.c.last_updated_time,
}


def model_version_condition(comparison: Comparison) -> ColumnElement[bool]:
    """The SQL condition on ``model_versions`` joined to ``registered_models``."""
    if comparison.entity == "tag":
        return _tag_condition(model_version_tags, model_versions.c.version_pk, comparison)
    column = VERSION_COLUMNS[comparison.key]
    if comparison.key == "version_number":
        return numeric_condition(column, comparison.op, comparison.value)
    matched = string_condition(column, comparison.op, comparison.value)
    if comparison.key in ("run_id", "model_id"):  # nullable: keep the condition two-valued
        return column.is_not(None) & matched
    return matched
