"""Trace dashboards: metric queries over the TRACES, SPANS and ASSESSMENTS views, and filter
correlation (mlflow-api.md §1.9)."""

from __future__ import annotations

from typing import Any

from runhub.api.encode import metric_value
from runhub.api.wire import Field
from runhub.entities.trace_metrics import Aggregation, DataPoint, MetricQuery
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

# Enum numbers as in MLflow's service.proto (MetricViewType, AggregationType).
VIEW_TYPES = {1: "TRACES", 2: "SPANS", 3: "ASSESSMENTS"}
AGGREGATION_TYPES = {1: "COUNT", 2: "SUM", 3: "AVG", 4: "PERCENTILE", 5: "MIN", 6: "MAX"}
DEFAULT_DATA_POINTS = 1000
MAX_DATA_POINTS = 10_000

CORRELATION = (
    Field("experiment_ids", repeated=True, required=True),
    Field("filter_string1", required=True),
    Field("filter_string2", required=True),
    Field("base_filter"),
)
QUERY = (
    Field("experiment_ids", repeated=True, required=True),
    Field("view_type", "enum", enum=VIEW_TYPES, default="TRACES"),
    Field("metric_name", required=True),
    Field(
        "aggregations",
        "msg",
        repeated=True,
        fields=(
            Field("aggregation_type", "enum", enum=AGGREGATION_TYPES, default="COUNT"),
            Field("percentile_value", "float"),
        ),
    ),
    Field("dimensions", repeated=True),
    Field("filters", repeated=True),
    Field("time_interval_seconds", "int"),
    Field("start_time_ms", "int"),
    Field("end_time_ms", "int"),
    Field("max_results", "int"),
    Field("page_token"),
)


def calculate_filter_correlation(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    result = stores.trace_metrics.filter_correlation(
        msg["experiment_ids"],
        msg["filter_string1"],
        msg["filter_string2"],
        msg["base_filter"] or "",
    )
    return {
        "npmi": metric_value(result.npmi),
        "npmi_smoothed": metric_value(result.npmi_smoothed),
        "filter1_count": result.filter1_count,
        "filter2_count": result.filter2_count,
        "joint_count": result.joint_count,
        "total_count": result.total_count,
    }


def query_trace_metrics(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    aggregations = []
    for agg in msg["aggregations"]:
        kind, percentile = agg["aggregation_type"], agg["percentile_value"]
        if kind == "PERCENTILE" and (percentile is None or not 0 <= percentile <= 100):
            raise InvalidParameter("A PERCENTILE aggregation needs a percentile_value in 0..100.")
        if kind != "PERCENTILE" and percentile is not None:
            raise InvalidParameter(
                f"percentile_value applies only to PERCENTILE aggregations, not {kind}."
            )
        aggregations.append(Aggregation(kind, percentile))
    max_results = msg["max_results"]
    if max_results is not None and max_results < 0:
        raise InvalidParameter("'max_results' must be a positive number (0 or unset: 1000).")
    query = MetricQuery(
        view=msg["view_type"],
        experiment_ids=tuple(msg["experiment_ids"]),
        metric_name=msg["metric_name"],
        aggregations=tuple(aggregations),
        dimensions=tuple(msg["dimensions"]),
        filters=tuple(msg["filters"]),
        interval_seconds=msg["time_interval_seconds"],
        start_ms=msg["start_time_ms"],
        end_ms=msg["end_time_ms"],
    )
    points = stores.trace_metrics.query_metrics(query)
    limit = min(max_results or DEFAULT_DATA_POINTS, MAX_DATA_POINTS)
    data = [_data_point(p) for p in points[:limit]]
    return {"data_points": data} if data else {}


def _data_point(point: DataPoint) -> dict[str, Any]:
    out: dict[str, Any] = {"metric_name": point.metric_name}
    if point.dimensions:  # an empty map is left out, as protobuf JSON does
        out["dimensions"] = point.dimensions
    out["values"] = {k: metric_value(v) for k, v in point.values.items()}
    return out
