"""Run data endpoints: metrics, params, tags, log-batch and the legacy log-model (§1.3)."""

from __future__ import annotations

from typing import Any

import orjson

from runhub.api.runs import run_id_of
from runhub.api.wire import Field
from runhub.entities import Metric, Param, RunTag
from runhub.entities.logged_model import ModelMetric
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

METRIC = (
    Field("key", required=True),
    Field("value", "float", required=True),
    Field("timestamp", "int", required=True),
    Field("step", "int", default=0),
)
KEY_VALUE = (Field("key", required=True), Field("value"))
MODEL_SCOPE = (Field("model_id"), Field("dataset_name"), Field("dataset_digest"))

LOG_METRIC = (
    Field("run_id"),
    Field("run_uuid"),
    *METRIC,
    Field("model_id"),
    Field("dataset_name"),
    Field("dataset_digest"),
)
LOG_PARAM = (Field("run_id"), Field("run_uuid"), Field("key", required=True), Field("value"))
SET_TAG = LOG_PARAM
DELETE_TAG = (Field("run_id", required=True), Field("key", required=True))
LOG_BATCH = (
    Field("run_id"),
    Field("metrics", "msg", repeated=True, fields=(*METRIC, *MODEL_SCOPE)),
    Field("params", "msg", repeated=True, fields=KEY_VALUE),
    Field("tags", "msg", repeated=True, fields=KEY_VALUE),
)
LOG_MODEL = (Field("run_id"), Field("model_json", required=True))
MODEL_HISTORY_TAG = "mlflow.log-model.history"
MODEL_JSON_KEYS = ("artifact_path", "flavors", "utc_time_created", "run_id")


def _metric(m: dict[str, Any]) -> Metric:
    if m["value"] is None:
        raise InvalidParameter("Missing value for required parameter 'value'.")
    return Metric(m["key"], m["value"], m["timestamp"], m["step"] or 0)


def _value(msg: dict[str, Any]) -> str:
    if msg["value"] is None:
        raise InvalidParameter(
            "Missing value for required parameter 'value'. See the API docs for more "
            "information about request parameters."
        )
    return str(msg["value"])


def _log_model_metrics(stores: Stores, run_id: str, metrics: list[dict[str, Any]]) -> None:
    """Metrics sent with a ``model_id`` also belong to that logged model (MLflow 3)."""
    by_model: dict[str, list[ModelMetric]] = {}
    for m in metrics:
        if m.get("model_id"):
            metric = _metric(m)
            by_model.setdefault(m["model_id"], []).append(
                ModelMetric(
                    metric.key,
                    metric.value,
                    metric.timestamp,
                    metric.step,
                    run_id,
                    m.get("dataset_name"),
                    m.get("dataset_digest"),
                )
            )
    for model_id, items in by_model.items():
        stores.logged_models.log_model_metrics(model_id, items)


def log_metric(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    run_id = run_id_of(msg)
    stores.run_data.log_metric(run_id, _metric(msg))
    _log_model_metrics(stores, run_id, [msg])
    return {}


def log_param(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.run_data.log_param(run_id_of(msg), Param(msg["key"], _value(msg)))
    return {}


def set_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.run_data.set_tag(run_id_of(msg), RunTag(msg["key"], msg["value"] or ""))
    return {}


def delete_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.run_data.delete_tag(msg["run_id"], msg["key"])
    return {}


def log_batch(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    run_id = run_id_of(msg)
    stores.run_data.log_batch(
        run_id,
        [_metric(m) for m in msg["metrics"]],
        [Param(p["key"], p["value"] or "") for p in msg["params"]],
        [RunTag(t["key"], t["value"] or "") for t in msg["tags"]],
    )
    _log_model_metrics(stores, run_id, msg["metrics"])
    return {}


def log_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    run_id = run_id_of(msg)
    try:
        model = orjson.loads(msg["model_json"])
    except orjson.JSONDecodeError:
        raise InvalidParameter("'model_json' is not valid JSON.") from None
    if not isinstance(model, dict):
        raise InvalidParameter("'model_json' must be a JSON object.")
    missing = [k for k in MODEL_JSON_KEYS if k not in model]
    if missing:
        raise InvalidParameter(f"Model json is missing mandatory fields: {missing}")
    run = stores.runs.get_run(run_id)
    history: list[Any] = []
    for tag in run.data.tags:
        if tag.key == MODEL_HISTORY_TAG:
            try:
                history = list(orjson.loads(tag.value))
            except (orjson.JSONDecodeError, TypeError):
                history = []
    history.append(model)
    stores.run_data.set_tag(run_id, RunTag(MODEL_HISTORY_TAG, orjson.dumps(history).decode()))
    return {}
