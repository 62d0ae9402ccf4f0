"""Filters of trace metric queries, compiled to a condition on the rows of one metric view.

A metric filter names what it narrows: ``trace.status``, ``trace.tag.<key>`` and
``trace.metadata.<key>`` keep the rows of matching traces; ``span.name|type|status`` keeps
matching spans (SPANS view only); ``assessment.name|type`` keeps matching assessments
(ASSESSMENTS view only). Every search_traces comparison that does not start with ``trace.``
(``tags.env = 'dev'``, ``feedback.score > 0.5``, ``status = 'OK'`` ...) is also accepted and
keeps the rows of the traces it matches.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from runhub.errors import InvalidParameter
from runhub.search.ast import Comparison
from runhub.search.grammar import STRING_FIELD, Entity, Grammar
from runhub.search.parser import parse_filter
from runhub.search.trace_grammar import TRACE_GRAMMAR
from runhub.store.sql.search.compile import compile_filter
from runhub.store.sql.search.matching import string_condition
from runhub.store.sql.search.trace_filter import trace_condition
from runhub.store.trace_tables import assessments, spans

SPAN_FIELDS: dict[str, ColumnElement[Any]] = {
    "name": spans.c.name,
    "type": spans.c.type,
    "status": spans.c.status,
}
ASSESSMENT_FIELDS: dict[str, ColumnElement[Any]] = {
    "name": assessments.c.name,
    "type": assessments.c.kind,
}
TRACE_KEYED = {"tag.": "tag", "metadata.": "metadata"}
ROW_ENTITY_VIEW = {"span": "SPANS", "assessment": "ASSESSMENTS"}


def _row_entity(name: str, fields: dict[str, ColumnElement[Any]]) -> Entity:
    rules = {key: STRING_FIELD for key in fields}
    return Entity(name, name, (name, name + "s"), fields=rules, sortable=False)


def _grammar() -> Grammar:
    # search_traces entities keep their meaning, except ``trace.`` and ``span.`` taken above.
    search = [
        replace(e, prefixes=tuple(p for p in e.prefixes if p != "trace"))
        for e in TRACE_GRAMMAR.entities
        if e.name != "span"
    ]
    return Grammar(
        name="trace metrics",
        bare=TRACE_GRAMMAR.bare,
        entities=(
            Entity("trace", "trace", ("trace",), any_key=STRING_FIELD, sortable=False),
            _row_entity("span", SPAN_FIELDS),
            _row_entity("assessment", ASSESSMENT_FIELDS),
            *search,
        ),
    )


METRIC_FILTER_GRAMMAR = _grammar()


def metric_filter_condition(filter_string: str, view: str) -> ColumnElement[bool]:
    """The condition of one metric filter on the rows of ``view`` (TRACES, SPANS or
    ASSESSMENTS); raises InvalidParameter for a malformed filter or one about rows the view
    does not have."""

    def leaf(comparison: Comparison) -> ColumnElement[bool]:
        return _comparison_condition(comparison, view)

    return compile_filter(parse_filter(filter_string, METRIC_FILTER_GRAMMAR), leaf)


def _comparison_condition(comparison: Comparison, view: str) -> ColumnElement[bool]:
    entity, key, op, value = comparison.entity, comparison.key, comparison.op, comparison.value
    if entity in ROW_ENTITY_VIEW:
        if ROW_ENTITY_VIEW[entity] != view:
            raise InvalidParameter(
                f"Filters on {entity}s ('{entity}.{key}') apply only to the "
                f"{ROW_ENTITY_VIEW[entity]} view; this query is on the {view} view. Filter "
                "traces with trace.status, trace.tag.<key> or trace.metadata.<key> instead."
            )
        column = (SPAN_FIELDS if entity == "span" else ASSESSMENT_FIELDS)[key]
        return column.is_not(None) & string_condition(column, op, value)
    if entity == "trace":
        return trace_condition(_trace_comparison(comparison))
    return trace_condition(comparison)


def _trace_comparison(comparison: Comparison) -> Comparison:
    """``trace.status`` / ``trace.tag.<k>`` / ``trace.metadata.<k>`` as search_traces terms."""
    key = comparison.key
    if key == "status":
        return replace(comparison, entity="attribute")
    for prefix, entity in TRACE_KEYED.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            return replace(comparison, entity=entity, key=key[len(prefix) :])
    raise InvalidParameter(
        f"Invalid trace filter key 'trace.{key}': use trace.status, trace.tag.<key> or "
        "trace.metadata.<key>"
    )
