"""The three forms of MLflow's span dictionary in ``traces.json`` read into the same row."""

from __future__ import annotations

import orjson

from runhub.lifecycle.trace_spans import span_row

TRACE_ID = "tr-0123456789abcdef0123456789abcdef"
ATTRIBUTES = {"mlflow.traceRequestId": f'"{TRACE_ID}"', "mlflow.spanType": '"LLM"', "k": "1"}
CURRENT = {  # MLflow 3: base64 ids, OpenTelemetry status codes
    "trace_id": "ASNFZ4mrze8BI0VniavN7w==",
    "span_id": "/ty6mHZUMhA=",
    "parent_span_id": "ESIzRFVmd4g=",
    "name": "chat",
    "start_time_unix_nano": 10,
    "end_time_unix_nano": 20,
    "events": [{"name": "retry", "time_unix_nano": 15, "attributes": {"n": 2}}],
    "status": {"code": "STATUS_CODE_ERROR", "message": "boom"},
    "attributes": ATTRIBUTES,
    "links": [],
}
MLFLOW_3_5 = {  # MLflow 3.5: hex ids, MLflow's own status codes
    **CURRENT,
    "trace_id": TRACE_ID,
    "span_id": "fedcba9876543210",
    "parent_span_id": "1122334455667788",
    "status": {"code": "ERROR", "message": "boom"},
}
MLFLOW_2 = {  # MLflow 2.x: a context with 0x hex ids, flat status and times
    "name": "chat",
    "context": {"trace_id": "0x0123456789abcdef0123456789abcdef", "span_id": "0xfedcba9876543210"},
    "parent_id": "0x1122334455667788",
    "start_time": 10,
    "end_time": 20,
    "status_code": "ERROR",
    "status_message": "boom",
    "attributes": ATTRIBUTES,
    "events": [{"name": "retry", "timestamp": 15, "attributes": {"n": 2}}],
}


def test_every_form_gives_the_row_mlflow_3_stores() -> None:
    rows = [span_row(TRACE_ID, form) for form in (CURRENT, MLFLOW_3_5, MLFLOW_2)]
    assert rows[0] == rows[1] == rows[2]
    row = rows[0]
    assert (row["span_id"], row["parent_span_id"]) == ("fedcba9876543210", "1122334455667788")
    assert (row["type"], row["status"], row["start_time_unix_nano"]) == ("LLM", "ERROR", 10)
    assert orjson.loads(row["content"]) == CURRENT


def test_a_root_span_has_no_parent() -> None:
    root = span_row(TRACE_ID, {**CURRENT, "parent_span_id": None, "status": {"code": "OK"}})
    assert root["parent_span_id"] is None and root["status"] == "OK"
    assert orjson.loads(root["content"])["status"] == {"code": "STATUS_CODE_OK", "message": ""}
