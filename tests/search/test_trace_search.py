"""The search_traces grammar: prefixes and aliases, span attribute keys, order_by, and the
SQL it compiles to (run on SQLite; every backend is covered by tests/api/test_traces.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from runhub.errors import InvalidParameter
from runhub.search import Comparison, OrderKey, encode_offset_token, parse_filter, parse_order_by
from runhub.search.trace_grammar import TRACE_GRAMMAR
from runhub.store.schema import metadata
from runhub.store.sql.search.traces import build_trace_search, trace_filter_condition

C = Comparison

VALID = [
    ("status = 'OK'", C("attribute", "status", "=", "OK", 0)),
    ("trace.state = 'OK'", C("attribute", "status", "=", "OK", 0)),
    ("attributes.timestamp > 5", C("attribute", "timestamp_ms", ">", 5, 0)),
    ("execution_time >= 1.5", C("attribute", "execution_time_ms", ">=", 1.5, 0)),
    ("trace.end_time < 10", C("attribute", "end_time_ms", "<", 10, 0)),
    ("trace.trace_id = 'tr-1'", C("attribute", "request_id", "=", "tr-1", 0)),
    ("name IN ('a', 'b')", C("attribute", "name", "IN", ("a", "b"), 0)),
    ("trace.text LIKE '%x%'", C("attribute", "text", "LIKE", "%x%", 0)),
    ("tags.env != 'prod'", C("tag", "env", "!=", "prod", 0)),
    ("tag.`a b` IS NULL", C("tag", "a b", "IS NULL", None, 0)),
    ("metadata.mlflow.sourceRun = 'r'", C("metadata", "mlflow.sourceRun", "=", "r", 0)),
    ("request_metadata.k IS NOT NULL", C("metadata", "k", "IS NOT NULL", None, 0)),
    ("span.type = 'LLM'", C("span", "type", "=", "LLM", 0)),
    ("span.attributes.model = 'm'", C("span", "attributes.model", "=", "m", 0)),
    (
        "span.attributes.`llm.model name` = 'm'",
        C("span", "attributes.llm.model name", "=", "m", 0),
    ),
    ("feedback.`answer quality` = 'good'", C("feedback", "answer quality", "=", "good", 0)),
    ("expectation.answer IS NULL", C("expectation", "answer", "IS NULL", None, 0)),
    ("feedback.score > 0.5", C("feedback", "score", ">", 0.5, 0)),
    ("feedback.score IN ('a', 1)", C("feedback", "score", "IN", ("a", "1"), 0)),
]


@pytest.mark.parametrize(("text", "tree"), VALID)
def test_valid_filters(text: str, tree: Comparison) -> None:
    assert parse_filter(text, TRACE_GRAMMAR) == tree


INVALID = [
    ("timestamp_ms = 'x'", "Expected numeric value"),
    ("status > 'OK'", "Invalid comparator '>'"),
    ("trace.text = 'x'", "Invalid comparator '='"),
    ("bogus = 'x'", "Invalid attribute key 'bogus'"),
    ("params.x = 'y'", "Invalid entity type 'params'"),
    ("prompt != 'a/1'", "Invalid comparator '!='"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_invalid_filters(text: str, message: str) -> None:
    with pytest.raises(InvalidParameter, match=message):
        parse_filter(text, TRACE_GRAMMAR)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("span.bogus = 'x'", "Invalid span key"),
        ("span.content = 'x'", "use LIKE or ILIKE"),
        ("prompt = 'no-version'", "expected 'name/version'"),
    ],
)
def test_keys_checked_when_compiling(text: str, message: str) -> None:
    with pytest.raises(InvalidParameter, match=message):
        trace_filter_condition(text)


def test_order_by_keys_and_aliases() -> None:
    keys = parse_order_by(["timestamp DESC", "execution_time_ms", "trace.name ASC"], TRACE_GRAMMAR)
    assert keys == [
        OrderKey("attribute", "timestamp_ms", False),
        OrderKey("attribute", "execution_time_ms", True),
        OrderKey("attribute", "name", True),
    ]
    with pytest.raises(InvalidParameter, match="cannot sort by tag"):
        parse_order_by(["tags.env"], TRACE_GRAMMAR)
    with pytest.raises(InvalidParameter, match="cannot sort by attribute 'text'"):
        parse_order_by(["text"], TRACE_GRAMMAR)


def test_statement_pages_by_offset_and_compiles_on_sqlite() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    search = build_trace_search(
        [1, 2],
        "tags.env = 'p' AND span.attributes.`a.b` LIKE 'x%' AND feedback.q IS NULL "
        "AND run_id = 'r' AND execution_time_ms > 3 AND prompt = 'p/1'",
        ["name DESC", "end_time_ms"],
        2,
        encode_offset_token(4),
    )
    assert search.offset == 4
    with engine.connect() as conn:
        assert conn.execute(search.statement).all() == []
    page, token = search.page([("a",), ("b",), ("c",)])  # type: ignore[list-item]
    assert len(page) == 2 and token == encode_offset_token(6)
    assert search.page([("a",)]) == ([("a",)], None)  # type: ignore[list-item]
    with pytest.raises(InvalidParameter, match="max_results"):
        build_trace_search([1], None, None, 0, None)
