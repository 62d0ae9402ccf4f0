"""Trace endpoints, V3 API (mlflow-api.md §1.9)."""

from __future__ import annotations

import logging
import re
from typing import Any

import orjson
from starlette.responses import Response

from runhub.api.endpoint import JSONBytes
from runhub.api.trace_json import get, parse_trace_info, trace_info_json
from runhub.api.wire import Field
from runhub.entities.trace import Trace
from runhub.errors import InvalidParameter, NotFound
from runhub.lifecycle.artifact_cleanup import ArtifactCleaner
from runhub.store.stores import Stores

log = logging.getLogger("runhub.traces")
SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

MAX_SEARCH_TRACES = 500
DEFAULT_SEARCH_TRACES = 100
MAX_BATCH_TRACES = 1000

START = (Field("trace", "json", required=True),)
BY_TRACE_ID = (Field("trace_id"),)
GET_TRACE = (Field("trace_id", required=True), Field("allow_partial", "bool"))
BATCH = (
    Field("trace_ids", repeated=True, required=True),
    Field("experiment_ids", repeated=True),
)
LOCATION = (
    Field("type", "json"),
    Field("mlflow_experiment", "msg", fields=(Field("experiment_id"),)),
)
SEARCH = (
    Field("locations", "msg", repeated=True, fields=LOCATION),
    Field("filter"),
    Field("max_results", "int", default=DEFAULT_SEARCH_TRACES),
    Field("order_by", repeated=True),
    Field("page_token"),
)
DELETE = (
    Field("experiment_id", required=True),
    Field("max_timestamp_millis", "int"),
    Field("max_traces", "int"),
    Field("request_ids", repeated=True),
)
SET_TAG = (Field("trace_id"), Field("key", required=True), Field("value", default=""))
DELETE_TAG = (Field("trace_id"), Field("key", required=True))


def start_trace_v3(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    trace = msg["trace"]
    if not isinstance(trace, dict):
        raise InvalidParameter("'trace' must be an object holding 'trace_info'.")
    info = stores.traces.start_trace(parse_trace_info(get(trace, "trace_info")))
    return {"trace": {"trace_info": trace_info_json(info)}}


def get_trace_info_v3(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    info = stores.traces.get_trace_info(msg["trace_id"])
    return {"trace": {"trace_info": trace_info_json(info)}}


def trace_json_bytes(trace: Trace) -> bytes:
    """A whole trace as JSON; the stored span JSON is spliced in without re-encoding."""
    info = orjson.dumps(trace_info_json(trace.info))
    spans = b",".join(s.encode() for s in trace.span_contents)
    return b'{"trace_info":' + info + b',"spans":[' + spans + b"]}"


def get_trace(stores: Stores, msg: dict[str, Any]) -> Response:
    trace = stores.spans.get_trace(msg["trace_id"])
    if trace is None:
        raise NotFound(f"Trace with ID {msg['trace_id']} is not found.")
    return JSONBytes(b'{"trace":' + trace_json_bytes(trace) + b"}")


def batch_get_traces(stores: Stores, msg: dict[str, Any]) -> Response:
    ids = _batch_ids(msg)
    traces = stores.spans.batch_get_traces(ids)
    wanted = set(msg["experiment_ids"])
    if wanted:
        traces = [t for t in traces if t.info.experiment_id in wanted]
    return JSONBytes(b'{"traces":[' + b",".join(trace_json_bytes(t) for t in traces) + b"]}")


def batch_get_trace_infos(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    infos = stores.traces.batch_get_trace_infos(_batch_ids(msg))
    wanted = set(msg["experiment_ids"])
    if wanted:
        infos = [i for i in infos if i.experiment_id in wanted]
    return {"trace_infos": [trace_info_json(i) for i in infos]} if infos else {}


def _batch_ids(msg: dict[str, Any]) -> list[str]:
    ids: list[str] = msg["trace_ids"]
    if len(ids) > MAX_BATCH_TRACES:
        raise InvalidParameter(f"At most {MAX_BATCH_TRACES} trace ids may be given at once.")
    return ids


def check_max_results(max_results: int | None) -> int:
    if max_results is None or max_results <= 0 or max_results > MAX_SEARCH_TRACES:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results' supplied. It must be "
            f"between 1 and {MAX_SEARCH_TRACES}."
        )
    return max_results


def search_traces_v3(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = check_max_results(msg["max_results"])
    experiment_ids = [
        loc["mlflow_experiment"]["experiment_id"]
        for loc in msg["locations"]
        if loc["mlflow_experiment"] and loc["mlflow_experiment"]["experiment_id"]
    ]
    if not experiment_ids:
        raise InvalidParameter(
            "'locations' must hold at least one MLFLOW_EXPERIMENT location with an experiment_id."
        )
    page = stores.traces.search_traces(
        experiment_ids, msg["filter"] or "", max_results, msg["order_by"], msg["page_token"]
    )
    out: dict[str, Any] = {}
    if page.items:
        out["traces"] = [trace_info_json(i) for i in page.items]
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out


def delete_traces(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    """Delete traces and what clients uploaded to their artifact locations (``traces.json``)."""
    deleted = stores.traces.delete_traces(
        msg["experiment_id"], msg["max_timestamp_millis"], msg["max_traces"], msg["request_ids"]
    )
    settings = stores.settings
    cleaner = ArtifactCleaner(stores.artifacts, settings.s3_endpoint_url, settings.s3_ignore_tls)
    for trace_id, location in deleted.items():
        # Client-chosen ids name a folder here: only a plain path segment is acted on.
        if SAFE_SEGMENT.fullmatch(trace_id):
            cleaner.delete_owned_dir(location, trace_id)
    for skipped in cleaner.skipped:
        log.warning("deleted a trace but not its artifacts: %s", skipped)
    return {"traces_deleted": len(deleted)}


def set_trace_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.traces.set_trace_tag(_trace_id(msg), msg["key"], msg["value"] or "")
    return {}


def delete_trace_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.traces.delete_trace_tag(_trace_id(msg), msg["key"])
    return {}


def _trace_id(msg: dict[str, Any]) -> str:
    trace_id = msg.get("trace_id") or msg.get("request_id")
    if not trace_id:
        raise InvalidParameter("Missing value for required parameter 'trace_id'.")
    return str(trace_id)
