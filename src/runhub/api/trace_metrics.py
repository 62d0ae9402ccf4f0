"""Trace dashboards: metric queries and filter correlation (mlflow-api.md §1.9)."""

from __future__ import annotations

from typing import Any

from runhub.api.encode import metric_value
from runhub.api.wire import Field
from runhub.entities.trace_metrics import Aggregation
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

VIEW_TYPES = {0: "TRACES", 1: "SPANS", 2: "ASSESSMENTS"}
AGGREGATION_TYPES = {0: "COUNT", 1: "SUM", 2: "AVG", 3: "PERCENTILE", 4: "MIN", 5: "MAX"}
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
    if msg["view_type"] != "TRACES":
        raise InvalidParameter(f"Metric view type {msg['view_type']} is not supported; use TRACES.")
    aggregations = []
    for agg in msg["aggregations"]:
        kind, percentile = agg["aggregation_type"], agg["percentile_value"]
        if kind == "PERCENTILE" and (percentile is None or not 0 <= percentile <= 100):
            raise InvalidParameter("A PERCENTILE aggregation needs a percentile_value in 0..100.")
        aggregations.append(Aggregation(kind, percentile if kind == "PERCENTILE" else None))
    points = stores.trace_metrics.query_metrics(
        msg["experiment_ids"],
        msg["metric_name"],
        aggregations,
        msg["dimensions"],
        msg["filters"],
        msg["time_interval_seconds"],
        msg["start_time_ms"],
        msg["end_time_ms"],
    )
    limit = min(msg["max_results"] or MAX_DATA_POINTS, MAX_DATA_POINTS)
    data = [
        {
            "metric_name": p.metric_name,
            "dimensions": p.dimensions,
            "values": {k: metric_value(v) for k, v in p.values.items()},
        }
        for p in points[:limit]
    ]
    return {"data_points": data} if data else {}
