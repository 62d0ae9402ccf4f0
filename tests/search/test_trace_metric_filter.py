"""The trace metrics filter grammar: MLflow's metric filter form next to the search_traces
forms, and which view each filter applies to (values on every backend are covered by
tests/api/test_trace_metric_views.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import sqlite

from runhub.errors import InvalidParameter
from runhub.search import Comparison, parse_filter
from runhub.store.sql.search.trace_metric_filter import (
    METRIC_FILTER_GRAMMAR,
    metric_filter_condition,
)

C = Comparison

VALID = [
    ("trace.status = 'OK'", C("trace", "status", "=", "OK", 0)),
    ("trace.tag.env = 'prod'", C("trace", "tag.env", "=", "prod", 0)),
    ("trace.metadata.mlflow.user = 'ada'", C("trace", "metadata.mlflow.user", "=", "ada", 0)),
    ("span.type = 'LLM'", C("span", "type", "=", "LLM", 0)),
    ("span.name IN ('a', 'b')", C("span", "name", "IN", ("a", "b"), 0)),
    ("assessment.type = 'feedback'", C("assessment", "type", "=", "feedback", 0)),
    ("tags.env = 'prod'", C("tag", "env", "=", "prod", 0)),
    ("status = 'OK'", C("attribute", "status", "=", "OK", 0)),
    ("feedback.score > 0.5", C("feedback", "score", ">", 0.5, 0)),
]


@pytest.mark.parametrize(("text", "tree"), VALID)
def test_valid_filters(text: str, tree: Comparison) -> None:
    assert parse_filter(text, METRIC_FILTER_GRAMMAR) == tree


INVALID = [
    ("span.content LIKE '%x%'", "SPANS", "Invalid span key 'content'"),
    ("assessment.value = 'x'", "ASSESSMENTS", "Invalid assessment key 'value'"),
    ("trace.name = 'x'", "TRACES", "Invalid trace filter key 'trace.name'"),
    ("trace.tag. = 'x'", "TRACES", "Invalid trace filter key"),
    ("span.name = 'x'", "TRACES", "apply only to the SPANS view"),
    ("span.name = 'x'", "ASSESSMENTS", "apply only to the SPANS view"),
    ("assessment.name = 'x'", "SPANS", "apply only to the ASSESSMENTS view"),
    ("tags.env = 'x' OR span.type = 'LLM'", "TRACES", "apply only to the SPANS view"),
]


@pytest.mark.parametrize(("text", "view", "message"), INVALID)
def test_invalid_filters(text: str, view: str, message: str) -> None:
    with pytest.raises(InvalidParameter, match=message):
        metric_filter_condition(text, view)


@pytest.mark.parametrize(
    ("text", "view", "reads"),
    [
        # Span fields are the span row's own columns; trace fields probe the trace.
        ("span.name = 'x' AND trace.tag.env = 'prod'", "SPANS", ("spans.name", "trace_tags")),
        ("assessment.type = 'x'", "ASSESSMENTS", ("assessments.kind",)),
        ("trace.status = 'OK'", "TRACES", ("trace_info.state",)),
        ("trace.metadata.k = 'v'", "TRACES", ("trace_metadata",)),
    ],
)
def test_each_view_compiles_its_own_filters(text: str, view: str, reads: tuple[str, ...]) -> None:
    sql = str(metric_filter_condition(text, view).compile(dialect=sqlite.dialect()))
    for name in reads:
        assert name in sql
