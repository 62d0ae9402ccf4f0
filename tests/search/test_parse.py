"""The filter and order_by grammar: what parses to which tree, and the exact 400 messages."""

from __future__ import annotations

import pytest

from runhub.errors import InvalidParameter
from runhub.search import (
    EXPERIMENT_GRAMMAR,
    RUN_GRAMMAR,
    And,
    Comparison,
    Node,
    Not,
    Or,
    OrderKey,
    parse_filter,
    parse_order_by,
)

C = Comparison

VALID: list[tuple[str, Node | None]] = [
    ("", None),
    ("   ", None),
    ("metrics.acc > 0.9", C("metric", "acc", ">", 0.9, 0)),
    ("metric.acc>=1", C("metric", "acc", ">=", 1, 0)),
    ("metrics.acc < -1.5e-3", C("metric", "acc", "<", -1.5e-3, 0)),
    ("metrics.acc <> .5", C("metric", "acc", "!=", 0.5, 0)),
    ("metrics.`val loss` <= 2E3", C("metric", "val loss", "<=", 2000.0, 0)),
    ("metrics.train/loss-1 = 0", C("metric", "train/loss-1", "=", 0, 0)),
    ("metrics.acc IS NULL", C("metric", "acc", "IS NULL", None, 0)),
    ("metrics.acc is not null", C("metric", "acc", "IS NOT NULL", None, 0)),
    ("params.lr = '0.1'", C("param", "lr", "=", "0.1", 0)),
    ("param.lr = \"0.1\"", C("param", "lr", "=", "0.1", 0)),
    ("parameter.lr != ''", C("param", "lr", "!=", "", 0)),
    ("parameters.lr like '0.%'", C("param", "lr", "LIKE", "0.%", 0)),
    ("params.lr ILIKE '%A%'", C("param", "lr", "ILIKE", "%A%", 0)),
    ("params.lr IN ('a', \"b\")", C("param", "lr", "IN", ("a", "b"), 0)),
    ("params.lr not in ('a')", C("param", "lr", "NOT IN", ("a",), 0)),
    ("tags.`mlflow.runName` = 'x'", C("tag", "mlflow.runName", "=", "x", 0)),
    ('tags."a b" = \'it\'\'s\'', C("tag", "a b", "=", "it's", 0)),
    ("tag.t = 'say \"hi\"'", C("tag", "t", "=", 'say "hi"', 0)),
    ("tags.t = 'it\\'s'", C("tag", "t", "=", "it's", 0)),
    ("tags.t IS NULL", C("tag", "t", "IS NULL", None, 0)),
    ("run_name = 'x'", C("attribute", "run_name", "=", "x", 0)),
    ("attributes.run_id IN ('a','b')", C("attribute", "run_id", "IN", ("a", "b"), 0)),
    ("attribute.status != 'FAILED'", C("attribute", "status", "!=", "FAILED", 0)),
    ("attr.user_id LIKE 'u%'", C("attribute", "user_id", "LIKE", "u%", 0)),
    ("run.artifact_uri ILIKE 's3%'", C("attribute", "artifact_uri", "ILIKE", "s3%", 0)),
    ("`Run name` = 'x'", C("attribute", "run_name", "=", "x", 0)),
    ('"Run Name" = \'x\'', C("attribute", "run_name", "=", "x", 0)),
    ("attributes.`run NAME` = 'x'", C("attribute", "run_name", "=", "x", 0)),
    ("start_time > 0", C("attribute", "start_time", ">", 0, 0)),
    ("attributes.created >= 1700000000000", C("attribute", "created", ">=", 1700000000000, 0)),
    ("end_time < 5", C("attribute", "end_time", "<", 5, 0)),
    ("datasets.name = 'tiny'", C("dataset", "name", "=", "tiny", 0)),
    ("dataset.context IN ('training')", C("dataset", "context", "IN", ("training",), 0)),
    ("datasets.digest NOT IN ('a', 'b')", C("dataset", "digest", "NOT IN", ("a", "b"), 0)),
    (
        "metrics.acc >= 0.9 AND params.lr = '0.1'",
        And((C("metric", "acc", ">=", 0.9, 0), C("param", "lr", "=", "0.1", 23))),
    ),
    (
        "metrics.a = 1 and metrics.b = 2 AND metrics.c = 3",
        And((C("metric", "a", "=", 1, 0), C("metric", "b", "=", 2, 18),
             C("metric", "c", "=", 3, 36))),
    ),
    (
        "metrics.a = 1 OR metrics.b = 2 AND metrics.c = 3",
        Or((C("metric", "a", "=", 1, 0),
            And((C("metric", "b", "=", 2, 17), C("metric", "c", "=", 3, 35))))),
    ),
    (
        "(metrics.a = 1 OR metrics.b = 2) AND NOT metrics.c = 3",
        And((Or((C("metric", "a", "=", 1, 1), C("metric", "b", "=", 2, 18))),
             Not(C("metric", "c", "=", 3, 41)))),
    ),
    ("NOT NOT metrics.a = 1", Not(Not(C("metric", "a", "=", 1, 8)))),
    ("((metrics.a = 1))", C("metric", "a", "=", 1, 2)),
    (
        "not (tags.t = 'x' or tags.u IS NOT NULL)",
        Not(Or((C("tag", "t", "=", "x", 5), C("tag", "u", "IS NOT NULL", None, 21)))),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "tree"), VALID, ids=[text for text, _ in VALID])
def test_valid_filters_parse_to_their_tree(text: str, tree: Node | None) -> None:
    assert parse_filter(text, RUN_GRAMMAR) == tree


def _msg(text: str, detail: str) -> str:
    return f'Invalid filter "{text}": {detail}'


RUN_KEYS = "run_id, run_name, status, user_id, artifact_uri, start_time, end_time, created"
PREFIXES = "metrics, params, tags, attributes, datasets"
STRING_OPS = "=, !=, LIKE, ILIKE, IN, NOT IN"
KEYED_STRING_OPS = "=, !=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL"
NUMERIC_OPS = "=, !=, <, <=, >, >="

INVALID: list[tuple[str, str]] = [
    ("metrics.acc >> 1", "unexpected '>' at position 13"),
    ("foo.bar = 1", f"Invalid entity type 'foo' at position 0; valid prefixes: {PREFIXES}"),
    ("lifecycle_stage = 'active'",
     f"Invalid attribute key 'lifecycle_stage' at position 0; valid keys: {RUN_KEYS}"),
    ("attributes.nope = 'x'",
     f"Invalid attribute key 'nope' at position 0; valid keys: {RUN_KEYS}"),
    ("datasets.schema = 'x'",
     "Invalid dataset key 'schema' at position 0; valid keys: name, digest, context"),
    ("metrics.acc", "unexpected end of input at position 11"),
    ("metrics.acc >", "unexpected end of input at position 13"),
    ("metrics.acc > 1 AND", "unexpected end of input at position 19"),
    ("metrics.acc 1", "unexpected '1' at position 12"),
    ("params.lr = 'abc", "unterminated string starting at position 12"),
    ('tags."a b = \'x\'', "unterminated string starting at position 5"),
    ("metrics.acc = '0.9'",
     "Expected numeric value type for metric 'acc', got '0.9' at position 14"),
    ("metrics.acc = abc", "Expected numeric value type for metric 'acc', got 'abc' at position 14"),
    ("params.lr = 0.1",
     "Expected a quoted string value for parameter 'lr', got '0.1' at position 12"),
    ("tags.t = abc", "Expected a quoted string value for tag 't', got 'abc' at position 9"),
    ("tags.t = `abc`", "Expected a quoted string value for tag 't', got `abc` at position 9"),
    ("run_name = 5",
     "Expected a quoted string value for attribute 'run_name', got '5' at position 11"),
    ("start_time > '5'",
     "Expected numeric value type for attribute 'start_time', got '5' at position 13"),
    ("params.lr IN ('a', 1)",
     "Expected a quoted string value for parameter 'lr', got '1' at position 19"),
    ("metrics.acc LIKE 'x'",
     f"Invalid comparator 'LIKE' for metric 'acc' at position 12; allowed: {NUMERIC_OPS}, "
     "IS NULL, IS NOT NULL"),
    ("metrics.acc IN (1)",
     f"Invalid comparator 'IN' for metric 'acc' at position 12; allowed: {NUMERIC_OPS}, "
     "IS NULL, IS NOT NULL"),
    ("params.lr > '1'",
     f"Invalid comparator '>' for parameter 'lr' at position 10; allowed: {KEYED_STRING_OPS}"),
    ("run_name IS NULL",
     f"Invalid comparator 'IS NULL' for attribute 'run_name' at position 9; allowed: {STRING_OPS}"),
    ("start_time IS NOT NULL",
     f"Invalid comparator 'IS NOT NULL' for attribute 'start_time' at position 11; allowed: "
     f"{NUMERIC_OPS}"),
    ("start_time LIKE 1",
     f"Invalid comparator 'LIKE' for attribute 'start_time' at position 11; allowed: "
     f"{NUMERIC_OPS}"),
    ("datasets.name IS NULL",
     f"Invalid comparator 'IS NULL' for dataset 'name' at position 14; allowed: {STRING_OPS}"),
    ("metrics.acc > 1 params.a = 'x'", "unexpected 'params.a' at position 16"),
    ("metrics.acc > 1 )", "unexpected ')' at position 16"),
    ("()", "unexpected ')' at position 1"),
    ("(metrics.acc > 1", "unexpected end of input at position 16"),
    ("params.a IN ()", "unexpected ')' at position 13"),
    ("params.a IN 'x'", "unexpected 'x' at position 12"),
    ("params.a IN ('x',)", "unexpected ')' at position 17"),
    ("params.a IN ('x' 'y')", "unexpected 'y' at position 17"),
    ("params.a NOT 'x'", "unexpected 'NOT' at position 9"),
    ("params.a IS 'x'", "unexpected 'x' at position 12"),
    ("AND metrics.a = 1", "unexpected 'AND' at position 0"),
    ("metrics.a = 1 AND OR metrics.b = 2", "unexpected 'OR' at position 18"),
    ("'run_name' = 'x'", "unexpected 'run_name' at position 0"),
    ("metrics. = 1", "missing key after 'metrics.' at position 0"),
    ("metrics.acc ~ 1", "unexpected character '~' at position 12"),
    ("metrics.acc ! 1", "unexpected character '!' at position 12"),
    ("metrics.acc = 1abc", "invalid number '1abc' at position 14"),
    ("metrics.acc = 1.2.3", "invalid number '1.2.3' at position 14"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "detail"), INVALID, ids=[text for text, _ in INVALID])
def test_invalid_filters_name_the_offending_token(text: str, detail: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_filter(text, RUN_GRAMMAR)
    assert info.value.message == _msg(text, detail)
    assert info.value.http_status == 400


def test_experiment_grammar_has_its_own_keys() -> None:
    assert parse_filter("name = 'x' AND tags.t IS NULL", EXPERIMENT_GRAMMAR) == And(
        (C("attribute", "name", "=", "x", 0), C("tag", "t", "IS NULL", None, 15))
    )
    assert parse_filter("experiment_id IN ('1', '2')", EXPERIMENT_GRAMMAR) == C(
        "attribute", "experiment_id", "IN", ("1", "2"), 0
    )
    with pytest.raises(InvalidParameter, match="Invalid attribute key 'run_id'"):
        parse_filter("run_id = 'x'", EXPERIMENT_GRAMMAR)
    with pytest.raises(InvalidParameter, match="Invalid entity type 'metrics'"):
        parse_filter("metrics.acc > 1", EXPERIMENT_GRAMMAR)


ORDER_VALID: list[tuple[list[str], list[OrderKey]]] = [
    (["metrics.acc"], [OrderKey("metric", "acc", True)]),
    (["metrics.`acc` DESC"], [OrderKey("metric", "acc", False)]),
    (["params.lr asc", "tags.t desc"], [OrderKey("param", "lr"), OrderKey("tag", "t", False)]),
    (["attributes.start_time DESC"], [OrderKey("attribute", "start_time", False)]),
    (["`Run name`", "created"], [OrderKey("attribute", "run_name"),
                                 OrderKey("attribute", "created")]),
    (["attr.end_time  Desc "], [OrderKey("attribute", "end_time", False)]),
]  # fmt: skip


@pytest.mark.parametrize(("entries", "keys"), ORDER_VALID)
def test_order_by_entries_parse(entries: list[str], keys: list[OrderKey]) -> None:
    assert parse_order_by(entries, RUN_GRAMMAR) == keys


ORDER_INVALID: list[tuple[str, str]] = [
    ("", "unexpected end of input at position 0"),
    ("metrics.acc DESC ASC", "unexpected 'ASC' at position 17"),
    ("metrics.acc sideways", "unexpected 'sideways' at position 12"),
    ("metrics.acc, params.lr", "unexpected ',' at position 11"),
    ("lifecycle_stage", f"Invalid attribute key 'lifecycle_stage' at position 0; valid keys: "
                        f"{RUN_KEYS}"),
    ("datasets.name", "cannot sort by dataset 'name' at position 0"),
    ("metrics.acc > 1", "unexpected '>' at position 12"),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "detail"), ORDER_INVALID)
def test_invalid_order_by_names_the_clause(entry: str, detail: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_order_by([entry], RUN_GRAMMAR)
    assert info.value.message == f'Invalid order_by clause "{entry}": {detail}'


def test_experiment_order_by_takes_only_attributes() -> None:
    assert parse_order_by(["name DESC"], EXPERIMENT_GRAMMAR) == [
        OrderKey("attribute", "name", False)
    ]
    with pytest.raises(InvalidParameter, match="cannot sort by tag 't'"):
        parse_order_by(["tags.t"], EXPERIMENT_GRAMMAR)
