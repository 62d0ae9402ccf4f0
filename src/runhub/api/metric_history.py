"""Metric history endpoints: paged or streamed history, bulk and sampled reads (§1.3, §2.4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from runhub.api.declaration import Declaration, declare
from runhub.api.encode import metric_value
from runhub.api.endpoint import json_response, read_message
from runhub.api.runs import run_id_of
from runhub.api.wire import Field
from runhub.errors import InvalidParameter
from runhub.store.protocols import PointRow
from runhub.store.stores import Stores

MAX_BULK_RUNS = 100
MAX_SAMPLED_PER_RUN = 2500
MAX_BULK_POINTS = 25_000

GET_HISTORY = (
    Field("run_id"),
    Field("run_uuid"),
    Field("metric_key", required=True),
    Field("page_token"),
    Field("max_results", "int"),
)
BULK_INTERVAL = (
    Field("run_ids", repeated=True, required=True),
    Field("metric_key", required=True),
    Field("start_step", "int"),
    Field("end_step", "int"),
    Field("max_results", "int"),
)
BULK = (
    Field("run_id", repeated=True, required=True),
    Field("metric_key", required=True),
    Field("max_results", "int"),
)


def point_json(key: str, p: PointRow, run_id: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": key,
        "value": "NaN" if p[3] else metric_value(p[2]),
        "timestamp": p[1],
        "step": p[0],
    }
    if run_id is not None:
        out["run_id"] = run_id
    return out


def _encode_chunk(key: str, rows: list[PointRow]) -> bytes:
    body = orjson.dumps([point_json(key, p) for p in rows])
    return body[1:-1]


def _stream(key: str, first: list[PointRow], rest: Iterator[list[PointRow]]) -> Iterator[bytes]:
    yield b'{"metrics":[' + _encode_chunk(key, first)
    for chunk in rest:
        yield b"," + _encode_chunk(key, chunk)
    yield b"]}"


@declare(Declaration(message=GET_HISTORY))
async def get_metric_history(request: Request) -> Response:
    msg = await read_message(request, GET_HISTORY)
    stores: Stores = request.app.state.stores
    run_id, key, max_results = run_id_of(msg), msg["metric_key"], msg["max_results"]
    if max_results is not None:
        if max_results <= 0:
            raise InvalidParameter(
                f"Invalid value {max_results} for parameter 'max_results' supplied. It must be "
                "a positive integer."
            )
        page = await run_in_threadpool(
            stores.history.history_page, run_id, key, max_results, msg["page_token"] or None
        )
        out: dict[str, Any] = {}
        if page.items:
            out["metrics"] = [point_json(key, p) for p in page.items]
        if page.next_page_token:
            out["next_page_token"] = page.next_page_token
        return json_response(out)
    # No page size: the whole history, encoded as a stream so memory stays flat.
    await run_in_threadpool(stores.history.check_history, run_id)
    chunks = stores.history.stream_history(run_id, key)
    first = await run_in_threadpool(next, chunks, None)
    if first is None:
        return json_response({})
    return StreamingResponse(_stream(key, first, chunks), media_type="application/json")


def _check_run_ids(run_ids: list[str]) -> None:
    if len(run_ids) > MAX_BULK_RUNS:
        raise InvalidParameter(
            f"GetMetricHistoryBulkInterval request must specify at most {MAX_BULK_RUNS} run_ids."
            f" Received {len(run_ids)} run_ids."
        )


def get_metric_history_bulk_interval(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    run_ids, key = msg["run_ids"], msg["metric_key"]
    _check_run_ids(run_ids)
    start, end = msg["start_step"], msg["end_step"]
    if (start is None) != (end is None):
        raise InvalidParameter("If either start step or end step are specified, both must be.")
    if start is not None and end is not None and start > end:
        raise InvalidParameter(f"end_step ({end}) must be greater than start_step ({start}).")
    max_results = msg["max_results"] if msg["max_results"] is not None else MAX_SAMPLED_PER_RUN
    if not 1 <= max_results <= MAX_SAMPLED_PER_RUN:
        raise InvalidParameter(
            f"max_results must be between 1 and {MAX_SAMPLED_PER_RUN}; got {max_results}."
        )
    points = stores.history.sampled_history(run_ids, key, start, end, max_results)
    if not points:
        return {}
    return {"metrics": [point_json(key, p, run_id) for run_id, p in points]}


def get_metric_history_bulk(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    run_ids, key = msg["run_id"], msg["metric_key"]
    _check_run_ids(run_ids)
    max_results = msg["max_results"] if msg["max_results"] is not None else MAX_BULK_POINTS
    if not 1 <= max_results <= MAX_BULK_POINTS:
        raise InvalidParameter(
            f"max_results must be between 1 and {MAX_BULK_POINTS}; got {max_results}."
        )
    points = stores.history.bulk_history(run_ids, key, max_results)
    if not points:
        return {}
    return {"metrics": [point_json(key, p, run_id) for run_id, p in points]}
