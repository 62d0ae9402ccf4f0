"""Turning predictions into the ``{"predictions": …}`` body (mlflow-api.md §9.3)."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import pandas as pd


def _jsonable(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="records")
    if isinstance(value, (pd.Series, np.ndarray)):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _default(value: Any) -> Any:
    converted = _jsonable(value)
    if converted is value:
        raise TypeError(f"predictions of type {type(value).__name__} are not JSON-serializable")
    return converted


def encode_predictions(predictions: Any) -> bytes:
    """The response body for ``predictions``; NaN becomes null as in JSON."""
    return orjson.dumps({"predictions": _jsonable(predictions)}, default=_default)
