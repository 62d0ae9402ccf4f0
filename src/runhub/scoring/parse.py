"""Turning an ``/invocations`` body into model input (mlflow-api.md §9.2)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import orjson
import pandas as pd

from runhub.errors import BadRequest
from runhub.scoring.errors import UnsupportedMediaType

INPUT_KEYS = ("dataframe_split", "dataframe_records", "instances", "inputs")
CONTENT_TYPES = ["text/csv", "application/json"]
FORMAT_HINT = (
    "The input must be a JSON dictionary with exactly one of the input fields "
    "{'instances', 'inputs', 'dataframe_split', 'dataframe_records'}. Note that since MLflow "
    "2.0 the JSON body needs one of these keys; see the model serving docs."
)


def content_type_of(header: str) -> str:
    """The media type of a Content-Type header; 415 for parameters other than utf-8 charset."""
    media, *parameters = (part.strip() for part in header.split(";"))
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() != "charset":
            raise UnsupportedMediaType(
                f"Unrecognized content type parameters: {parameter}. Since MLflow 2.0 the JSON "
                "body carries the format as a key (e.g. dataframe_split) instead."
            )
        if value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise UnsupportedMediaType("The scoring server only supports UTF-8")
    media = media.lower()
    if media not in CONTENT_TYPES:
        raise UnsupportedMediaType(
            "This predictor only supports the following content types: "
            f"Types: {CONTENT_TYPES}. Got '{media}'."
        )
    return media


def _columnar(value: Any) -> Any:
    """TF-serving data: dicts of columns, lists of dicts, or tensors."""
    if isinstance(value, dict):
        try:
            return pd.DataFrame({k: v for k, v in value.items()})
        except ValueError:
            return {k: np.asarray(v) for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
        return pd.DataFrame.from_records(value)
    try:
        return np.asarray(value)
    except ValueError as exc:
        raise BadRequest(f"inputs are not a rectangular tensor: {exc}") from None


def _from_object(body: dict[str, Any]) -> Any:
    keys = [key for key in body if key in INPUT_KEYS]
    if len(keys) != 1 or any(k not in (*INPUT_KEYS, "params") for k in body):
        raise BadRequest(f"{FORMAT_HINT} Received dictionary with input fields: {sorted(body)}")
    value = body[keys[0]]
    try:
        if keys[0] == "dataframe_split":
            if not isinstance(value, dict) or "data" not in value:
                raise BadRequest("dataframe_split must be an object with 'columns' and 'data'")
            return pd.DataFrame(
                value["data"], columns=value.get("columns"), index=value.get("index")
            )
        if keys[0] == "dataframe_records":
            if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
                raise BadRequest("dataframe_records must be a list of objects")
            return pd.DataFrame.from_records(value)
    except (ValueError, TypeError, AssertionError) as exc:
        raise BadRequest(f"cannot build a DataFrame from {keys[0]}: {exc}") from None
    return _columnar(value)


def parse_json(body: bytes) -> tuple[Any, dict[str, Any] | None]:
    """The model input and the optional ``params`` of a JSON body."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Invalid JSON input: {exc}") from None
    if isinstance(doc, list):
        raise BadRequest(f"{FORMAT_HINT} Received a list.")
    if not isinstance(doc, dict):
        raise BadRequest(f"{FORMAT_HINT} Received {type(doc).__name__}.")
    params = doc.get("params")
    if params is not None and not isinstance(params, dict):
        raise BadRequest("params must be a JSON object")
    return _from_object(doc), params


def parse_csv(body: bytes) -> pd.DataFrame:
    """A DataFrame from CSV text with a header row."""
    try:
        return pd.read_csv(io.BytesIO(body))
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise BadRequest(f"Invalid CSV input: {str(exc).splitlines()[0]}") from None
