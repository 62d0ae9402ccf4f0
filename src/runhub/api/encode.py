"""Entities to the JSON shapes clients expect (mlflow-api.md §2): empty fields left out."""

from __future__ import annotations

import math
from typing import Any

from runhub.entities import (
    DatasetInput,
    DatasetSummary,
    Experiment,
    Metric,
    Run,
    RunInfo,
)

_INFINITIES = (math.inf, -math.inf)


def metric_value(value: float) -> float | str:
    """A metric value for JSON: NaN travels as the string "NaN"."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def experiment_json(e: Experiment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "experiment_id": e.experiment_id,
        "name": e.name,
        "artifact_location": e.artifact_location,
        "lifecycle_stage": e.lifecycle_stage,
        "last_update_time": e.last_update_time,
        "creation_time": e.creation_time,
    }
    if e.tags:
        out["tags"] = [{"key": t.key, "value": t.value} for t in e.tags]
    return out


def run_info_json(i: RunInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "run_uuid": i.run_id,
        "experiment_id": i.experiment_id,
        "run_name": i.run_name,
        "user_id": i.user_id,
        "status": i.status,
        "start_time": i.start_time,
        "artifact_uri": i.artifact_uri,
        "lifecycle_stage": i.lifecycle_stage,
        "run_id": i.run_id,
    }
    if i.end_time is not None:
        out["end_time"] = i.end_time
    return out


def metric_json(m: Metric) -> dict[str, Any]:
    key, value, timestamp, step = m
    if value != value or value in _INFINITIES:  # NaN or ±inf need their string forms
        return {"key": key, "value": metric_value(value), "timestamp": timestamp, "step": step}
    return {"key": key, "value": value, "timestamp": timestamp, "step": step}


def dataset_input_json(d: DatasetInput) -> dict[str, Any]:
    ds: dict[str, Any] = {
        "name": d.dataset.name,
        "digest": d.dataset.digest,
        "source_type": d.dataset.source_type,
        "source": d.dataset.source,
    }
    if d.dataset.schema:
        ds["schema"] = d.dataset.schema
    if d.dataset.profile:
        ds["profile"] = d.dataset.profile
    out: dict[str, Any] = {"dataset": ds}
    if d.tags:
        out["tags"] = [{"key": t.key, "value": t.value} for t in d.tags]
    return out


def run_json(r: Run, *, with_outputs: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if r.data.metrics:
        data["metrics"] = [metric_json(m) for m in r.data.metrics]
    if r.data.params:
        data["params"] = [{"key": k, "value": v} for k, v in r.data.params]
    if r.data.tags:
        data["tags"] = [{"key": k, "value": v} for k, v in r.data.tags]
    inputs: dict[str, Any] = {}
    if r.inputs.dataset_inputs:
        inputs["dataset_inputs"] = [dataset_input_json(d) for d in r.inputs.dataset_inputs]
    if r.inputs.model_inputs:
        inputs["model_inputs"] = [{"model_id": m.model_id} for m in r.inputs.model_inputs]
    out: dict[str, Any] = {"info": run_info_json(r.info), "data": data, "inputs": inputs}
    if with_outputs:
        outputs: dict[str, Any] = {}
        if r.outputs.model_outputs:
            outputs["model_outputs"] = [
                {"model_id": m.model_id, "step": m.step} for m in r.outputs.model_outputs
            ]
        out["outputs"] = outputs
    return out


def dataset_summary_json(s: DatasetSummary) -> dict[str, Any]:
    out: dict[str, Any] = {"experiment_id": s.experiment_id, "name": s.name, "digest": s.digest}
    if s.context:
        out["context"] = s.context
    return out
