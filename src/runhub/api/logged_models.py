"""Logged-model endpoints (mlflow-api.md §1.8); the model id comes from the path.

Their files are listed and served by ``model_artifacts``.
"""

from __future__ import annotations

from typing import Any

from runhub.api.registry_encode import logged_model_json
from runhub.api.wire import Field
from runhub.entities.logged_model import (
    LOGGED_MODEL_STATUS_NUMBERS,
    DatasetFilter,
    LoggedModelOrder,
    ModelKeyValue,
)
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

KEY_VALUE = (Field("key"), Field("value"))
DEFAULT_SEARCH_RESULTS = 50
MAX_SEARCH_RESULTS = 100_000

CREATE = (
    Field("experiment_id", required=True),
    Field("name"),
    Field("model_type"),
    Field("source_run_id"),
    Field("params", "msg", repeated=True, fields=KEY_VALUE),
    Field("tags", "msg", repeated=True, fields=KEY_VALUE),
)
BY_ID = (Field("model_id"),)
GET = (Field("model_id"), Field("allow_deleted", "bool", default=False))
FINALIZE = (
    Field("model_id"),
    Field("status", "enum", enum=LOGGED_MODEL_STATUS_NUMBERS, required=True),
)
SET_TAGS = (Field("model_id"), Field("tags", "msg", repeated=True, fields=KEY_VALUE))
DELETE_TAG = (Field("model_id"), Field("tag_key"))
LOG_PARAMS = (Field("model_id"), Field("params", "msg", repeated=True, fields=KEY_VALUE))
SEARCH = (
    Field("experiment_ids", repeated=True),
    Field("filter"),
    Field(
        "datasets",
        "msg",
        repeated=True,
        fields=(Field("dataset_name"), Field("dataset_digest")),
    ),
    Field("max_results", "int", default=DEFAULT_SEARCH_RESULTS),
    Field(
        "order_by",
        "msg",
        repeated=True,
        fields=(
            Field("field_name", required=True),
            Field("ascending", "bool", default=True),
            Field("dataset_name"),
            Field("dataset_digest"),
        ),
    ),
    Field("page_token"),
)


def _model_id(msg: dict[str, Any]) -> str:
    if not msg.get("model_id"):
        raise InvalidParameter("Missing value for required parameter 'model_id'.")
    return str(msg["model_id"])


def _items(raw: list[dict[str, Any]], what: str) -> list[ModelKeyValue]:
    out = []
    for item in raw:
        if not item["key"]:
            raise InvalidParameter(f"Missing value for required parameter '{what}.key'.")
        out.append(ModelKeyValue(item["key"], item["value"] or ""))
    return out


def create_logged_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    model = stores.logged_models.create_logged_model(
        msg["experiment_id"],
        msg["name"],
        msg["model_type"],
        msg["source_run_id"],
        _items(msg["params"], "params"),
        _items(msg["tags"], "tags"),
    )
    return {"model": logged_model_json(model)}


def get_logged_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    model = stores.logged_models.get_logged_model(_model_id(msg), bool(msg["allow_deleted"]))
    return {"model": logged_model_json(model)}


def finalize_logged_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    model = stores.logged_models.finalize_logged_model(_model_id(msg), msg["status"])
    return {"model": logged_model_json(model)}


def delete_logged_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.logged_models.delete_logged_model(_model_id(msg))
    return {}


def set_logged_model_tags(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.logged_models.set_logged_model_tags(_model_id(msg), _items(msg["tags"], "tags"))
    return {}  # MLflow answers an empty message here


def delete_logged_model_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    if not msg["tag_key"]:
        raise InvalidParameter("Missing value for required parameter 'tag_key'.")
    stores.logged_models.delete_logged_model_tag(_model_id(msg), msg["tag_key"])
    return {}


def log_logged_model_params(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.logged_models.log_logged_model_params(_model_id(msg), _items(msg["params"], "params"))
    return {}


def search_logged_models(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    if not msg["experiment_ids"]:
        raise InvalidParameter("Missing value for required parameter 'experiment_ids'.")
    max_results = msg["max_results"] or DEFAULT_SEARCH_RESULTS
    if not 1 <= max_results <= MAX_SEARCH_RESULTS:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results': it must be between 1 "
            f"and {MAX_SEARCH_RESULTS}."
        )
    datasets = [
        DatasetFilter(d["dataset_name"] or "", d["dataset_digest"]) for d in msg["datasets"]
    ]
    order_by = [
        LoggedModelOrder(o["field_name"], o["ascending"], o["dataset_name"], o["dataset_digest"])
        for o in msg["order_by"]
    ]
    page = stores.logged_models.search_logged_models(
        msg["experiment_ids"],
        msg["filter"],
        datasets,
        order_by,
        max_results,
        msg["page_token"] or None,
    )
    out: dict[str, Any] = {}
    if page.items:
        out["models"] = [logged_model_json(m) for m in page.items]
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out
