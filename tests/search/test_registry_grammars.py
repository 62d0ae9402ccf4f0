"""The registered-model, model-version and logged-model grammars (§5.3-5.5), parsed alone."""

from __future__ import annotations

import pytest

from runhub.entities.logged_model import LoggedModelOrder
from runhub.errors import InvalidParameter
from runhub.search import parse_filter, parse_order_by
from runhub.search.ast import Comparison
from runhub.search.logged_model_grammar import LOGGED_MODEL_GRAMMAR
from runhub.search.registry_grammar import MODEL_VERSION_GRAMMAR, REGISTERED_MODEL_GRAMMAR
from runhub.store.sql.search.logged_models import build_logged_model_search
from runhub.store.sql.search.registry import (
    build_model_version_search,
    build_registered_model_search,
)
from runhub.store.sql.search.registry_filter import mentions_prompt_tag

ACCEPTED = [
    (REGISTERED_MODEL_GRAMMAR, "name = 'a'", Comparison("attribute", "name", "=", "a", 0)),
    (REGISTERED_MODEL_GRAMMAR, "name IN ('a', 'b')",
     Comparison("attribute", "name", "IN", ("a", "b"), 0)),
    (REGISTERED_MODEL_GRAMMAR, "tag.`mlflow.prompt.is_prompt` != 'true'",
     Comparison("tag", "mlflow.prompt.is_prompt", "!=", "true", 0)),
    (MODEL_VERSION_GRAMMAR, "version_number >= 3",
     Comparison("attribute", "version_number", ">=", 3, 0)),
    (MODEL_VERSION_GRAMMAR, "run_id IN ('x')", Comparison("attribute", "run_id", "IN", ("x",), 0)),
    (MODEL_VERSION_GRAMMAR, "source_path LIKE 'runs:/%'",
     Comparison("attribute", "source_path", "LIKE", "runs:/%", 0)),
    (LOGGED_MODEL_GRAMMAR, "metrics.acc > 0.5", Comparison("metric", "acc", ">", 0.5, 0)),
    (LOGGED_MODEL_GRAMMAR, "creation_time > 5",
     Comparison("attribute", "creation_timestamp", ">", 5, 0)),
    (LOGGED_MODEL_GRAMMAR, "params.lr = '0.1'", Comparison("param", "lr", "=", "0.1", 0)),
]  # fmt: skip

REFUSED = [
    (REGISTERED_MODEL_GRAMMAR, "creation_timestamp > 0"),
    (REGISTERED_MODEL_GRAMMAR, "timestamp > 0"),
    (REGISTERED_MODEL_GRAMMAR, "metrics.acc > 1"),
    (REGISTERED_MODEL_GRAMMAR, "name = a"),
    (MODEL_VERSION_GRAMMAR, "version_number = '1'"),
    (MODEL_VERSION_GRAMMAR, "stage = 'None'"),
    (LOGGED_MODEL_GRAMMAR, "metrics.acc > 'x'"),
    (LOGGED_MODEL_GRAMMAR, "bogus.x = '1'"),
    (LOGGED_MODEL_GRAMMAR, "name LIKE"),
]


@pytest.mark.parametrize(("grammar", "text", "expected"), ACCEPTED)
def test_filters_parse(grammar: object, text: str, expected: Comparison) -> None:
    assert parse_filter(text, grammar) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("grammar", "text"), REFUSED)
def test_bad_filters_are_400(grammar: object, text: str) -> None:
    with pytest.raises(InvalidParameter):
        parse_filter(text, grammar)  # type: ignore[arg-type]


def test_order_by_keys() -> None:
    keys = parse_order_by(["timestamp DESC", "name"], REGISTERED_MODEL_GRAMMAR)
    assert [(k.key, k.ascending) for k in keys] == [("timestamp", False), ("name", True)]
    with pytest.raises(InvalidParameter):
        parse_order_by(["tags.x"], REGISTERED_MODEL_GRAMMAR)
    with pytest.raises(InvalidParameter):
        build_model_version_search(None, ["stage"], 10, None)


def test_prompt_marker_is_detected_anywhere() -> None:
    tree = parse_filter("name = 'a' AND (tags.`mlflow.prompt.is_prompt` = 'true' OR name = 'b')",
                        REGISTERED_MODEL_GRAMMAR)  # fmt: skip
    assert mentions_prompt_tag(tree)
    assert not mentions_prompt_tag(parse_filter("tags.x = 'y'", REGISTERED_MODEL_GRAMMAR))


def test_logged_model_search_checks_its_request() -> None:
    for order in ("params.x", "metrics", "bogus"):
        with pytest.raises(InvalidParameter):
            build_logged_model_search([1], None, [], [LoggedModelOrder(order)], 10, None)
    with pytest.raises(InvalidParameter, match="Unknown model status"):
        build_logged_model_search([1], "status = 'LOGGED_MODEL_READY'", [], [], 10, None)
    with pytest.raises(InvalidParameter):
        build_logged_model_search([1], None, [], [], 0, None)
    with pytest.raises(InvalidParameter):
        build_registered_model_search(None, None, 10, "bm90IGEgdG9rZW4=")
