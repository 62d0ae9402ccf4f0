"""Tracing with the stock client: @mlflow.trace, spans, search, assessments, deletes, OTLP."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from typing import Any

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import AssessmentSource
from mlflow.tracing.assessment import get_assessment
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from .rest import Rest
from .target import ON_MLFLOW

pytestmark = pytest.mark.compat


@pytest.fixture
def traced_experiment(tracking_uri: str, experiment_id: str) -> Iterator[str]:
    mlflow.set_experiment(experiment_id=experiment_id)
    yield experiment_id


@mlflow.trace(span_type="CHAIN")
def answer(question: str, depth: int = 2) -> dict[str, Any]:
    with mlflow.start_span("retrieve", span_type="RETRIEVER") as span:
        span.set_inputs({"query": question})
        span.set_attribute("retriever.k", 3)
        docs = [f"doc-{i}" for i in range(depth)]
        span.set_outputs({"docs": docs})
    with mlflow.start_span("generate", span_type="LLM") as span:
        span.set_inputs({"docs": docs})
        span.set_attribute("model", "tiny-model")
        with mlflow.start_span("tokenize") as inner:
            inner.set_outputs(len(question))
        span.set_outputs("42")
    mlflow.update_current_trace(tags={"topic": question.split()[0]})
    return {"answer": "42", "question": question}


def _make_trace(question: str) -> str:
    answer(question)
    mlflow.flush_trace_async_logging()
    trace_id = mlflow.get_last_active_trace_id()
    assert trace_id is not None
    return trace_id


def test_trace_round_trip_with_all_spans(traced_experiment: str) -> None:
    trace_id = _make_trace("life universe everything")
    trace = mlflow.get_trace(trace_id)
    assert trace is not None
    assert trace.info.trace_id == trace_id
    assert trace.info.experiment_id == traced_experiment
    assert trace.info.state == "OK"
    assert trace.info.tags["topic"] == "life"
    assert trace.info.tags["mlflow.traceName"] == "answer"
    assert trace.info.execution_duration is not None
    names = {s.name for s in trace.data.spans}
    assert names == {"answer", "retrieve", "generate", "tokenize"}
    by_name = {s.name: s for s in trace.data.spans}
    root = by_name["answer"]
    assert root.parent_id is None
    assert root.inputs == {"question": "life universe everything", "depth": 2}
    assert root.outputs == {"answer": "42", "question": "life universe everything"}
    assert root.span_type == "CHAIN"
    assert by_name["retrieve"].parent_id == root.span_id
    assert by_name["retrieve"].outputs == {"docs": ["doc-0", "doc-1"]}
    assert by_name["retrieve"].attributes["retriever.k"] == 3
    assert by_name["generate"].span_type == "LLM"
    assert by_name["tokenize"].parent_id == by_name["generate"].span_id
    assert by_name["tokenize"].outputs == len("life universe everything")


def test_search_traces_dataframe_list_and_paging(
    traced_experiment: str, client: MlflowClient
) -> None:
    ids = [_make_trace(f"q{i} question") for i in range(5)]
    frame = mlflow.search_traces(locations=[traced_experiment])
    assert len(frame) == 5
    assert set(frame["trace_id"]) == set(ids)
    listed = mlflow.search_traces(locations=[traced_experiment], return_type="list")
    assert [t.info.trace_id for t in listed] == list(reversed(ids))  # newest first
    assert all(len(t.data.spans) == 4 for t in listed)

    seen: list[str] = []
    token = None
    while True:
        page = client.search_traces(locations=[traced_experiment], max_results=2, page_token=token)
        seen += [t.info.trace_id for t in page]
        token = page.token
        if not token:
            break
    assert seen == list(reversed(ids))

    one = mlflow.search_traces(
        locations=[traced_experiment], filter_string="tags.topic = 'q3'", return_type="list"
    )
    assert [t.info.trace_id for t in one] == [ids[3]]
    ok = client.search_traces(
        locations=[traced_experiment],
        filter_string="trace.status = 'OK' AND trace.name = 'answer'",
        order_by=["timestamp_ms ASC"],
    )
    assert [t.info.trace_id for t in ok] == ids
    llm = client.search_traces(
        locations=[traced_experiment], filter_string="span.type = 'LLM'", max_results=10
    )
    assert len(llm) == 5


def test_traces_inside_a_run_are_linked(traced_experiment: str, client: MlflowClient) -> None:
    with mlflow.start_run() as run:
        trace_id = _make_trace("inside run")
    trace = mlflow.get_trace(trace_id)
    assert trace.info.request_metadata.get("mlflow.sourceRun") == run.info.run_id
    found = client.search_traces(
        locations=[traced_experiment], filter_string=f"run_id = '{run.info.run_id}'"
    )
    assert [t.info.trace_id for t in found] == [trace_id]
    other = _make_trace("outside run")
    client.link_traces_to_run([other], run.info.run_id)
    linked = client.search_traces(
        locations=[traced_experiment], filter_string=f"run_id = '{run.info.run_id}'"
    )
    assert {t.info.trace_id for t in linked} == {trace_id, other}


def test_trace_tags_set_and_delete(traced_experiment: str, client: MlflowClient) -> None:
    trace_id = _make_trace("tags please")
    client.set_trace_tag(trace_id, "reviewed", "yes")
    assert client.get_trace(trace_id).info.tags["reviewed"] == "yes"
    client.delete_trace_tag(trace_id, "reviewed")
    assert "reviewed" not in client.get_trace(trace_id).info.tags


def test_feedback_and_expectation(traced_experiment: str, client: MlflowClient) -> None:
    trace_id = _make_trace("judge me")
    feedback = mlflow.log_feedback(
        trace_id=trace_id,
        name="quality",
        value=0.75,
        rationale="mostly right",
        source=AssessmentSource(source_type="LLM_JUDGE", source_id="judge-1"),
    )
    expectation = mlflow.log_expectation(
        trace_id=trace_id, name="expected_answer", value={"answer": "42"}
    )
    assessments = {a.name: a for a in mlflow.get_trace(trace_id).info.assessments}
    assert assessments["quality"].value == 0.75
    assert assessments["quality"].rationale == "mostly right"
    assert assessments["quality"].source.source_type == "LLM_JUDGE"
    assert assessments["expected_answer"].value == {"answer": "42"}

    fetched = get_assessment(trace_id, feedback.assessment_id)
    assert fetched.value == 0.75
    updated = mlflow.update_assessment(
        trace_id=trace_id,
        assessment_id=feedback.assessment_id,
        assessment=mlflow.entities.Feedback(name="quality", value=0.25),
    )
    assert updated.value == 0.25
    found = client.search_traces(
        locations=[traced_experiment], filter_string="feedback.quality = '0.25'"
    )
    assert [t.info.trace_id for t in found] == [trace_id]
    mlflow.delete_assessment(trace_id=trace_id, assessment_id=expectation.assessment_id)
    names = [a.name for a in mlflow.get_trace(trace_id).info.assessments]
    assert names == ["quality"]


def test_delete_traces_by_id_and_by_timestamp(traced_experiment: str, client: MlflowClient) -> None:
    ids = [_make_trace(f"delete {i}") for i in range(4)]
    assert client.delete_traces(traced_experiment, trace_ids=[ids[0]]) == 1
    cutoff = client.get_trace(ids[2]).info.request_time
    deleted = client.delete_traces(traced_experiment, max_timestamp_millis=cutoff)
    assert deleted == 2
    left = client.search_traces(locations=[traced_experiment])
    assert [t.info.trace_id for t in left] == [ids[3]]


def _export_with_otel_sdk(server_url: str, experiment_id: str) -> str:
    """Two spans through the standard OpenTelemetry exporter; the MLflow trace id."""
    exporter = OTLPSpanExporter(
        endpoint=f"{server_url}/v1/traces",
        headers={"x-mlflow-experiment-id": experiment_id},
    )
    provider = TracerProvider(resource=Resource.create({"service.name": "otlp-test"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("compat")
    with tracer.start_as_current_span("root") as root:
        root.set_attribute("user.question", "hello")
        with tracer.start_as_current_span("child") as child:
            child.set_attribute("tokens", 7)
    provider.shutdown()
    return "tr-" + format(root.get_span_context().trace_id, "032x")


def test_otlp_exporter_spans_become_a_trace(
    server_url: str, client: MlflowClient, experiment_id: str
) -> None:
    trace_id = _export_with_otel_sdk(server_url, experiment_id)
    trace = client.get_trace(trace_id)
    assert {s.name for s in trace.data.spans} == {"root", "child"}
    by_name = {s.name: s for s in trace.data.spans}
    assert by_name["child"].parent_id == by_name["root"].span_id
    assert by_name["child"].attributes["tokens"] == 7
    assert trace.info.state == "OK"
    assert trace.info.tags["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    found = client.search_traces(locations=[experiment_id], filter_string="span.name = 'child'")
    assert [t.info.trace_id for t in found] == [trace_id]


@pytest.mark.runhub_only
def test_search_by_span_attribute_value(
    server_url: str, client: MlflowClient, experiment_id: str
) -> None:
    # MLflow matches span attributes with LIKE on the span JSON, so '=' never matches there.
    trace_id = _export_with_otel_sdk(server_url, experiment_id)
    for filter_string in (
        "span.attributes.`user.question` = 'hello'",
        "span.attributes.tokens = '7'",
        "span.attributes.`user.question` LIKE 'hel%'",
    ):
        found = client.search_traces(locations=[experiment_id], filter_string=filter_string)
        assert [t.info.trace_id for t in found] == [trace_id], filter_string


@pytest.mark.skipif(ON_MLFLOW, reason="MLflow answers FastAPI {detail} bodies here")
def test_otlp_malformed_bodies_get_4xx(rest: Rest, experiment_id: str) -> None:
    headers = {"Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": experiment_id}
    garbage = rest.post("/v1/traces", data=b"\xff\x00garbage", headers=headers)
    rest.assert_error(garbage, 400, "INVALID_PARAMETER_VALUE")
    empty = rest.post("/v1/traces", data=b"", headers=headers)
    rest.assert_error(empty, 400, "INVALID_PARAMETER_VALUE")
    bad_gzip = rest.post(
        "/v1/traces", data=b"not gzip", headers={**headers, "Content-Encoding": "gzip"}
    )
    rest.assert_error(bad_gzip, 400, "INVALID_PARAMETER_VALUE")
    text = rest.post("/v1/traces", data=b"{}", headers={**headers, "Content-Type": "text/plain"})
    rest.assert_error(text, 400, "INVALID_PARAMETER_VALUE")
    no_header = rest.post(
        "/v1/traces", data=b"x", headers={"Content-Type": "application/x-protobuf"}
    )
    rest.assert_error(no_header, 400, "INVALID_PARAMETER_VALUE")
    request = ExportTraceServiceRequest()
    span = request.resource_spans.add().scope_spans.add().spans.add()
    span.name = "no ids"
    unconvertible = rest.post(
        "/v1/traces",
        data=gzip.compress(request.SerializeToString()),
        headers={**headers, "Content-Encoding": "gzip"},
    )
    rest.assert_error(unconvertible, 422, "INVALID_PARAMETER_VALUE")
    unknown = rest.post(
        "/v1/traces",
        data=_one_span_request(),
        headers={**headers, "x-mlflow-experiment-id": "987654321"},
    )
    rest.assert_error(unknown, 404, "RESOURCE_DOES_NOT_EXIST")


def _one_span_request() -> bytes:
    request = ExportTraceServiceRequest()
    span = request.resource_spans.add().scope_spans.add().spans.add()
    span.trace_id = bytes(range(16))
    span.span_id = bytes(range(8))
    span.name = "lonely"
    span.start_time_unix_nano = time.time_ns()
    span.end_time_unix_nano = span.start_time_unix_nano + 1000
    return request.SerializeToString()
