"""Run endpoints (mlflow-api.md §1.2)."""

from __future__ import annotations

from typing import Any

from runhub.api.encode import run_info_json, run_json
from runhub.api.wire import Field
from runhub.entities import RunTag, ViewType
from runhub.entities.run import RUN_STATUS_NUMBERS
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

VIEW_TYPES = {v.value: v.name for v in ViewType}
MAX_SEARCH_RUNS = 50_000
DEFAULT_SEARCH_RUNS = 1000
TAG = (Field("key"), Field("value"))

CREATE = (
    Field("experiment_id"),
    Field("user_id"),
    Field("run_name"),
    Field("start_time", "int"),
    Field("tags", "msg", repeated=True, fields=TAG),
)
UPDATE = (
    Field("run_id"),
    Field("run_uuid"),
    Field("status", "enum", enum=RUN_STATUS_NUMBERS),
    Field("end_time", "int"),
    Field("run_name"),
)
BY_RUN_ID = (Field("run_id", required=True),)
GET = (Field("run_id"), Field("run_uuid"))
SEARCH = (
    Field("experiment_ids", repeated=True),
    Field("filter"),
    Field("run_view_type", "enum", enum=VIEW_TYPES, default="ACTIVE_ONLY"),
    Field("max_results", "int", default=DEFAULT_SEARCH_RUNS),
    Field("order_by", repeated=True),
    Field("page_token"),
)


def run_id_of(msg: dict[str, Any]) -> str:
    """``run_id``, or the deprecated ``run_uuid``; one of them is required."""
    run_id = msg.get("run_id") or msg.get("run_uuid")
    if not run_id:
        raise InvalidParameter(
            "Missing value for required parameter 'run_id'. See the API docs for more "
            "information about request parameters."
        )
    return str(run_id)


def create_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    if not msg["experiment_id"]:
        raise InvalidParameter("Missing value for required parameter 'experiment_id'.")
    tags = [RunTag(t["key"] or "", t["value"] or "") for t in msg["tags"]]
    run = stores.runs.create_run(
        msg["experiment_id"], msg["user_id"], msg["start_time"], tags, msg["run_name"]
    )
    return {"run": run_json(run, with_outputs=False)}


def update_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    info = stores.runs.update_run(run_id_of(msg), msg["status"], msg["end_time"], msg["run_name"])
    return {"run_info": run_info_json(info)}


def delete_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.runs.delete_run(msg["run_id"])
    return {}


def restore_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.runs.restore_run(msg["run_id"])
    return {}


def get_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    return {"run": run_json(stores.runs.get_run(run_id_of(msg)))}


def search_runs(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = msg["max_results"]
    if max_results is None or max_results <= 0 or max_results > MAX_SEARCH_RUNS:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results' supplied. It must be "
            f"between 1 and {MAX_SEARCH_RUNS}."
        )
    if not msg["experiment_ids"]:
        return {}
    page = stores.runs.search_runs(
        msg["experiment_ids"],
        msg["filter"] or "",
        ViewType[msg["run_view_type"]],
        max_results,
        msg["order_by"],
        msg["page_token"] or None,
    )
    out: dict[str, Any] = {}
    if page.items:
        out["runs"] = [run_json(r) for r in page.items]
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out
