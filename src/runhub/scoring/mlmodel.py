"""Reading an ``MLmodel`` file: its flavors and its signature (mlflow-api.md §9.4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import yaml

from runhub.scoring.errors import ModelLoadError


@dataclass(frozen=True)
class ColumnSpec:
    """One input of a signature: a named column (ColSpec) or a tensor (TensorSpec)."""

    type: str
    name: str | None = None
    required: bool = True
    is_tensor: bool = False


@dataclass(frozen=True)
class ModelSpec:
    root: Path
    flavors: dict[str, dict[str, Any]]
    inputs: tuple[ColumnSpec, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    mlflow_version: str = ""


def _json_field(value: Any) -> Any:
    if isinstance(value, str):
        return orjson.loads(value)
    return value


def _parse_inputs(raw: Any) -> tuple[ColumnSpec, ...]:
    specs = []
    for item in _json_field(raw) or []:
        if item.get("type") == "tensor":
            dtype = str(item.get("tensor-spec", {}).get("dtype", "float64"))
            specs.append(ColumnSpec(dtype, item.get("name"), True, is_tensor=True))
        else:
            specs.append(
                ColumnSpec(str(item["type"]), item.get("name"), item.get("required", True))
            )
    return tuple(specs)


def read_mlmodel(root: Path) -> ModelSpec:
    """Parse ``root/MLmodel``; raises ModelLoadError when it is missing or malformed."""
    path = root / "MLmodel"
    if not path.is_file():
        raise ModelLoadError(f"no MLmodel file in {root}; is this an MLflow model directory?")
    try:
        doc = yaml.safe_load(path.read_text())
        flavors = dict(doc["flavors"])
        signature = doc.get("signature") or {}
        inputs = _parse_inputs(signature.get("inputs"))
        params = {p["name"]: p.get("default") for p in _json_field(signature.get("params")) or []}
    except (yaml.YAMLError, KeyError, TypeError, ValueError, orjson.JSONDecodeError) as exc:
        raise ModelLoadError(f"cannot read {path}: {exc}") from None
    return ModelSpec(root, flavors, inputs, params, str(doc.get("mlflow_version", "")))
