"""Trace metrics over the SPANS and ASSESSMENTS views, with spans and assessments the stock
client logs (``@mlflow.trace``, ``start_span``, ``log_feedback``) and queried through the
client's own REST store, so the request and response encodings are MLflow's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import AssessmentSource
from mlflow.entities.trace_metrics import AggregationType, MetricAggregation, MetricViewType
from mlflow.exceptions import MlflowException

pytestmark = pytest.mark.compat

COUNT = [MetricAggregation(AggregationType.COUNT)]
HUMAN = AssessmentSource(source_type="HUMAN", source_id="ada")


@pytest.fixture
def traced_experiment(tracking_uri: str, experiment_id: str) -> Iterator[str]:
    mlflow.set_experiment(experiment_id=experiment_id)
    yield experiment_id


@mlflow.trace(span_type="CHAIN")
def pipeline(question: str) -> str:
    with mlflow.start_span("retrieve", span_type="RETRIEVER") as span:
        span.set_inputs({"q": question})
    with mlflow.start_span("generate", span_type="LLM") as span:
        span.set_attribute("mlflow.llm.model", "tiny-model")
        span.set_attribute(
            "mlflow.llm.cost", {"input_cost": 0.5, "output_cost": 1.0, "total_cost": 1.5}
        )
        span.set_outputs("42")
    return "42"


def _traces(n: int) -> list[str]:
    ids = []
    for i in range(n):
        pipeline(f"question {i}")
        mlflow.flush_trace_async_logging()
        trace_id = mlflow.get_last_active_trace_id()
        assert trace_id is not None
        ids.append(trace_id)
    return ids


def _query(client: MlflowClient, exp_id: str, view: MetricViewType, metric: str, **kw: Any) -> Any:
    kw.setdefault("aggregations", COUNT)
    store = client._tracking_client.store
    return list(store.query_trace_metrics([exp_id], view, metric, **kw))


def _by(points: list[Any], dimension: str) -> dict[str, dict[str, float]]:
    return {p.dimensions[dimension]: p.values for p in points}


def test_span_metrics_from_traced_functions(traced_experiment: str, client: MlflowClient) -> None:
    _traces(3)
    spans = MetricViewType.SPANS
    by_name = _query(client, traced_experiment, spans, "span_count", dimensions=["span_name"])
    assert _by(by_name, "span_name") == {
        "generate": {"COUNT": 3.0},
        "pipeline": {"COUNT": 3.0},
        "retrieve": {"COUNT": 3.0},
    }
    by_type = _query(client, traced_experiment, spans, "span_count", dimensions=["span_type"])
    assert _by(by_type, "span_type") == {
        "CHAIN": {"COUNT": 3.0},
        "LLM": {"COUNT": 3.0},
        "RETRIEVER": {"COUNT": 3.0},
    }
    (llm,) = _query(client, traced_experiment, spans, "span_count", filters=["span.type = 'LLM'"])
    assert llm.values == {"COUNT": 3.0}
    by_model = _query(
        client, traced_experiment, spans, "span_count", dimensions=["span_model_name"]
    )
    assert _by(by_model, "span_model_name") == {"tiny-model": {"COUNT": 3.0}}
    cost = _query(
        client,
        traced_experiment,
        spans,
        "total_cost",
        aggregations=[MetricAggregation(AggregationType.SUM)],
        dimensions=["span_model_name"],
    )
    assert _by(cost, "span_model_name") == {"tiny-model": {"SUM": 4.5}}
    spread = [
        MetricAggregation(AggregationType.MIN),
        MetricAggregation(AggregationType.PERCENTILE, 50.0),
        MetricAggregation(AggregationType.MAX),
    ]
    latency = _query(
        client, traced_experiment, spans, "latency", aggregations=spread, dimensions=["span_name"]
    )
    assert set(_by(latency, "span_name")) == {"generate", "pipeline", "retrieve"}
    for point in latency:
        assert point.values["MIN"] <= point.values["P50.0"] <= point.values["MAX"]

    with pytest.raises(MlflowException, match="SUM") as bad:
        _query(
            client,
            traced_experiment,
            spans,
            "span_count",
            aggregations=[MetricAggregation(AggregationType.SUM)],
        )
    assert bad.value.error_code == "INVALID_PARAMETER_VALUE"


def test_assessment_metrics_from_logged_feedback(
    traced_experiment: str, client: MlflowClient
) -> None:
    first, second, third = _traces(3)
    for trace_id, quality, helpful in (
        (first, 0.5, True),
        (second, 1.0, False),
        (third, 0.0, True),
    ):
        mlflow.log_feedback(trace_id=trace_id, name="quality", value=quality, source=HUMAN)
        mlflow.log_feedback(trace_id=trace_id, name="helpful", value=helpful, source=HUMAN)
    mlflow.log_expectation(trace_id=first, name="answer", value="42", source=HUMAN)
    # Overriding marks the old feedback invalid: only the new value counts.
    (old,) = [a for a in mlflow.get_trace(third).info.assessments if a.name == "quality"]
    mlflow.override_feedback(trace_id=third, assessment_id=old.assessment_id, value=0.25)

    view = MetricViewType.ASSESSMENTS
    by_name = _query(
        client, traced_experiment, view, "assessment_count", dimensions=["assessment_name"]
    )
    assert _by(by_name, "assessment_name") == {
        "answer": {"COUNT": 1.0},
        "helpful": {"COUNT": 3.0},
        "quality": {"COUNT": 3.0},
    }
    values = _query(
        client,
        traced_experiment,
        view,
        "assessment_value",
        aggregations=[
            MetricAggregation(AggregationType.AVG),
            MetricAggregation(AggregationType.PERCENTILE, 50.0),
        ],
        dimensions=["assessment_name"],
    )
    assert _by(values, "assessment_name") == {
        "helpful": {"AVG": pytest.approx(2 / 3), "P50.0": 1.0},
        "quality": {"AVG": pytest.approx(1.75 / 3), "P50.0": 0.5},
    }
    (expectations,) = _query(
        client,
        traced_experiment,
        view,
        "assessment_count",
        filters=["assessment.type = 'expectation'"],
    )
    assert expectations.values == {"COUNT": 1.0}

    with pytest.raises(MlflowException, match="span") as bad:
        _query(client, traced_experiment, view, "assessment_count", filters=["span.name = 'x'"])
    assert bad.value.error_code == "INVALID_PARAMETER_VALUE"
