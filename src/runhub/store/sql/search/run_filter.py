"""Compile one comparison of the run grammar to a condition on ``runs``.

Metric, param, tag and dataset comparisons are EXISTS probes on the child table's (run_pk, key)
index. Except for IS NULL, they match only runs that have the key: ``params.a != 'x'`` skips runs
without ``a``. A NaN metric matches ``!=`` and IS NOT NULL only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from runhub.search.ast import Comparison
from runhub.search.grammar import ValueKind
from runhub.search.run_grammar import RUN_ATTRIBUTES
from runhub.store.sql.search.compile import any_row
from runhub.store.sql.search.matching import numeric_condition, string_condition
from runhub.store.sql.search.run_columns import RUN_COLUMNS
from runhub.store.tables import dataset_inputs, datasets, metric_series, params, runs, tags


def run_condition(comparison: Comparison) -> ColumnElement[bool]:
    """The SQL condition on ``runs`` for one comparison of the run grammar."""
    entity, key, op, value = comparison.entity, comparison.key, comparison.op, comparison.value
    if entity == "metric":
        return _metric_condition(key, op, value)
    if entity in ("param", "tag"):
        table = params if entity == "param" else tags
        has_key = (table.c.run_pk == runs.c.run_pk, table.c.key == key)
        if op == "IS NULL":
            return ~any_row(*has_key)
        if op == "IS NOT NULL":
            return any_row(*has_key)
        return any_row(*has_key, string_condition(table.c.value, op, value))
    if entity == "dataset":
        column = {
            "name": datasets.c.name,
            "digest": datasets.c.digest,
            "context": dataset_inputs.c.context,
        }[key]
        return any_row(
            dataset_inputs.c.run_pk == runs.c.run_pk,
            datasets.c.dataset_pk == dataset_inputs.c.dataset_pk,
            string_condition(column, op, value),
        )
    attribute = RUN_COLUMNS[key]
    if RUN_ATTRIBUTES[key].kind is ValueKind.NUMBER:
        matched = numeric_condition(attribute, op, value)
    else:
        matched = string_condition(attribute, op, value)
    # end_time may be NULL: keep the condition two-valued so that NOT inverts it.
    return attribute.is_not(None) & matched if key == "end_time" else matched


def _metric_condition(key: str, op: str, value: Any) -> ColumnElement[bool]:
    has_key = (metric_series.c.run_pk == runs.c.run_pk, metric_series.c.key == key)
    if op == "IS NULL":
        return ~any_row(*has_key)
    if op == "IS NOT NULL":
        return any_row(*has_key)
    compared = numeric_condition(metric_series.c.value, op, value)
    if op == "!=":  # NaN differs from every number
        return any_row(*has_key, or_(metric_series.c.is_nan == true(), compared))
    return any_row(*has_key, metric_series.c.is_nan == false(), compared)
