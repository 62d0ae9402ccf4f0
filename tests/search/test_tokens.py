"""Offset page tokens (MLflow's shape) and the token decoding both token kinds share."""

from __future__ import annotations

import base64
import json

import pytest

import runhub.search
from runhub.errors import InvalidParameter
from runhub.search import decode_offset_token, encode_offset_token


def _b64(payload: object) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def test_offset_token_is_base64_json_of_the_offset() -> None:
    token = encode_offset_token(30)
    assert json.loads(base64.b64decode(token)) == {"offset": 30}
    assert decode_offset_token(token) == 30


@pytest.mark.parametrize("token", [None, ""])
def test_no_token_is_offset_zero(token: str | None) -> None:
    assert decode_offset_token(token) == 0


def test_mlflow_tokens_and_lenient_forms_decode() -> None:
    assert decode_offset_token(_b64({"offset": 5})) == 5
    assert decode_offset_token(_b64({"offset": 5}).rstrip("=")) == 5
    assert decode_offset_token(base64.urlsafe_b64encode(b'{"offset": 7}').decode()) == 7


BAD = [
    ("!!!", "Invalid page token, could not base64-decode '!!!'"),
    ("abcde", "Invalid page token, could not base64-decode 'abcde'"),
    (base64.b64encode(b"nope").decode(), "Invalid page token, decoded value=b'nope' is not JSON"),
    (_b64([5]), "Invalid page token, parsed value=[5] is not an object"),
    (_b64({"offset": -1}), None),
    (_b64({"offset": "5"}), None),
    (_b64({"offset": True}), None),
    (_b64({"offset": 1.5}), None),
    (_b64({}), None),
]


@pytest.mark.parametrize(("token", "message"), BAD)
def test_malformed_offset_tokens_are_400(token: str, message: str | None) -> None:
    with pytest.raises(InvalidParameter) as info:
        decode_offset_token(token)
    assert info.value.http_status == 400
    if message is None:
        message = f"Invalid page token {token!r}: its offset is not a non-negative integer"
    assert info.value.message == message


def test_public_api_is_exported() -> None:
    for name in runhub.search.__all__:
        assert getattr(runhub.search, name) is not None
    assert {
        "parse_filter",
        "parse_order_by",
        "encode_offset_token",
        "decode_offset_token",
        "search_runs_in_memory",
        "search_experiments_in_memory",
        "search_logged_models_in_memory",
    } <= set(runhub.search.__all__)
