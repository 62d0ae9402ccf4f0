"""The /api/2.0 trace routes: legacy V2 start/end/get/search and run/prompt links (§1.11)."""

from __future__ import annotations

import uuid
from typing import Any

from runhub.api.trace_json import check_keys, trace_info_v2_json
from runhub.api.traces import check_max_results
from runhub.api.wire import Field
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores
from runhub.times import now_ms

STATUSES = {0: "TRACE_STATUS_UNSPECIFIED", 1: "OK", 2: "ERROR", 3: "IN_PROGRESS"}
KEY_VALUE = (Field("key"), Field("value"))
START = (
    Field("experiment_id", required=True),
    Field("timestamp_ms", "int"),
    Field("request_metadata", "msg", repeated=True, fields=KEY_VALUE),
    Field("tags", "msg", repeated=True, fields=KEY_VALUE),
)
# request_id comes from the path.
END = (
    Field("request_id"),
    Field("timestamp_ms", "int"),
    Field("status", "enum", enum=STATUSES),
    Field("request_metadata", "msg", repeated=True, fields=KEY_VALUE),
    Field("tags", "msg", repeated=True, fields=KEY_VALUE),
)
BY_REQUEST_ID = (Field("request_id"),)
SEARCH = (
    Field("experiment_ids", repeated=True),
    Field("filter"),
    Field("max_results", "int", default=100),
    Field("order_by", repeated=True),
    Field("page_token"),
)
LINK_TO_RUN = (Field("trace_ids", repeated=True), Field("run_id", required=True))
PROMPT_REF = (Field("name"), Field("version"))
LINK_PROMPTS = (
    Field("trace_id", required=True),
    Field("prompt_versions", "msg", repeated=True, fields=PROMPT_REF),
)


def _pairs(items: list[dict[str, Any]]) -> dict[str, str]:
    pairs = {i["key"]: i["value"] or "" for i in items if i["key"]}
    check_keys(pairs, "Trace tag or metadata")
    return pairs


def start_trace(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    info = stores.traces.start_trace_v2(
        msg["experiment_id"],
        f"tr-{uuid.uuid4().hex}",
        msg["timestamp_ms"] if msg["timestamp_ms"] is not None else now_ms(),
        _pairs(msg["request_metadata"]),
        _pairs(msg["tags"]),
    )
    return {"trace_info": trace_info_v2_json(info)}


def end_trace(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    status = msg["status"]
    if status in (None, "TRACE_STATUS_UNSPECIFIED"):
        raise InvalidParameter("'status' must be OK, ERROR or IN_PROGRESS.")
    info = stores.traces.end_trace_v2(
        msg["request_id"],
        msg["timestamp_ms"] if msg["timestamp_ms"] is not None else now_ms(),
        status,
        _pairs(msg["request_metadata"]),
        _pairs(msg["tags"]),
    )
    return {"trace_info": trace_info_v2_json(info)}


def get_trace_info(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    return {"trace_info": trace_info_v2_json(stores.traces.get_trace_info(msg["request_id"]))}


def search_traces(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = check_max_results(msg["max_results"])
    if not msg["experiment_ids"]:
        raise InvalidParameter("Missing value for required parameter 'experiment_ids'.")
    page = stores.traces.search_traces(
        msg["experiment_ids"], msg["filter"] or "", max_results, msg["order_by"], msg["page_token"]
    )
    out: dict[str, Any] = {}
    if page.items:
        out["traces"] = [trace_info_v2_json(i) for i in page.items]
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out


def link_traces_to_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.traces.link_traces_to_run(msg["trace_ids"], msg["run_id"])
    return {}


def link_prompts_to_trace(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    refs = [(p["name"] or "", p["version"] or "") for p in msg["prompt_versions"]]
    if any(not name or not version for name, version in refs):
        raise InvalidParameter("Every prompt version needs a 'name' and a 'version'.")
    stores.traces.link_prompts(msg["trace_id"], refs)
    return {}
