"""Trace API on every backend: V3 traces, OTLP ingest, search, assessments, V2 routes, metrics."""

from __future__ import annotations

import gzip
import json
import uuid
import zlib
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Status

from tests.api.conftest import Api

V3 = "/api/3.0/mlflow/"
NS = 1_000_000


def _experiment(api: Api, name: str = "traces") -> str:
    return str(api.post("experiments/create", {"name": name})["experiment_id"])


def _otlp(
    trace_hex: str,
    spans: list[tuple[str, str | None, str, int, int, dict[str, Any]]],
    error_span: str | None = None,
) -> bytes:
    """(span hex, parent hex, name, start ms, end ms, string/int attributes) as protobuf."""
    request = ExportTraceServiceRequest()
    scope = request.resource_spans.add().scope_spans.add()
    for span_hex, parent_hex, name, start, end, attributes in spans:
        span = scope.spans.add()
        span.trace_id = bytes.fromhex(trace_hex)
        span.span_id = bytes.fromhex(span_hex)
        if parent_hex:
            span.parent_span_id = bytes.fromhex(parent_hex)
        span.name = name
        span.start_time_unix_nano = start * NS
        span.end_time_unix_nano = end * NS
        code = Status.STATUS_CODE_ERROR if span_hex == error_span else Status.STATUS_CODE_OK
        span.status.code = code
        for key, value in attributes.items():
            attr = span.attributes.add()
            attr.key = key
            if isinstance(value, int):
                attr.value.int_value = value
            else:
                attr.value.string_value = value
    return request.SerializeToString()


def _send(api: Api, exp_id: str, body: bytes, status: int = 200, **headers: str) -> Any:
    response = api.client.post(
        "/v1/traces",
        content=body,
        headers={
            "Content-Type": "application/x-protobuf",
            "x-mlflow-experiment-id": exp_id,
            **headers,
        },
    )
    assert response.status_code == status, response.text
    return response


def _trace_info(exp_id: str, trace_id: str, request_time: str, **extra: Any) -> dict[str, Any]:
    return {
        "trace_id": trace_id,
        "trace_location": {
            "type": "MLFLOW_EXPERIMENT",
            "mlflow_experiment": {"experiment_id": exp_id},
        },
        "request_time": request_time,
        "execution_duration": "1.5s",
        "state": "OK",
        **extra,
    }


def _v3(api: Api, path: str, body: dict[str, Any], status: int = 200) -> Any:
    response = api.client.post(V3 + path, json=body)
    assert response.status_code == status, response.text
    return response.json()


def _start(api: Api, info: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = _v3(api, "traces", {"trace": {"trace_info": info}})
    return result["trace"]["trace_info"]


def _search(api: Api, exp_id: str, status: int = 200, **body: Any) -> Any:
    locations = [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": exp_id}}]
    return _v3(api, "traces/search", {"locations": locations, **body}, status=status)


def _ids(result: dict[str, Any]) -> list[str]:
    return [t["trace_id"] for t in result.get("traces", [])]


def test_start_trace_then_spans_then_read_back(api: Api) -> None:
    exp_id = _experiment(api)
    trace_hex = uuid.uuid4().hex
    trace_id = f"tr-{trace_hex}"
    info = _start(
        api,
        _trace_info(
            exp_id,
            trace_id,
            "2026-11-28T06:31:01.334Z",
            request_preview='{"q": 1}',
            trace_metadata={"mlflow.user": "ada"},
            tags={"mlflow.traceName": "chain"},
        ),
    )
    assert info["request_time"] == "2026-11-28T06:31:01.334Z"
    assert info["execution_duration"] == "1.500s" or info["execution_duration"] == "1.5s"
    assert info["trace_metadata"] == {"mlflow.user": "ada"}
    assert info["tags"]["mlflow.artifactLocation"].endswith(f"/traces/{trace_id}/artifacts")
    assert "mlflow.trace.spansLocation" not in info["tags"]  # no spans yet: the client uploads

    root, child = "a" * 16, "b" * 16
    body = _otlp(
        trace_hex,
        [
            (root, None, "chain", 1000, 2500, {"mlflow.spanType": "CHAIN"}),
            (child, root, "llm", 1100, 2000, {"mlflow.spanType": "LLM", "model": "m1"}),
        ],
    )
    response = _send(api, exp_id, body)
    assert response.headers["content-type"] == "application/x-protobuf"
    got = api.client.get(V3 + "traces/get", params={"trace_id": trace_id}).json()["trace"]
    assert got["trace_info"]["tags"]["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    assert got["trace_info"]["state"] == "OK"  # the client's own values are kept
    assert [s["name"] for s in got["spans"]] == ["chain", "llm"]
    assert got["spans"][1]["parent_span_id"] and isinstance(
        got["spans"][0]["start_time_unix_nano"], int
    )
    # A restarted StartTraceV3 now sees the spans and tells the client to skip the upload.
    again = _start(api, _trace_info(exp_id, trace_id, "2026-11-28T06:31:01.334Z"))
    assert again["tags"]["mlflow.trace.spansLocation"] == "TRACKING_STORE"

    info_only = api.client.get(V3 + f"traces/{trace_id}").json()["trace"]["trace_info"]
    assert info_only["trace_id"] == trace_id and "spans" not in info_only
    batch = api.client.get(V3 + "traces/batchGet", params={"trace_ids": [trace_id, "tr-x"]})
    assert [len(t["spans"]) for t in batch.json()["traces"]] == [2]
    infos = _v3(api, "traces/batchGetInfos", {"trace_ids": [trace_id]})["trace_infos"]
    assert [i["trace_id"] for i in infos] == [trace_id]

    missing = api.client.get(V3 + "traces/get", params={"trace_id": "tr-missing"})
    assert missing.status_code == 404 and missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    bad = _v3(api, "traces", {"trace": {"trace_info": {"trace_id": "tr-1"}}}, status=400)
    assert bad["error_code"] == "INVALID_PARAMETER_VALUE"


def test_otlp_json_gzip_and_deflate_create_traces_from_spans(api: Api) -> None:
    exp_id = _experiment(api)
    trace_hex = uuid.uuid4().hex
    body = {
        "resourceSpans": [
            {
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": trace_hex,
                                "spanId": "0102030405060708",
                                "name": "root",
                                "startTimeUnixNano": str(5000 * NS),
                                "endTimeUnixNano": str(5200 * NS),
                                "status": {"code": 2},
                                "attributes": [
                                    {"key": "mlflow.spanInputs", "value": {"stringValue": "in"}},
                                    {"key": "mlflow.spanOutputs", "value": {"stringValue": "o"}},
                                ],
                            }
                        ]
                    }
                ]
            }
        ]
    }
    raw = json.dumps(body).encode()
    response = _send(
        api,
        exp_id,
        gzip.compress(raw),
        **{"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.json() == {}
    info = api.client.get(V3 + f"traces/tr-{trace_hex}").json()["trace"]["trace_info"]
    assert info["state"] == "ERROR"
    assert info["execution_duration"] == "0.200s"
    assert (info["request_preview"], info["response_preview"]) == ("in", "o")
    assert info["request_time"] == "1970-01-01T00:00:05Z"

    other = uuid.uuid4().hex
    deflated = zlib.compress(_otlp(other, [("c" * 16, None, "r", 1, 2, {})]))
    _send(api, exp_id, deflated, **{"Content-Encoding": "deflate"})
    assert api.client.get(V3 + f"traces/tr-{other}").status_code == 200


def test_otlp_errors_are_all_or_nothing(api: Api) -> None:
    exp_id = _experiment(api)
    _send(api, exp_id, b"\x0a\xff\xff", status=400)
    _send(api, exp_id, b"", status=400)
    _send(api, exp_id, b"{", status=400, **{"Content-Type": "application/json"})
    _send(api, exp_id, b"x", status=400, **{"Content-Type": "text/plain"})
    _send(api, exp_id, b"x", status=400, **{"Content-Encoding": "br"})
    _send(api, "424242", _otlp(uuid.uuid4().hex, [("d" * 16, None, "r", 1, 2, {})]), status=404)
    # One good span and one without a span id: nothing is stored.
    good = uuid.uuid4().hex
    request = ExportTraceServiceRequest.FromString(_otlp(good, [("e" * 16, None, "r", 1, 2, {})]))
    bad = request.resource_spans[0].scope_spans[0].spans.add()
    bad.trace_id = bytes.fromhex(good)
    body = _send(api, exp_id, request.SerializeToString(), status=422).json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE" and body["message"]
    assert api.client.get(V3 + f"traces/tr-{good}").status_code == 404
    missing_header = api.client.post(
        "/v1/traces", content=b"x", headers={"Content-Type": "application/x-protobuf"}
    )
    assert missing_header.status_code == 400


def _seed(api: Api, exp_id: str) -> list[str]:
    """Five traces, one per second, with tags, metadata, spans and durations."""
    ids = []
    for i in range(5):
        trace_hex = uuid.uuid4().hex
        trace_id = f"tr-{trace_hex}"
        ids.append(trace_id)
        _start(
            api,
            _trace_info(
                exp_id,
                trace_id,
                f"2026-01-01T00:00:0{i}Z",
                execution_duration=f"{i}s",
                state="ERROR" if i == 4 else "OK",
                tags={"env": "prod" if i % 2 else "dev", "mlflow.traceName": f"name-{i}"},
                trace_metadata={"mlflow.sourceRun": f"run{i % 2}"},
            ),
        )
        span_type = "LLM" if i < 2 else "TOOL"
        attributes = {"mlflow.spanType": span_type, "model": f"model-{i}", "n": i}
        _send(api, exp_id, _otlp(trace_hex, [("f" * 16, None, "root", 1, 2, attributes)]))
    return ids


def test_search_filters_order_and_paging(api: Api) -> None:
    exp_id = _experiment(api)
    ids = _seed(api, exp_id)
    assert _ids(_search(api, exp_id)) == list(reversed(ids))
    cases = {
        "tags.env = 'prod'": [ids[3], ids[1]],
        "metadata.mlflow.sourceRun = 'run0'": [ids[4], ids[2], ids[0]],
        "run_id = 'run1'": [ids[3], ids[1]],
        "status = 'ERROR'": [ids[4]],
        "attributes.status IN ('ERROR')": [ids[4]],
        "execution_time_ms >= 3000": [ids[4], ids[3]],
        f"timestamp_ms < {1767225600000 + 2000}": [ids[1], ids[0]],
        "trace.name LIKE 'name-%' AND tags.env != 'prod'": [ids[4], ids[2], ids[0]],
        "span.type = 'LLM'": [ids[1], ids[0]],
        "span.attributes.model = 'model-3'": [ids[3]],
        "span.attributes.n = '4'": [ids[4]],
        "span.name = 'root' AND tags.missing IS NULL": list(reversed(ids)),
        "tags.env = 'dev' OR status = 'ERROR'": [ids[4], ids[2], ids[0]],
        "trace.text ILIKE '%MODEL-2%'": [ids[2]],
        f"request_id = '{ids[2]}'": [ids[2]],
    }
    for filter_string, expected in cases.items():
        assert _ids(_search(api, exp_id, filter=filter_string)) == expected, filter_string
    ordered = _search(api, exp_id, order_by=["execution_time_ms ASC"])
    assert _ids(ordered) == ids
    by_name = _search(api, exp_id, order_by=["name DESC"])
    assert _ids(by_name) == list(reversed(ids))

    seen, token = [], None
    while True:
        body: dict[str, Any] = {"max_results": 2}
        if token:
            body["page_token"] = token
        page = _search(api, exp_id, **body)
        seen += _ids(page)
        token = page.get("next_page_token")
        if not token:
            break
    assert seen == list(reversed(ids))

    for bad in ({"max_results": 501}, {"filter": "tags.env =="}, {"page_token": "%%%"}):
        assert _search(api, exp_id, status=400, **bad)["error_code"] == "INVALID_PARAMETER_VALUE"
    assert _search(api, exp_id, status=400, filter="span.bogus = 'x'")["message"]
    assert _v3(api, "traces/search", {}, status=400)["error_code"] == "INVALID_PARAMETER_VALUE"


def test_tags_and_delete_traces(api: Api) -> None:
    exp_id = _experiment(api)
    ids = _seed(api, exp_id)
    tags_url = V3 + f"traces/{ids[0]}/tags"
    assert api.client.patch(tags_url, json={"key": "k", "value": "v"}).status_code == 200
    assert api.client.get(V3 + f"traces/{ids[0]}").json()["trace"]["trace_info"]["tags"]["k"] == "v"
    assert api.client.request("DELETE", tags_url, json={"key": "k"}).status_code == 200
    gone = api.client.request("DELETE", tags_url, json={"key": "k"})
    assert gone.status_code == 404
    unknown = api.client.patch(V3 + "traces/tr-nope/tags", json={"key": "k", "value": "v"})
    assert unknown.status_code == 404

    deleted = _v3(api, "traces/delete-traces", {"experiment_id": exp_id, "request_ids": [ids[0]]})
    assert deleted == {"traces_deleted": 1}
    by_time = api.post(
        "traces/delete-traces",
        {"experiment_id": exp_id, "max_timestamp_millis": 1767225602000, "max_traces": 1},
    )
    assert by_time == {"traces_deleted": 1}
    assert _ids(_search(api, exp_id)) == [ids[4], ids[3], ids[2]]
    both = api.post(
        "traces/delete-traces",
        {"experiment_id": exp_id, "max_timestamp_millis": 1, "request_ids": [ids[2]]},
        status=400,
    )
    assert both["error_code"] == "INVALID_PARAMETER_VALUE"


def test_assessments_lifecycle(api: Api) -> None:
    exp_id = _experiment(api)
    trace_id = _seed(api, exp_id)[0]
    url = V3 + f"traces/{trace_id}/assessments"
    feedback = {
        "assessment_name": "quality",
        "trace_id": trace_id,
        "source": {"source_type": "HUMAN", "source_id": "ada"},
        "feedback": {"value": 0.5},
        "rationale": "so-so",
        "metadata": {"round": "1"},
    }
    created = api.client.post(url, json={"assessment": feedback}).json()["assessment"]
    assert created["assessment_id"].startswith("a-") and created["valid"] is True
    assert created["feedback"] == {"value": 0.5} and created["rationale"] == "so-so"
    one = f"{url}/{created['assessment_id']}"
    assert api.client.get(one).json()["assessment"]["metadata"] == {"round": "1"}
    patched = api.client.patch(
        one,
        json={
            "assessment": {"feedback": {"value": "great"}, "rationale": "better"},
            "update_mask": "feedback,rationale",
        },
    ).json()["assessment"]
    assert patched["feedback"] == {"value": "great"} and patched["rationale"] == "better"
    expectation = {
        "assessment_name": "expected",
        "source": {"source_type": "CODE", "source_id": "t"},
        "expectation": {"value": {"answer": 42}},
    }
    api.client.post(url, json={"assessment": expectation})
    info = api.client.get(V3 + f"traces/{trace_id}").json()["trace"]["trace_info"]
    assert [a["assessment_name"] for a in info["assessments"]] == ["quality", "expected"]
    assert _ids(_search(api, exp_id, filter="feedback.quality = 'great'")) == [trace_id]
    assert _ids(_search(api, exp_id, filter="expectation.expected IS NOT NULL")) == [trace_id]
    score = {
        **expectation,
        "assessment_name": "score",
        "expectation": None,
        "feedback": {"value": 0.9},
    }
    api.client.post(url, json={"assessment": score})
    for filter_string, expected in (
        ("feedback.score > 0.5", [trace_id]),
        ("feedback.score >= 1", []),
        ("feedback.score = 0.9 AND feedback.quality != 'bad'", [trace_id]),
        ("feedback.score IN (0.9, 'x')", [trace_id]),  # IN compares the value's text, '0.9'
        ("feedback.quality > 0", []),  # a text value is not a number
    ):
        assert _ids(_search(api, exp_id, filter=filter_string)) == expected, filter_string
    _search(api, exp_id, status=400, filter="feedback.score > 'high'")

    no_source = {k: v for k, v in feedback.items() if k != "source"}
    assert api.client.post(url, json={"assessment": no_source}).status_code == 400
    two_kinds = {**feedback, "expectation": {"value": 1}}
    assert api.client.post(url, json={"assessment": two_kinds}).status_code == 400
    bad_mask = api.client.patch(one, json={"assessment": {}, "update_mask": "trace_id"})
    assert bad_mask.status_code == 400
    missing = api.client.post(V3 + "traces/tr-nope/assessments", json={"assessment": feedback})
    assert missing.status_code == 404
    assert api.client.delete(one).status_code == 200
    assert api.client.get(one).status_code == 404


def test_v2_routes_links_and_prompts(api: Api) -> None:
    exp_id = _experiment(api)
    started = api.post(
        "traces",
        {
            "experiment_id": exp_id,
            "timestamp_ms": 1000,
            "request_metadata": [{"key": "m", "value": "1"}],
            "tags": [{"key": "t", "value": "2"}],
        },
    )["trace_info"]
    request_id = started["request_id"]
    assert started["status"] == "IN_PROGRESS" and started["timestamp_ms"] == 1000
    ended = api.client.patch(
        f"/api/2.0/mlflow/traces/{request_id}", json={"timestamp_ms": 1750, "status": "OK"}
    ).json()["trace_info"]
    assert ended["status"] == "OK" and ended["execution_time_ms"] == 750
    got = api.get(f"traces/{request_id}/info")["trace_info"]
    assert {"key": "t", "value": "2"} in got["tags"]
    found = api.get("traces", {"experiment_ids": [exp_id], "filter": "tags.t = '2'"})
    assert [t["request_id"] for t in found["traces"]] == [request_id]

    run_id = api.post("runs/create", {"experiment_id": exp_id})["run"]["info"]["run_id"]
    api.post("traces/link-to-run", {"trace_ids": [request_id], "run_id": run_id})
    assert _ids(_search(api, exp_id, filter=f"run_id = '{run_id}'")) == [request_id]
    unknown = api.post("traces/link-to-run", {"trace_ids": ["tr-no"], "run_id": run_id}, 404)
    assert unknown["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    api.post(
        "traces/link-prompts",
        {"trace_id": request_id, "prompt_versions": [{"name": "qa", "version": "3"}]},
    )
    assert _ids(_search(api, exp_id, filter="prompt = 'qa/3'")) == [request_id]
    assert _ids(_search(api, exp_id, filter="prompt = 'qa/4'")) == []
    api.client.patch(f"/api/2.0/mlflow/traces/{request_id}/tags", json={"key": "x", "value": "y"})
    assert api.get(f"traces/{request_id}/info")["trace_info"]["tags"][-1]["key"] in ("x", "t")


def test_trace_metrics_and_filter_correlation(api: Api) -> None:
    exp_id = _experiment(api)
    _seed(api, exp_id)
    counts = _v3(
        api,
        "traces/metrics",
        {
            "experiment_ids": [exp_id],
            "metric_name": "trace_count",
            "aggregations": [{"aggregation_type": "COUNT"}],
            "dimensions": ["trace_status"],
        },
    )["data_points"]
    assert {p["dimensions"]["trace_status"]: p["values"]["COUNT"] for p in counts} == {
        "OK": 4,
        "ERROR": 1,
    }
    latency = _v3(
        api,
        "traces/metrics",
        {
            "experiment_ids": [exp_id],
            "metric_name": "latency",
            "aggregations": [
                {"aggregation_type": "AVG"},
                {"aggregation_type": "MAX"},
                {"aggregation_type": "PERCENTILE", "percentile_value": 50},
            ],
            "time_interval_seconds": 3600,
            "filters": ["tags.env = 'dev'"],
        },
    )["data_points"]
    assert latency == [
        {
            "metric_name": "latency",
            "dimensions": {"time_bucket": "2026-01-01T00:00:00+00:00"},
            "values": {"AVG": 2000.0, "MAX": 4000.0, "P50.0": 2000.0},
        }
    ]
    bad = _v3(
        api,
        "traces/metrics",
        {"experiment_ids": [exp_id], "metric_name": "nope", "aggregations": []},
        status=400,
    )
    assert bad["error_code"] == "INVALID_PARAMETER_VALUE"
    correlation = _v3(
        api,
        "traces/calculate-filter-correlation",
        {
            "experiment_ids": [exp_id],
            "filter_string1": "tags.env = 'prod'",
            "filter_string2": "span.type = 'LLM'",
        },
    )
    assert (correlation["total_count"], correlation["filter1_count"]) == (5, 2)
    assert (correlation["filter2_count"], correlation["joint_count"]) == (2, 1)
    assert -1 <= correlation["npmi"] <= 1


def test_over_long_names_get_400_not_a_database_error(api: Api) -> None:
    exp_id = _experiment(api)
    long_key = "k" * 251
    info = _trace_info(exp_id, "tr-" + "1" * 32, "2026-01-01T00:00:00Z", tags={long_key: "v"})
    assert _v3(api, "traces", {"trace": {"trace_info": info}}, status=400)["message"]
    long_id = _trace_info(exp_id, "tr-" + "1" * 60, "2026-01-01T00:00:00Z")
    _v3(api, "traces", {"trace": {"trace_info": long_id}}, status=400)
    bad_time = _trace_info(exp_id, "tr-" + "2" * 32, "yesterday")
    _v3(api, "traces", {"trace": {"trace_info": bad_time}}, status=400)
    trace_id = _seed(api, exp_id)[0]
    tag = api.client.patch(V3 + f"traces/{trace_id}/tags", json={"key": long_key, "value": "v"})
    assert tag.status_code == 400
    assessment = {
        "assessment_name": "n" * 251,
        "source": {"source_type": "HUMAN", "source_id": "ada"},
        "feedback": {"value": 1},
    }
    url = V3 + f"traces/{trace_id}/assessments"
    assert api.client.post(url, json={"assessment": assessment}).status_code == 400


def test_deleting_traces_removes_their_uploaded_artifacts_and_nothing_else(
    sqlite_api: Api, tmp_path: Any
) -> None:
    api = sqlite_api
    exp_id = _experiment(api)
    kept, gone = f"tr-{uuid.uuid4().hex}", f"tr-{uuid.uuid4().hex}"
    nasty = "../../outside"  # a client-chosen id must never name a folder to delete
    for trace_id in (kept, gone, nasty):
        info = _start(api, _trace_info(exp_id, trace_id, "2026-11-28T06:31:01.334Z"))
        location = info["tags"]["mlflow.artifactLocation"]
        assert location.endswith(f"/traces/{trace_id}/artifacts")
        if trace_id != nasty:  # what the client uploads beside a trace
            path = f"/api/2.0/mlflow-artifacts/artifacts/{exp_id}/traces/{trace_id}/artifacts"
            put = api.client.put(f"{path}/traces.json", content=b'{"spans": []}')
            assert put.status_code == 200, put.text
    sentinel = tmp_path / "art" / "outside"
    sentinel.mkdir(parents=True)
    (sentinel / "keep.txt").write_text("must survive")
    traces_dir = tmp_path / "art" / exp_id / "traces"
    assert sorted(p.name for p in traces_dir.iterdir()) == sorted([kept, gone])

    deleted = _v3(
        api, "traces/delete-traces", {"experiment_id": exp_id, "request_ids": [gone, nasty]}
    )
    assert deleted == {"traces_deleted": 2}
    assert [p.name for p in traces_dir.iterdir()] == [kept]
    assert (traces_dir / kept / "artifacts" / "traces.json").is_file()
    assert (sentinel / "keep.txt").read_text() == "must survive"
    assert _ids(_search(api, exp_id)) == [kept]
