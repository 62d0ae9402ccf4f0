"""Registry and logged-model entities to the JSON shapes clients expect (§2.7)."""

from __future__ import annotations

from typing import Any

from runhub.api.encode import metric_value
from runhub.entities.logged_model import LoggedModel
from runhub.entities.registry import ModelVersion, ModelVersionRows, RegisteredModel


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


def model_version_rows_json(page: ModelVersionRows) -> list[dict[str, Any]]:
    """The same JSON as ``model_version_json`` for every row of ``page``, built straight from
    the rows: a page may hold 200,000 versions, and one entity each would cost more than the
    database does."""
    tags, aliases = page.tags, page.aliases
    out: list[dict[str, Any]] = []
    append = out.append
    for r in page.rows:
        item = {
            "name": r[1],
            "version": str(r[2]),
            "creation_timestamp": r[3],
            "last_updated_timestamp": r[4],
            "current_stage": r[5],
            "source": r[6],
            "status": r[7],
        }
        # Optional fields in model_version_json's order, each only when set.
        if r[8] is not None:
            item["description"] = r[8]
        if r[9] is not None:
            item["user_id"] = r[9]
        if r[10] is not None:
            item["run_id"] = r[10]
        if r[11] is not None:
            item["run_link"] = r[11]
        if r[12] is not None:
            item["model_id"] = r[12]
        if r[13] is not None:
            item["status_message"] = r[13]
        pk = r[0]
        if pk in tags:
            item["tags"] = [{"key": k, "value": v} for k, v in tags[pk]]
        if pk in aliases:
            item["aliases"] = aliases[pk]
        append(item)
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
