"""Registry and logged-model entities to the JSON shapes clients expect (§2.7)."""

from __future__ import annotations

from typing import Any

from runhub.api.encode import metric_value
from runhub.entities.logged_model import LoggedModel
from runhub.entities.registry import ModelVersion, RegisteredModel


def _pairs(items: Any) -> list[dict[str, str]]:
    return [{"key": t.key, "value": t.value} for t in items]


def model_version_json(v: ModelVersion) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": v.name,
        "version": str(v.version),
        "creation_timestamp": v.creation_timestamp,
        "last_updated_timestamp": v.last_updated_timestamp,
        "current_stage": v.current_stage,
        "source": v.source,
        "status": v.status,
    }
    for key in ("description", "user_id", "run_id", "run_link", "model_id", "status_message"):
        value = getattr(v, key)
        if value is not None:
            out[key] = value
    if v.tags:
        out["tags"] = _pairs(v.tags)
    if v.aliases:
        out["aliases"] = list(v.aliases)
    return out


def registered_model_json(m: RegisteredModel) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": m.name,
        "creation_timestamp": m.creation_timestamp,
        "last_updated_timestamp": m.last_updated_timestamp,
    }
    if m.description is not None:
        out["description"] = m.description
    if m.latest_versions:
        out["latest_versions"] = [model_version_json(v) for v in m.latest_versions]
    if m.tags:
        out["tags"] = _pairs(m.tags)
    if m.aliases:
        out["aliases"] = [{"alias": a, "version": str(v)} for a, v in m.aliases]
    return out


def logged_model_json(m: LoggedModel) -> dict[str, Any]:
    info: dict[str, Any] = {
        "model_id": m.model_id,
        "experiment_id": m.experiment_id,
        "name": m.name,
        "creation_timestamp_ms": m.creation_timestamp_ms,
        "last_updated_timestamp_ms": m.last_updated_timestamp_ms,
        "artifact_uri": m.artifact_uri,
        "status": m.status,
    }
    for key in ("model_type", "source_run_id", "status_message"):
        value = getattr(m, key)
        if value is not None:
            info[key] = value
    if m.tags:
        info["tags"] = _pairs(m.tags)
    if m.registrations:
        info["registrations"] = [
            {"name": r.name, "version": str(r.version)} for r in m.registrations
        ]
    data: dict[str, Any] = {}
    if m.params:
        data["params"] = _pairs(m.params)
    if m.metrics:
        metrics = []
        for x in m.metrics:
            metric: dict[str, Any] = {
                "key": x.key,
                "value": metric_value(x.value),
                "timestamp": x.timestamp,
                "step": x.step,
                "model_id": m.model_id,
            }
            for key in ("run_id", "dataset_name", "dataset_digest"):
                if getattr(x, key):
                    metric[key] = getattr(x, key)
            metrics.append(metric)
        data["metrics"] = metrics
    return {"info": info, "data": data}
