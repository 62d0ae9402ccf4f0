"""The search_traces grammar (mlflow-api.md §5.6): trace attributes, tags, metadata, spans
and assessments."""

from __future__ import annotations

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

KEYED_STRING = Field(ValueKind.STRING, STRING_OPS | NULL_OPS)
# Assessment values are numbers (feedback.score > 0.5) or text (feedback.verdict = 'pass').
ASSESSMENT_VALUE = Field(ValueKind.ANY, STRING_OPS | NUMERIC_OPS | NULL_OPS, sortable=False)
TEXT_SEARCH = Field(ValueKind.STRING, frozenset({"LIKE", "ILIKE"}), sortable=False)

TRACE_ATTRIBUTES: dict[str, Field] = {
    "request_id": STRING_FIELD,
    "status": STRING_FIELD,
    "client_request_id": STRING_FIELD,
    "name": STRING_FIELD,
    "run_id": STRING_FIELD,
    "experiment_id": STRING_FIELD,
    "timestamp_ms": NUMERIC_FIELD,
    "execution_time_ms": NUMERIC_FIELD,
    "end_time_ms": NUMERIC_FIELD,
    "text": TEXT_SEARCH,
    "prompt": Field(ValueKind.STRING, frozenset({"="}), sortable=False),
}

TRACE_GRAMMAR = Grammar(
    name="traces",
    bare="attribute",
    entities=(
        Entity(
            "attribute",
            "attribute",
            ("attributes", "attribute", "attr", "trace"),
            fields=TRACE_ATTRIBUTES,
            aliases={
                "trace_id": "request_id",
                "state": "status",
                "timestamp": "timestamp_ms",
                "request_time": "timestamp_ms",
                "execution_time": "execution_time_ms",
                "end_time": "end_time_ms",
            },
        ),
        Entity("tag", "tag", ("tags", "tag"), any_key=KEYED_STRING, sortable=False),
        Entity(
            "metadata",
            "metadata",
            ("metadata", "request_metadata"),
            any_key=KEYED_STRING,
            sortable=False,
        ),
        # span.name / span.type / span.status / span.content / span.attributes.<key>; the
        # compiler checks the key.
        Entity("span", "span", ("span", "spans"), any_key=STRING_FIELD, sortable=False),
        Entity("feedback", "feedback", ("feedback",), any_key=ASSESSMENT_VALUE, sortable=False),
        Entity(
            "expectation",
            "expectation",
            ("expectation",),
            any_key=ASSESSMENT_VALUE,
            sortable=False,
        ),
    ),
)
