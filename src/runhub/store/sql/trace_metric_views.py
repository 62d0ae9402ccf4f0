"""What each trace metric view measures: its rows, metrics, dimensions and time axis.

- TRACES: one row per trace.
- SPANS: one row per span, joined to its trace (time ranges and trace filters use the trace's
  start time and fields; time buckets use the span's own start time). Model name, provider and
  cost come from the span attributes MLflow's tracing sets on LLM calls; cost metrics select
  time ranges by the span's start time too.
- ASSESSMENTS: one row per valid assessment (superseded ones are left out), joined to its trace
  (time ranges and buckets use the trace's start time).

Each metric lists the aggregations and dimensions it can be asked for; rows whose metric value
is NULL (an unfinished span, a text feedback) are left out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, literal, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from runhub.entities.trace import TRACE_NAME_TAG
from runhub.errors import InvalidParameter
from runhub.store.trace_tables import (
    assessments,
    span_attributes,
    spans,
    trace_info,
    trace_tags,
)

T, S, A = trace_info.c, spans.c, assessments.c
NANOS_PER_MS = 1_000_000
SPREAD = frozenset({"AVG", "MIN", "MAX", "PERCENTILE"})
SUMS = SPREAD | {"SUM"}
COUNT = frozenset({"COUNT"})
# Span attributes MLflow's tracing sets on LLM calls (values JSON-encoded, as for all of them).
MODEL_ATTRIBUTE = "mlflow.llm.model"
PROVIDER_ATTRIBUTE = "mlflow.llm.provider"
COST_ATTRIBUTE = "mlflow.llm.cost"  # {"input_cost", "output_cost", "total_cost"}


@dataclass(frozen=True)
class Metric:
    value: ColumnElement[Any]
    aggregations: frozenset[str]
    dimensions: tuple[str, ...]
    # For a value the databases cannot read alike (a number inside JSON text): how to read it,
    # and then every aggregate is computed from the values read.
    decode: Callable[[Any], float | None] | None = None
    # Time ranges select by the row's own time (the view's bucket time), not its trace's start.
    own_time: bool = False


@dataclass(frozen=True)
class MetricView:
    name: str
    rows: FromClause  # trace_info joined with the view's own rows
    metrics: Mapping[str, Metric]
    dimensions: Mapping[str, ColumnElement[Any]]
    bucket_time: ColumnElement[Any]  # what time buckets are cut from, in ``bucket_units``
    bucket_units: int = 1  # units of ``bucket_time`` per millisecond
    condition: ColumnElement[bool] = field(default_factory=true)
    # Dimension values shown differently from how they are stored (equal labels are merged).
    labels: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)

    def metric(self, name: str, aggregations: set[str], dimensions: list[str]) -> Metric:
        """The metric ``name``, once the aggregations and dimensions asked are known to apply
        to it; raises InvalidParameter naming what may be asked instead."""
        if name not in self.metrics:
            raise InvalidParameter(
                f"Unsupported metric '{name}' for the {self.name} view; use one of: "
                f"{', '.join(self.metrics)}."
            )
        metric = self.metrics[name]
        if not aggregations:
            raise InvalidParameter("At least one aggregation is required.")
        wrong = sorted(aggregations - metric.aggregations)
        if wrong:
            raise InvalidParameter(
                f"Aggregation(s) {', '.join(wrong)} do not apply to '{name}' in the {self.name} "
                f"view; use: {', '.join(sorted(metric.aggregations))}."
            )
        unknown = sorted(set(dimensions) - set(metric.dimensions))
        if unknown:
            allowed = ", ".join(metric.dimensions) or "none"
            raise InvalidParameter(
                f"Dimension(s) {', '.join(unknown)} do not apply to '{name}' in the "
                f"{self.name} view; use: {allowed} (or time_interval_seconds for time buckets)."
            )
        return metric


def assessment_value_label(value_json: str) -> str:
    """An assessment value as the JSON text MLflow clients see: numbers as doubles, spaced."""
    return json.dumps(_as_doubles(json.loads(value_json)))


def _as_doubles(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list):
        return [_as_doubles(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_doubles(v) for k, v in value.items()}
    return value


def json_string_label(text: str) -> str:
    """A span attribute as text: a JSON string decoded, anything else as it is."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, str) else text


def cost_decoder(field_name: str) -> Callable[[Any], float | None]:
    """Reads one finite number of a span's cost attribute (a JSON object), else None."""

    def decode(text: Any) -> float | None:
        try:
            cost = json.loads(text)
        except (TypeError, ValueError):
            return None
        number = cost.get(field_name) if isinstance(cost, dict) else None
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            return None
        return float(number) if math.isfinite(number) else None

    return decode


def _span_attribute(key: str) -> ColumnElement[Any]:
    attribute = span_attributes.c
    return (
        select(attribute.value)
        .where(
            attribute.trace_id == S.trace_id,
            attribute.span_id == S.span_id,
            attribute.key == key,
        )
        .scalar_subquery()
    )


def _trace_name() -> ColumnElement[Any]:
    return (
        select(trace_tags.c.value)
        .where(trace_tags.c.trace_id == T.trace_id, trace_tags.c.key == TRACE_NAME_TAG)
        .scalar_subquery()
    )


def _assessment_number() -> ColumnElement[Any]:
    """Numbers and booleans as themselves, "yes"/"no" text as 1/0, anything else NULL."""
    feedback_or_expectation = A.kind != "issue"
    text = func.lower(func.trim(A.value_text))
    return case(
        (and_(feedback_or_expectation, A.value_number.is_not(None)), A.value_number),
        (and_(feedback_or_expectation, text == "yes"), literal(1.0)),
        (and_(feedback_or_expectation, text == "no"), literal(0.0)),
        else_=None,
    )


TRACES = MetricView(
    name="TRACES",
    rows=trace_info,
    metrics={
        "trace_count": Metric(literal(1), COUNT, ("trace_name", "trace_status")),
        "latency": Metric(T.execution_duration, SPREAD, ("trace_name",)),
    },
    dimensions={"trace_name": _trace_name(), "trace_status": T.state},
    bucket_time=T.request_time,
)

MODELS = ("span_model_name", "span_model_provider")
SPANS = MetricView(
    name="SPANS",
    rows=trace_info.join(spans, S.trace_id == T.trace_id),
    metrics={
        "span_count": Metric(literal(1), COUNT, ("span_name", "span_type", "span_status", *MODELS)),
        # Whole milliseconds, rounded down, as MLflow reports span latency.
        "latency": Metric(
            (S.end_time_unix_nano - S.start_time_unix_nano) // NANOS_PER_MS,
            SPREAD,
            ("span_name", "span_status"),
        ),
        **{
            f"{part}_cost": Metric(
                _span_attribute(COST_ATTRIBUTE),
                SUMS,
                MODELS,
                decode=cost_decoder(f"{part}_cost"),
                own_time=True,
            )
            for part in ("input", "output", "total")
        },
    },
    dimensions={
        "span_name": S.name,
        "span_type": S.type,
        "span_status": S.status,
        "span_model_name": _span_attribute(MODEL_ATTRIBUTE),
        "span_model_provider": _span_attribute(PROVIDER_ATTRIBUTE),
    },
    bucket_time=S.start_time_unix_nano,
    bucket_units=NANOS_PER_MS,
    labels={name: json_string_label for name in MODELS},
)

ASSESSMENTS = MetricView(
    name="ASSESSMENTS",
    rows=trace_info.join(assessments, A.trace_id == T.trace_id),
    metrics={
        "assessment_count": Metric(literal(1), COUNT, ("assessment_name", "assessment_value")),
        "assessment_value": Metric(_assessment_number(), SPREAD, ("assessment_name",)),
    },
    dimensions={"assessment_name": A.name, "assessment_value": A.value_json},
    bucket_time=T.request_time,
    condition=A.valid == true(),
    labels={"assessment_value": assessment_value_label},
)

VIEWS = {view.name: view for view in (TRACES, SPANS, ASSESSMENTS)}
