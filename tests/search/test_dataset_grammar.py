"""The evaluation dataset grammar and the store-neutral record rules, without a database."""

from __future__ import annotations

import hashlib
import json

import pytest

from runhub.entities.evaluation_dataset import RecordInput
from runhub.errors import InvalidParameter
from runhub.search.evaluation_dataset_grammar import DATASET_GRAMMAR, require_conjunction
from runhub.search.parser import parse_filter, parse_order_by
from runhub.store.evaluation_dataset_rules import (
    dataset_digest,
    extend_schema,
    inputs_digest,
    source_id_of,
)


@pytest.mark.parametrize(
    "text",
    [
        "name = 'a'",
        "name = \"a\" AND tags.team != 'x'",
        "name IN ('a', 'b') AND created_time >= 5 AND last_updated_by ILIKE '%bo%'",
        "tags.`a b` LIKE 'x%'",
    ],
)
def test_accepted_filters(text: str) -> None:
    require_conjunction(parse_filter(text, DATASET_GRAMMAR), text)


@pytest.mark.parametrize(
    "text",
    [
        "name = 'a' OR name = 'b'",
        "NOT name = 'a'",
        "(name = 'a' OR name = 'b') AND created_time > 1",
        "digest = 'x'",
        "created_by IN ('a')",
        "created_time = 'yesterday'",
        "tags.team IN ('a')",
        "tags.team IS NULL",
    ],
)
def test_refused_filters(text: str) -> None:
    with pytest.raises(InvalidParameter):
        require_conjunction(parse_filter(text, DATASET_GRAMMAR), text)


def test_order_by_keys() -> None:
    keys = parse_order_by(["name", "last_update_time DESC"], DATASET_GRAMMAR)
    assert [(k.key, k.ascending) for k in keys] == [("name", True), ("last_update_time", False)]
    for bad in (["created_by"], ["tags.team"], ["name SIDEWAYS"]):
        with pytest.raises(InvalidParameter):
            parse_order_by(bad, DATASET_GRAMMAR)


def test_digests_follow_the_protocol() -> None:
    inputs = {"b": 1, "a": [1, "x"]}
    canonical = '{"a": [1, "x"], "b": 1}'
    assert inputs_digest(inputs) == hashlib.sha256(canonical.encode()).hexdigest()
    assert inputs_digest({"a": [1, "x"], "b": 1}) == inputs_digest(inputs)
    assert dataset_digest("qa", 5) == hashlib.sha256(b"qa:5").hexdigest()[:8]


def test_schema_keeps_first_seen_types_and_only_grows() -> None:
    first = extend_schema(
        None,
        [RecordInput({"q": "hi"}, {"answer": 1}, True, {"ok": True})],
    )
    assert first is not None
    assert json.loads(first) == {
        "inputs": {"q": "string"},
        "outputs": {"answer": "integer"},
        "expectations": {"ok": "boolean"},
        "version": "1.0",
    }
    again = extend_schema(first, [RecordInput({"q": 3}, None, True, {"ok": 1.5})])
    assert again == first  # nothing new: the stored text is kept as it is
    grown = extend_schema(first, [RecordInput({"n": None}, expectations={"list": []})])
    assert grown is not None
    schema = json.loads(grown)
    assert schema["inputs"] == {"q": "string", "n": "null"}
    assert schema["expectations"] == {"ok": "boolean", "list": "array"}


def test_source_ids() -> None:
    assert source_id_of({"source_type": "TRACE", "source_data": {"trace_id": "tr-1"}}) == "tr-1"
    assert source_id_of({"source_type": "DOCUMENT", "source_data": {"source_id": "doc"}}) == "doc"
    assert source_id_of({"source_type": "HUMAN", "source_data": {}}) is None
    assert source_id_of(None) is None
