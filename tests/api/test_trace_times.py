"""Trace times out of range: refused on every write route, and harmless when already stored.

A trace time must be printable as a protobuf Timestamp (years 1 to 9999), a duration as a
Duration (10,000 years either way), a span time must fit the 64-bit column (1970 to 2262).
Rows written before these checks (or imported) with any 64-bit value still read back: their
times are shown at the nearest end of the range.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from sqlalchemy import create_engine, text

from runhub.times import MAX_TIME_MS, MIN_TIME_MS
from tests.api.conftest import Api

V3 = "/api/3.0/mlflow/"
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def _experiment(api: Api) -> str:
    return str(
        api.post("experiments/create", {"name": f"times-{uuid.uuid4().hex[:8]}"})["experiment_id"]
    )


def _info(exp_id: str, trace_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "trace_id": trace_id,
        "trace_location": {
            "type": "MLFLOW_EXPERIMENT",
            "mlflow_experiment": {"experiment_id": exp_id},
        },
        "request_time": "2026-11-28T06:31:01.334Z",
        "state": "OK",
        **fields,
    }


def _start_v3(api: Api, info: dict[str, Any]) -> Any:
    return api.client.post(V3 + "traces", json={"trace": {"trace_info": info}})


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert field in body["message"], body["message"]


def _search_v3(api: Api, exp_id: str) -> Any:
    locations = [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": exp_id}}]
    response = api.client.post(V3 + "traces/search", json={"locations": locations})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"request_time": MAX_TIME_MS + 1}, "request_time"),
        ({"request_time": MIN_TIME_MS - 1}, "request_time"),
        ({"request_time": INT64_MAX}, "request_time"),
        ({"request_time": "9999-12-31T23:59:59-01:00"}, "request_time"),  # year 10000 in UTC
        ({"request_time": "2026-01-01T00:00:00+99:00"}, "request_time"),  # no such offset
        ({"execution_duration": "315576000001s"}, "execution_duration"),
        ({"execution_duration": f"{INT64_MAX}s"}, "execution_duration"),
    ],
)
def test_v3_start_refuses_times_out_of_range(api: Api, fields: dict[str, Any], named: str) -> None:
    exp_id = _experiment(api)
    trace_id = f"tr-{uuid.uuid4().hex}"
    _refused(_start_v3(api, _info(exp_id, trace_id, **fields)), named)
    assert api.client.get(V3 + f"traces/{trace_id}").status_code == 404
    assert _search_v3(api, exp_id) == {}


def test_times_at_the_ends_of_the_range_are_stored_and_printed(api: Api) -> None:
    exp_id = _experiment(api)
    for ms, printed in (
        (MIN_TIME_MS, "0001-01-01T00:00:00Z"),
        (MAX_TIME_MS, "9999-12-31T23:59:59.999Z"),
    ):
        trace_id = f"tr-{uuid.uuid4().hex}"
        started = _start_v3(api, _info(exp_id, trace_id, request_time=ms))
        assert started.status_code == 200, started.text
        assert started.json()["trace"]["trace_info"]["request_time"] == printed


def test_v2_start_and_end_refuse_times_out_of_range(api: Api) -> None:
    exp_id = _experiment(api)
    for bad in (MAX_TIME_MS + 1, MIN_TIME_MS - 1, INT64_MAX):
        refused = api.client.post(
            "/api/2.0/mlflow/traces", json={"experiment_id": exp_id, "timestamp_ms": bad}
        )
        _refused(refused, "timestamp_ms")
    assert api.get("traces", {"experiment_ids": [exp_id]}) == {}

    started = api.post("traces", {"experiment_id": exp_id, "timestamp_ms": 1000})["trace_info"]
    request_id = started["request_id"]
    for bad in (MAX_TIME_MS + 1, INT64_MIN):
        ended = api.client.patch(
            f"/api/2.0/mlflow/traces/{request_id}", json={"timestamp_ms": bad, "status": "OK"}
        )
        _refused(ended, "timestamp_ms")
    got = api.get(f"traces/{request_id}/info")["trace_info"]
    assert got["status"] == "IN_PROGRESS" and "execution_time_ms" not in got


@pytest.mark.parametrize("field", ["start_time_unix_nano", "end_time_unix_nano"])
def test_otlp_refuses_span_times_past_the_column(api: Api, field: str) -> None:
    exp_id = _experiment(api)
    trace_hex = uuid.uuid4().hex
    request = ExportTraceServiceRequest()
    span = request.resource_spans.add().scope_spans.add().spans.add()
    span.trace_id = bytes.fromhex(trace_hex)
    span.span_id = bytes.fromhex("ab" * 8)
    span.name = "root"
    span.start_time_unix_nano = 1_000_000
    span.end_time_unix_nano = 2_000_000
    setattr(span, field, 2**64 - 1)  # a valid fixed64, past a signed 64-bit column
    response = api.client.post(
        "/v1/traces",
        content=request.SerializeToString(),
        headers={"Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": exp_id},
    )
    _refused(response, field)
    assert (
        api.client.get(V3 + "traces/get", params={"trace_id": f"tr-{trace_hex}"}).status_code == 404
    )
    assert _search_v3(api, exp_id) == {}


def test_stored_rows_with_any_64_bit_times_still_read(api: Api, database_url: str) -> None:
    exp_id = _experiment(api)
    ids = [f"tr-{uuid.uuid4().hex}" for _ in range(3)]
    for trace_id in ids:
        started = _start_v3(api, _info(exp_id, trace_id, execution_duration="1s"))
        assert started.status_code == 200, started.text
    source = {"source_type": "HUMAN", "source_id": "ada"}
    assessment = {"assessment_name": "ok", "source": source, "feedback": {"value": True}}
    created = api.client.post(V3 + f"traces/{ids[0]}/assessments", json={"assessment": assessment})
    assert created.status_code == 200, created.text
    # As an older release or an import could have written them.
    engine = create_engine(database_url)
    with engine.begin() as conn:
        for trace_id, ms, duration in (
            (ids[0], INT64_MAX, INT64_MAX),
            (ids[1], INT64_MIN, INT64_MIN),
            (ids[2], MAX_TIME_MS + 1, -1),
        ):
            conn.execute(
                text(
                    "UPDATE trace_info SET request_time = :ms, execution_duration = :d "
                    "WHERE trace_id = :id"
                ),
                {"ms": ms, "d": duration, "id": trace_id},
            )
        conn.execute(
            text("UPDATE assessments SET create_time = :lo, last_update_time = :hi"),
            {"lo": INT64_MIN, "hi": INT64_MAX},
        )
    engine.dispose()

    found = _search_v3(api, exp_id)["traces"]
    assert sorted(t["trace_id"] for t in found) == sorted(ids)
    by_id = {t["trace_id"]: t for t in found}
    assert by_id[ids[0]]["request_time"] == "9999-12-31T23:59:59.999Z"
    assert by_id[ids[1]]["request_time"] == "0001-01-01T00:00:00Z"
    assert by_id[ids[2]]["request_time"] == "9999-12-31T23:59:59.999Z"
    for trace_id in ids:
        info = api.client.get(V3 + f"traces/{trace_id}")
        assert info.status_code == 200, info.text
        whole = api.client.get(V3 + "traces/get", params={"trace_id": trace_id})
        assert whole.status_code == 200, whole.text
    first = api.client.get(V3 + f"traces/{ids[0]}").json()["trace"]["trace_info"]
    assert first["assessments"][0]["create_time"] == "0001-01-01T00:00:00Z"
    got = api.client.get(V3 + "traces/batchGet", params={"trace_ids": ids})
    assert got.status_code == 200 and len(got.json()["traces"]) == 3, got.text
    infos = api.client.post(V3 + "traces/batchGetInfos", json={"trace_ids": ids})
    assert infos.status_code == 200 and len(infos.json()["trace_infos"]) == 3, infos.text
    assessment_id = created.json()["assessment"]["assessment_id"]
    one = api.client.get(V3 + f"traces/{ids[0]}/assessments/{assessment_id}")
    assert one.status_code == 200, one.text
    locations = [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": exp_id}}]
    for query in (
        {"order_by": ["end_time_ms DESC"]},
        {"order_by": ["execution_time_ms ASC"]},
        {"filter": "end_time_ms > 0"},
        {"filter": "timestamp_ms > 0"},
    ):
        searched = api.client.post(V3 + "traces/search", json={"locations": locations, **query})
        assert searched.status_code == 200, (query, searched.text)
    v2 = api.get("traces", {"experiment_ids": [exp_id]})["traces"]
    assert sorted(t["timestamp_ms"] for t in v2) == sorted([INT64_MAX, INT64_MIN, MAX_TIME_MS + 1])
