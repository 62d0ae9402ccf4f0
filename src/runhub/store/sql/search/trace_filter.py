"""Compile one comparison of the trace grammar to a condition on ``trace_info``.

Tag, metadata, span and assessment comparisons are EXISTS probes keyed by the trace id. As with
runs, they match only traces that have the key (``tags.a != 'x'`` skips traces without ``a``).
Nullable columns are guarded so that every condition is two-valued and NOT inverts it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, case, cast, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from runhub.entities.trace import LINKED_PROMPTS_TAG, SOURCE_RUN_METADATA, TRACE_NAME_TAG
from runhub.errors import InvalidParameter
from runhub.search.ast import Comparison
from runhub.store.sql.search.compile import any_row
from runhub.store.sql.search.matching import numeric_condition, string_condition
from runhub.store.trace_tables import (
    assessments,
    span_attributes,
    spans,
    trace_info,
    trace_metadata,
    trace_run_links,
    trace_tags,
)
from runhub.times import MAX_DURATION_MS, MAX_TIME_MS, MIN_TIME_MS

T = trace_info.c
SPAN_COLUMNS = {"name": spans.c.name, "type": spans.c.type, "status": spans.c.status}
ATTRIBUTE_PREFIX = "attributes."


def end_time() -> ColumnElement[Any]:
    # Each term clamped to what a write accepts, so rows stored before those checks cannot
    # overflow the 64-bit sum.
    return _within(T.request_time, MIN_TIME_MS, MAX_TIME_MS) + _within(
        T.execution_duration, -MAX_DURATION_MS, MAX_DURATION_MS
    )


def _within(column: ColumnElement[Any], low: int, high: int) -> ColumnElement[Any]:
    return case((column < low, low), (column > high, high), else_=column)


def trace_condition(comparison: Comparison) -> ColumnElement[bool]:
    """The SQL condition on ``trace_info`` for one comparison of the trace grammar."""
    entity, key, op, value = comparison.entity, comparison.key, comparison.op, comparison.value
    if entity in ("tag", "metadata"):
        table = trace_tags if entity == "tag" else trace_metadata
        return _keyed(table, key, op, value)
    if entity == "span":
        return _span_condition(key, op, value)
    if entity in ("feedback", "expectation"):
        has = (
            assessments.c.trace_id == T.trace_id,
            assessments.c.kind == entity,
            assessments.c.name == key,
            assessments.c.valid == true(),
        )
        if op == "IS NULL":
            return ~any_row(*has)
        if op == "IS NOT NULL":
            return any_row(*has)
        return any_row(*has, _assessment_value(op, value))
    return _attribute_condition(key, op, value)


def _assessment_value(op: str, value: Any) -> ColumnElement[bool]:
    """Numbers compare with the numeric copy of the value, text with its text."""
    number = assessments.c.value_number
    if op in ("<", "<=", ">", ">=") and isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise InvalidParameter(
                f"Invalid value '{value}' for '{op}': an assessment can only be compared "
                "with a number this way"
            ) from None
    if isinstance(value, (int, float)):
        return number.is_not(None) & numeric_condition(number, op, value)
    text = assessments.c.value_text
    return text.is_not(None) & string_condition(text, op, value)


def _keyed(table: Any, key: str, op: str, value: Any) -> ColumnElement[bool]:
    has = (table.c.trace_id == T.trace_id, table.c.key == key)
    if op == "IS NULL":
        return ~any_row(*has)
    if op == "IS NOT NULL":
        return any_row(*has)
    return any_row(*has, string_condition(table.c.value, op, value))


def _attribute_condition(key: str, op: str, value: Any) -> ColumnElement[bool]:
    if key == "request_id":
        return string_condition(T.trace_id, op, value)
    if key == "status":
        return string_condition(T.state, op, value)
    if key == "client_request_id":
        column = T.client_request_id
        return column.is_not(None) & string_condition(column, op, value)
    if key == "name":
        return _keyed(trace_tags, TRACE_NAME_TAG, op, value)
    if key == "run_id":
        linked = any_row(
            trace_run_links.c.trace_id == T.trace_id,
            string_condition(trace_run_links.c.run_id, op, value),
        )
        return or_(_keyed(trace_metadata, SOURCE_RUN_METADATA, op, value), linked)
    if key == "experiment_id":
        return string_condition(cast(T.experiment_id, String), op, value)
    if key == "timestamp_ms":
        return numeric_condition(T.request_time, op, value)
    if key == "execution_time_ms":
        duration = T.execution_duration
        return duration.is_not(None) & numeric_condition(duration, op, value)
    if key == "end_time_ms":
        return T.execution_duration.is_not(None) & numeric_condition(end_time(), op, value)
    if key == "text":
        return any_row(spans.c.trace_id == T.trace_id, string_condition(spans.c.content, op, value))
    if key == "prompt":
        return _prompt_condition(str(value))
    raise InvalidParameter(f"Invalid attribute key '{key}' for a trace search")


def _prompt_condition(value: str) -> ColumnElement[bool]:
    name, sep, version = value.rpartition("/")
    if not sep or not name or not version:
        raise InvalidParameter(f"Invalid prompt filter value '{value}': expected 'name/version'.")
    # The tag is a JSON list of {"name", "version"} objects, written compactly or not.
    patterns = [
        f'%"name":{sep_}"{_like_literal(name)}",{sep_}"version":{sep_}"{_like_literal(version)}"%'
        for sep_ in ("", " ")
    ]
    has = (trace_tags.c.trace_id == T.trace_id, trace_tags.c.key == LINKED_PROMPTS_TAG)
    return or_(*(any_row(*has, string_condition(trace_tags.c.value, "LIKE", p)) for p in patterns))


def _like_literal(text: str) -> str:
    return "".join("\\" + ch if ch in "%_\\" else ch for ch in text)


def _span_condition(key: str, op: str, value: Any) -> ColumnElement[bool]:
    correlate = spans.c.trace_id == T.trace_id
    if key in SPAN_COLUMNS:
        column = SPAN_COLUMNS[key]
        return any_row(correlate, column.is_not(None), string_condition(column, op, value))
    if key == "content":
        if op not in ("LIKE", "ILIKE"):
            raise InvalidParameter(f"Invalid comparator '{op}' for span.content; use LIKE or ILIKE")
        return any_row(correlate, string_condition(spans.c.content, op, value))
    if key.startswith(ATTRIBUTE_PREFIX) and len(key) > len(ATTRIBUTE_PREFIX):
        attribute = key[len(ATTRIBUTE_PREFIX) :]
        a = span_attributes.c
        matched = string_condition(a.value, op, value)
        if op in ("=", "IN"):
            # Few traces match an exact value: read them off the (key, value) index once.
            return T.trace_id.in_(select(a.trace_id).where(a.key == attribute, matched))
        return any_row(a.trace_id == T.trace_id, a.key == attribute, matched)
    raise InvalidParameter(
        f"Invalid span key 'span.{key}': use span.name, span.type, span.status, span.content "
        "or span.attributes.<key>"
    )
