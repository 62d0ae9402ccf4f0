"""The SPANS and ASSESSMENTS views of trace metrics on every backend, with hand-computed values.

Spans arrive through OTLP ingest and assessments through the assessment routes. Two traces an
hour apart (T0 and T1) hold the data; a second experiment holds rows that must never count.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Status

from tests.api.conftest import Api

V3 = "/api/3.0/mlflow/"
MS = 1_000_000  # nanoseconds
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z, ms
T1 = T0 + 3_600_000  # an hour later
HOUR0, HOUR1 = "2026-01-01T00:00:00+00:00", "2026-01-01T01:00:00+00:00"

# (span id, parent, name, type, status, start ns, end ns or 0 for an unfinished span)
Span = tuple[str, str | None, str, str | None, str, int, int]
TRACE1: list[Span] = [
    ("01" * 8, None, "agent", "CHAIN", "OK", T0 * MS, (T0 + 1000) * MS),  # 1000 ms
    ("02" * 8, "01" * 8, "llm", "LLM", "OK", (T0 + 100) * MS, (T0 + 400) * MS + 600_000),  # 300
    ("03" * 8, "01" * 8, "llm", "LLM", "ERROR", (T0 + 500) * MS, (T0 + 999) * MS),  # 499
]
TRACE2: list[Span] = [
    ("04" * 8, None, "agent", "CHAIN", "OK", T1 * MS, (T1 + 2000) * MS),  # 2000 ms
    ("05" * 8, "04" * 8, "tool", "TOOL", "OK", (T1 + 10) * MS, (T1 + 20) * MS),  # 10 ms
    ("06" * 8, "04" * 8, "open", None, "UNSET", (T1 + 30) * MS, 0),  # never ended
]
STATUS = {
    "OK": Status.STATUS_CODE_OK,
    "ERROR": Status.STATUS_CODE_ERROR,
    "UNSET": Status.STATUS_CODE_UNSET,
}


def _otlp(trace_hex: str, spans: list[Span], attributes: dict[str, dict[str, str]]) -> bytes:
    request = ExportTraceServiceRequest()
    scope = request.resource_spans.add().scope_spans.add()
    for span_hex, parent_hex, name, span_type, status, start, end in spans:
        span = scope.spans.add()
        span.trace_id = bytes.fromhex(trace_hex)
        span.span_id = bytes.fromhex(span_hex)
        if parent_hex:
            span.parent_span_id = bytes.fromhex(parent_hex)
        span.name = name
        span.start_time_unix_nano = start
        span.end_time_unix_nano = end
        span.status.code = STATUS[status]
        texts = dict(attributes.get(span_hex, {}))
        if span_type:
            texts["mlflow.spanType"] = span_type
        for key, text in texts.items():
            attribute = span.attributes.add()
            attribute.key = key
            attribute.value.string_value = text
    return request.SerializeToString()


def _log_trace(
    api: Api, exp_id: str, spans: list[Span], attributes: dict[str, dict[str, str]] | None = None
) -> str:
    """Ingest ``spans`` (with extra string ``attributes`` by span id) as one new trace."""
    trace_hex = uuid.uuid4().hex
    response = api.client.post(
        "/v1/traces",
        content=_otlp(trace_hex, spans, attributes or {}),
        headers={"Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": exp_id},
    )
    assert response.status_code == 200, response.text
    return f"tr-{trace_hex}"


def _assess(api: Api, trace_id: str, name: str, value: Any, kind: str = "feedback") -> str:
    assessment = {
        "assessment_name": name,
        "trace_id": trace_id,
        "source": {"source_type": "HUMAN", "source_id": "ada"},
        kind: {"value": value},
    }
    response = api.client.post(
        V3 + f"traces/{trace_id}/assessments", json={"assessment": assessment}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["assessment"]["assessment_id"])


def _seed(api: Api) -> tuple[str, str, str]:
    """Experiment with trace 1 (at T0) and trace 2 (at T1, tagged env=prod), plus noise."""
    exp_id = str(api.post("experiments/create", {"name": "views"})["experiment_id"])
    other = str(api.post("experiments/create", {"name": "elsewhere"})["experiment_id"])
    trace1, trace2 = _log_trace(api, exp_id, TRACE1), _log_trace(api, exp_id, TRACE2)
    noise = _log_trace(api, other, [("0a" * 8, None, "agent", "CHAIN", "OK", T0 * MS, T1 * MS)])
    tag = api.client.patch(V3 + f"traces/{trace2}/tags", json={"key": "env", "value": "prod"})
    assert tag.status_code == 200, tag.text
    for name, value in (("score", 0.5), ("score", 1), ("ok", True), ("verdict", "maybe")):
        _assess(api, trace1, name, value)
    _assess(api, trace1, "expected", "42", kind="expectation")
    for name, value in (("score", 0.25), ("ok", False), ("verdict", "Yes"), ("lst", ["a", "b"])):
        _assess(api, trace2, name, value)
    # Superseded feedback (valid = false) and another experiment's feedback never count.
    stale = _assess(api, trace2, "score", 0.9)
    patched = api.client.patch(
        V3 + f"traces/{trace2}/assessments/{stale}",
        json={"assessment": {"valid": False}, "update_mask": "valid"},
    )
    assert patched.status_code == 200, patched.text
    _assess(api, noise, "score", 0.0)
    return exp_id, trace1, trace2


def _query(api: Api, exp_id: str, view: str | int, metric: str, *aggs: Any, **extra: Any) -> Any:
    """``aggs``: names or enum numbers, or a float for a PERCENTILE aggregation."""
    aggregations = [
        {"aggregation_type": "PERCENTILE", "percentile_value": a}
        if isinstance(a, float)
        else {"aggregation_type": a}
        for a in aggs
    ]
    body = {
        "experiment_ids": [exp_id],
        "view_type": view,
        "metric_name": metric,
        "aggregations": aggregations,
        **extra,
    }
    response = api.client.post(V3 + "traces/metrics", json=body)
    assert response.status_code == 200, response.text
    return response.json().get("data_points", [])


def _by(points: list[dict[str, Any]], *dims: str) -> dict[Any, dict[str, float]]:
    """values by the dimension values (one dimension: its value; several: a tuple)."""
    out = {}
    for point in points:
        key = tuple(point["dimensions"][d] for d in dims)
        out[key[0] if len(key) == 1 else key] = point["values"]
    return out


def test_spans_view_counts_latencies_buckets_and_filters(api: Api) -> None:
    exp_id, _, _ = _seed(api)
    count = ("SPANS", "span_count", "COUNT")

    by_name = _query(api, exp_id, *count, dimensions=["span_name"])
    assert [p["dimensions"]["span_name"] for p in by_name] == ["agent", "llm", "open", "tool"]
    assert _by(by_name, "span_name") == {
        "agent": {"COUNT": 2.0},
        "llm": {"COUNT": 2.0},
        "open": {"COUNT": 1.0},
        "tool": {"COUNT": 1.0},
    }
    # The span without a type has no span_type group.
    assert _by(
        _query(api, exp_id, *count, dimensions=["span_type", "span_status"]),
        *(
            "span_type",
            "span_status",
        ),
    ) == {
        ("CHAIN", "OK"): {"COUNT": 2.0},
        ("LLM", "ERROR"): {"COUNT": 1.0},
        ("LLM", "OK"): {"COUNT": 1.0},
        ("TOOL", "OK"): {"COUNT": 1.0},
    }
    # Whole milliseconds, rounded down; the unfinished span has no latency.
    latency = _query(
        api, exp_id, "SPANS", "latency", "AVG", "MIN", "MAX", 50.0, 90.0, dimensions=["span_name"]
    )
    assert _by(latency, "span_name") == {
        "agent": {"AVG": 1500.0, "MIN": 1000.0, "MAX": 2000.0, "P50.0": 1500.0, "P90.0": 1900.0},
        "llm": {
            "AVG": 399.5,
            "MIN": 300.0,
            "MAX": 499.0,
            "P50.0": 399.5,
            "P90.0": pytest.approx(479.1),
        },
        "tool": {"AVG": 10.0, "MIN": 10.0, "MAX": 10.0, "P50.0": 10.0, "P90.0": 10.0},
    }
    assert _by(
        _query(api, exp_id, "SPANS", "latency", 50.0, dimensions=["span_status"]), "span_status"
    ) == {"ERROR": {"P50.0": 499.0}, "OK": {"P50.0": 650.0}}  # OK: 10, 300, 1000, 2000

    # Buckets are cut from each span's own start time.
    hourly = _query(
        api,
        exp_id,
        "SPANS",
        "latency",
        "AVG",
        time_interval_seconds=3600,
        start_time_ms=T0,
        end_time_ms=T1 + 3_600_000,
    )
    assert hourly == [
        {
            "metric_name": "latency",
            "dimensions": {"time_bucket": HOUR0},
            "values": {"AVG": pytest.approx(1799 / 3)},
        },
        {"metric_name": "latency", "dimensions": {"time_bucket": HOUR1}, "values": {"AVG": 1005.0}},
    ]

    def total(**extra: Any) -> float:
        (point,) = _query(api, exp_id, *count, **extra)
        assert "dimensions" not in point  # an empty map is left out
        return float(point["values"]["COUNT"])

    assert total() == 6
    assert total(filters=["span.type = 'LLM'"]) == 2
    assert total(filters=["span.name = 'llm'", "span.status = 'ERROR'"]) == 1
    assert total(filters=["trace.tag.env = 'prod'"]) == 3
    assert total(filters=["trace.status = 'OK'", "span.type = 'CHAIN'"]) == 2
    assert total(filters=["tags.env = 'prod'"]) == 3  # the search_traces form
    assert total(filters=["span.name = 'nothing'"]) == 0  # a zero count is still a point
    # Time ranges select by the trace's start time, both ends included.
    assert total(start_time_ms=T0, end_time_ms=T0) == 3
    assert total(start_time_ms=T0 + 1, end_time_ms=T1) == 3
    assert total(start_time_ms=T1 + 1) == 0
    assert total(start_time_ms=-(2**63), end_time_ms=2**63 - 1) == 6  # no overflow
    assert total(start_time_ms=2**62) == 0
    # Enum numbers as in service.proto: SPANS = 2, COUNT = 1.
    (numbered,) = _query(api, exp_id, 2, "span_count", 1)
    assert numbered["values"] == {"COUNT": 6.0}
    assert len(_query(api, exp_id, *count, dimensions=["span_name"], max_results=1)) == 1
    # No rows, no average: no point at all.
    assert _query(api, exp_id, "SPANS", "latency", "AVG", filters=["span.name = 'x'"]) == []


def test_assessments_view_counts_values_buckets_and_filters(api: Api) -> None:
    exp_id, trace1, _ = _seed(api)
    count = ("ASSESSMENTS", "assessment_count", "COUNT")

    by_name = _query(api, exp_id, *count, dimensions=["assessment_name"])
    assert [p["dimensions"]["assessment_name"] for p in by_name] == [
        "expected",
        "lst",
        "ok",
        "score",
        "verdict",
    ]
    assert {k: v["COUNT"] for k, v in _by(by_name, "assessment_name").items()} == {
        "expected": 1.0,
        "lst": 1.0,
        "ok": 2.0,
        "score": 3.0,  # 0.5, 1 and 0.25; the superseded 0.9 is left out
        "verdict": 2.0,
    }
    # Values show as JSON, numbers as doubles, as MLflow clients see them.
    by_value = _query(api, exp_id, *count, dimensions=["assessment_name", "assessment_value"])
    assert {
        k: v["COUNT"] for k, v in _by(by_value, "assessment_name", "assessment_value").items()
    } == {
        ("expected", '"42"'): 1.0,
        ("lst", '["a", "b"]'): 1.0,
        ("ok", "false"): 1.0,
        ("ok", "true"): 1.0,
        ("score", "0.25"): 1.0,
        ("score", "0.5"): 1.0,
        ("score", "1.0"): 1.0,
        ("verdict", '"Yes"'): 1.0,
        ("verdict", '"maybe"'): 1.0,
    }
    # Numbers as themselves, booleans and yes/no as 1/0; other text and lists do not count.
    values = _query(
        api,
        exp_id,
        "ASSESSMENTS",
        "assessment_value",
        "AVG",
        "MIN",
        "MAX",
        50.0,
        dimensions=["assessment_name"],
    )
    assert _by(values, "assessment_name") == {
        "ok": {"AVG": 0.5, "MIN": 0.0, "MAX": 1.0, "P50.0": 0.5},
        "score": {"AVG": pytest.approx(1.75 / 3), "MIN": 0.25, "MAX": 1.0, "P50.0": 0.5},
        "verdict": {"AVG": 1.0, "MIN": 1.0, "MAX": 1.0, "P50.0": 1.0},
    }
    # Buckets are cut from the trace's start time.
    hourly = _query(
        api,
        exp_id,
        "ASSESSMENTS",
        "assessment_value",
        "AVG",
        time_interval_seconds=3600,
        start_time_ms=T0,
        end_time_ms=T1,
    )
    assert _by(hourly, "time_bucket") == {
        HOUR0: {"AVG": pytest.approx(2.5 / 3)},  # 0.5, 1, true
        HOUR1: {"AVG": pytest.approx(1.25 / 3)},  # 0.25, false, "Yes"
    }

    def total(**extra: Any) -> float:
        (point,) = _query(api, exp_id, *count, **extra)
        return float(point["values"]["COUNT"])

    assert total() == 9
    assert total(filters=["assessment.type = 'expectation'"]) == 1
    assert total(filters=["assessment.name = 'score'"]) == 3
    assert total(filters=["trace.tag.env = 'prod'"]) == 4
    assert total(filters=["assessment.name = 'ok'", "trace.status = 'OK'"]) == 2
    assert total(start_time_ms=T1, end_time_ms=T1) == 4
    (numbered,) = _query(api, exp_id, 3, "assessment_count", 1)
    assert numbered["values"] == {"COUNT": 9.0}
    # 2 and 2.0 are stored as sent but read the same: one group.
    for value in (2, 2.0):
        _assess(api, trace1, "twice", value)
    twice = _query(
        api,
        exp_id,
        *count,
        dimensions=["assessment_name", "assessment_value"],
        filters=["assessment.name = 'twice'"],
    )
    assert twice == [
        {
            "metric_name": "assessment_count",
            "dimensions": {"assessment_name": "twice", "assessment_value": "2.0"},
            "values": {"COUNT": 2.0},
        }
    ]


def test_spans_view_by_model_and_cost(api: Api) -> None:
    """Model, provider and cost come from the LLM span attributes MLflow's tracing sets; the
    client writes them JSON-encoded, other OTLP producers may not."""
    exp_id = str(api.post("experiments/create", {"name": "costs"})["experiment_id"])
    spans: list[Span] = [
        (f"{i:016x}", None, name, "LLM", "OK", (T0 + i) * MS, (T0 + i + 1) * MS)
        for i, name in enumerate(["a", "b", "c", "d", "e"], start=1)
    ]
    gpt, openai = '"gpt-4o"', '"openai"'
    attributes = {
        f"{1:016x}": {
            "mlflow.llm.model": gpt,
            "mlflow.llm.provider": openai,
            "mlflow.llm.cost": '{"input_cost": 0.5, "output_cost": 1.5, "total_cost": 2.0}',
        },
        f"{2:016x}": {
            "mlflow.llm.model": gpt,
            "mlflow.llm.provider": openai,
            "mlflow.llm.cost": '{"input_cost": 1, "output_cost": 2, "total_cost": 3}',
        },
        f"{3:016x}": {
            "mlflow.llm.model": "claude",
            "mlflow.llm.provider": '"anthropic"',
            "mlflow.llm.cost": '{"input_cost": 0.25, "total_cost": 0.25}',
        },
        f"{4:016x}": {"mlflow.llm.model": gpt, "mlflow.llm.cost": "not json"},
    }
    _log_trace(api, exp_id, spans, attributes)
    count = ("SPANS", "span_count", "COUNT")
    by_model = _query(api, exp_id, *count, dimensions=["span_model_name"])
    assert _by(by_model, "span_model_name") == {"claude": {"COUNT": 1.0}, "gpt-4o": {"COUNT": 3.0}}
    by_provider = _query(api, exp_id, *count, dimensions=["span_model_provider"])
    assert _by(by_provider, "span_model_provider") == {
        "anthropic": {"COUNT": 1.0},
        "openai": {"COUNT": 2.0},
    }
    total = _query(
        api,
        exp_id,
        "SPANS",
        "total_cost",
        "SUM",
        "AVG",
        "MIN",
        "MAX",
        50.0,
        dimensions=["span_model_name"],
    )
    assert total == [
        {
            "metric_name": "total_cost",
            "dimensions": {"span_model_name": "claude"},
            "values": {"SUM": 0.25, "AVG": 0.25, "MIN": 0.25, "MAX": 0.25, "P50.0": 0.25},
        },
        {
            "metric_name": "total_cost",
            "dimensions": {"span_model_name": "gpt-4o"},
            "values": {"SUM": 5.0, "AVG": 2.5, "MIN": 2.0, "MAX": 3.0, "P50.0": 2.5},
        },
    ]
    output = _query(api, exp_id, "SPANS", "output_cost", "SUM", dimensions=["span_model_provider"])
    assert _by(output, "span_model_provider") == {"openai": {"SUM": 3.5}}
    (inputs,) = _query(api, exp_id, "SPANS", "input_cost", "SUM", time_interval_seconds=60)
    assert inputs["dimensions"] == {"time_bucket": HOUR0}
    assert inputs["values"] == {"SUM": 1.75}
    assert _query(api, exp_id, "SPANS", "input_cost", "SUM", filters=["span.name = 'e'"]) == []
    # Cost time ranges select by each span's start time, counts by its trace's start (T0 + 1).
    (ranged,) = _query(
        api, exp_id, "SPANS", "input_cost", "SUM", start_time_ms=T0 + 2, end_time_ms=T0 + 3
    )
    assert ranged["values"] == {"SUM": 1.25}
    assert _query(api, exp_id, *count, start_time_ms=T0 + 2)[0]["values"] == {"COUNT": 0.0}


@pytest.mark.parametrize(
    ("view", "metric", "aggregation", "extra"),
    [
        ("SPANS", "span_count", {"aggregation_type": "SUM"}, {}),
        ("SPANS", "latency", {"aggregation_type": "COUNT"}, {}),
        ("SPANS", "latency", {"aggregation_type": "AVG"}, {"dimensions": ["span_type"]}),
        ("SPANS", "span_count", {"aggregation_type": "COUNT"}, {"dimensions": ["trace_name"]}),
        ("SPANS", "trace_count", {"aggregation_type": "COUNT"}, {}),
        (
            "SPANS",
            "span_count",
            {"aggregation_type": "COUNT"},
            {"filters": ["assessment.name = 'a'"]},
        ),
        ("SPANS", "span_count", {"aggregation_type": "COUNT"}, {"filters": ["trace.nope = 'a'"]}),
        ("SPANS", "span_count", {"aggregation_type": "COUNT"}, {"filters": ["span.kind = 'a'"]}),
        ("SPANS", "span_count", {"aggregation_type": "COUNT"}, {"time_interval_seconds": 0}),
        ("ASSESSMENTS", "assessment_value", {"aggregation_type": "SUM"}, {}),
        (
            "ASSESSMENTS",
            "assessment_value",
            {"aggregation_type": "AVG"},
            {"dimensions": ["assessment_value"]},
        ),
        (
            "ASSESSMENTS",
            "assessment_count",
            {"aggregation_type": "COUNT"},
            {"filters": ["span.name = 'a'"]},
        ),
        ("ASSESSMENTS", "latency", {"aggregation_type": "AVG"}, {}),
        ("TRACES", "trace_count", {"aggregation_type": "COUNT"}, {"filters": ["span.name = 'a'"]}),
        ("TRACES", "latency", {"aggregation_type": "AVG"}, {"dimensions": ["trace_status"]}),
        ("SPANS", "latency", {"aggregation_type": "PERCENTILE"}, {}),
        ("SPANS", "input_cost", {"aggregation_type": "COUNT"}, {}),
        ("SPANS", "total_cost", {"aggregation_type": "SUM"}, {"dimensions": ["span_name"]}),
        ("SPANS", "latency", {"aggregation_type": "AVG"}, {"dimensions": ["span_model_name"]}),
        ("SPANS", "latency", {"aggregation_type": "PERCENTILE", "percentile_value": 101}, {}),
        ("SPANS", "latency", {"aggregation_type": "AVG", "percentile_value": 50}, {}),
        ("BOGUS", "span_count", {"aggregation_type": "COUNT"}, {}),
        ("SPANS", "span_count", {"aggregation_type": "MEDIAN"}, {}),
        ("SPANS", "span_count", {"aggregation_type": "COUNT"}, {"max_results": -1}),
    ],
)
def test_combinations_a_view_does_not_have_are_400(
    sqlite_api: Api, view: str, metric: str, aggregation: dict[str, Any], extra: dict[str, Any]
) -> None:
    exp_id = str(sqlite_api.post("experiments/create", {"name": "bad"})["experiment_id"])
    body = {
        "experiment_ids": [exp_id],
        "view_type": view,
        "metric_name": metric,
        "aggregations": [aggregation],
        **extra,
    }
    response = sqlite_api.client.post(V3 + "traces/metrics", json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert set(error) == {"error_code", "message", "sqlstate", "error_class"}
    assert error["error_code"] == "INVALID_PARAMETER_VALUE"
    assert error["message"]
