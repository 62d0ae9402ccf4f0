"""Checking model input against the signature's input schema (mlflow-api.md §9.2)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from runhub.scoring.errors import SchemaMismatch
from runhub.scoring.mlmodel import ColumnSpec

# MLflow column types -> numpy dtypes; "string" and friends stay objects.
DTYPES: dict[str, str] = {
    "boolean": "bool",
    "integer": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
}


def _convert(series: pd.Series, spec: ColumnSpec) -> pd.Series:
    dtype = DTYPES.get(spec.type)
    if dtype is None:
        if spec.type == "string" and not all(isinstance(v, str) for v in series):
            raise SchemaMismatch(f"Failed to enforce schema: column '{spec.name}' must be strings")
        return series
    if series.isna().any():
        raise SchemaMismatch(f"Failed to enforce schema: column '{spec.name}' has missing values")
    if dtype.startswith("int") and series.dtype.kind == "f" and not (series % 1 == 0).all():
        raise SchemaMismatch(
            f"Failed to enforce schema: column '{spec.name}' has non-integer values "
            f"for type {spec.type}"
        )
    try:
        return series.astype(dtype)
    except (ValueError, TypeError) as exc:
        raise SchemaMismatch(
            f"Failed to enforce schema: column '{spec.name}' cannot be read as {spec.type}: {exc}"
        ) from None


def _enforce_columns(data: Any, specs: tuple[ColumnSpec, ...]) -> pd.DataFrame:
    names = [s.name for s in specs]
    if isinstance(data, np.ndarray):
        if data.ndim != 2 or data.shape[1] != len(specs):
            raise SchemaMismatch(
                f"Failed to enforce schema: expected rows of {len(specs)} values {names}, "
                f"got an array of shape {list(data.shape)}"
            )
        data = pd.DataFrame(data, columns=names)
    if not isinstance(data, pd.DataFrame):
        raise SchemaMismatch("Failed to enforce schema: the input is not a table")
    missing = [s.name for s in specs if s.required and s.name not in data.columns]
    if missing:
        raise SchemaMismatch(f"Failed to enforce schema: Model is missing inputs {missing}")
    present = [s for s in specs if s.name in data.columns]
    return pd.DataFrame({s.name: _convert(data[s.name], s) for s in present}, index=data.index)


def enforce_schema(data: Any, specs: tuple[ColumnSpec, ...]) -> Any:
    """``data`` converted to the signature; raises SchemaMismatch naming the column."""
    if not specs:
        return data
    if all(s.name is not None and not s.is_tensor for s in specs):
        return _enforce_columns(data, specs)
    if len(specs) == 1 and specs[0].is_tensor:
        try:
            return np.asarray(data, dtype=specs[0].type)
        except (ValueError, TypeError) as exc:
            raise SchemaMismatch(f"Failed to enforce schema: {exc}") from None
    return data
