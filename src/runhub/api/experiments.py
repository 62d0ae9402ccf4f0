"""Experiment endpoints (mlflow-api.md §1.1)."""

from __future__ import annotations

from typing import Any

from runhub.api.encode import experiment_json
from runhub.api.wire import Field
from runhub.entities import ExperimentTag, ViewType
from runhub.errors import InvalidParameter, NotFound
from runhub.store.stores import Stores

VIEW_TYPES = {v.value: v.name for v in ViewType}
MAX_SEARCH_EXPERIMENTS = 50_000
TAG = (Field("key"), Field("value"))

GET_BY_NAME = (Field("experiment_name", required=True),)
CREATE = (
    Field("name", required=True),
    Field("artifact_location"),
    Field("tags", "msg", repeated=True, fields=TAG),
)
SEARCH = (
    Field("max_results", "int"),
    Field("page_token"),
    Field("filter"),
    Field("order_by", repeated=True),
    Field("view_type", "enum", enum=VIEW_TYPES, default="ACTIVE_ONLY"),
)
BY_ID = (Field("experiment_id", required=True),)
UPDATE = (Field("experiment_id", required=True), Field("new_name"))
SET_TAG = (Field("experiment_id", required=True), Field("key", required=True), Field("value"))
DELETE_TAG = (Field("experiment_id", required=True), Field("key", required=True))


def get_experiment_by_name(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    name = msg["experiment_name"]
    found = stores.experiments.get_experiment_by_name(name)
    if found is None:
        raise NotFound(f"Could not find experiment with name '{name}'")
    return {"experiment": experiment_json(found)}


def create_experiment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    tags = [ExperimentTag(t["key"] or "", t["value"] or "") for t in msg["tags"]]
    new_id = stores.experiments.create_experiment(msg["name"], msg["artifact_location"], tags)
    return {"experiment_id": new_id}


def search_experiments(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = msg["max_results"]
    if max_results is None or max_results <= 0:
        raise InvalidParameter(
            f"Invalid value {max_results or 0} for parameter 'max_results' supplied. It must "
            "be a positive integer."
        )
    if max_results > MAX_SEARCH_EXPERIMENTS:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results' supplied. It must be at "
            f"most {MAX_SEARCH_EXPERIMENTS}."
        )
    page = stores.experiments.search_experiments(
        ViewType[msg["view_type"]],
        max_results,
        msg["filter"] or "",
        msg["order_by"],
        msg["page_token"] or None,
    )
    out: dict[str, Any] = {}
    if page.items:
        out["experiments"] = [experiment_json(e) for e in page.items]
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out


def get_experiment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    return {"experiment": experiment_json(stores.experiments.get_experiment(msg["experiment_id"]))}


def delete_experiment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.experiments.delete_experiment(msg["experiment_id"])
    return {}


def restore_experiment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.experiments.restore_experiment(msg["experiment_id"])
    return {}


def update_experiment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    if msg["new_name"]:
        stores.experiments.rename_experiment(msg["experiment_id"], msg["new_name"])
    else:
        stores.experiments.get_experiment(msg["experiment_id"])
    return {}


def set_experiment_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.experiments.set_experiment_tag(msg["experiment_id"], msg["key"], msg["value"] or "")
    return {}


def delete_experiment_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.experiments.delete_experiment_tag(msg["experiment_id"], msg["key"])
    return {}
