"""Trace dashboard aggregates: what is asked (MetricQuery, Aggregation) and what comes back."""

from __future__ import annotations

from dataclasses import dataclass

METRIC_VIEWS = ("TRACES", "SPANS", "ASSESSMENTS")


@dataclass(frozen=True)
class Aggregation:
    kind: str  # COUNT | SUM | AVG | MIN | MAX | PERCENTILE
    percentile: float | None = None

    @property
    def label(self) -> str:
        if self.kind == "PERCENTILE":
            return f"P{self.percentile}"
        return self.kind


@dataclass(frozen=True)
class MetricQuery:
    """One metric of one view (a name of ``METRIC_VIEWS``) over traces of some experiments,
    grouped by ``dimensions`` and by time buckets of ``interval_seconds`` when given; the time
    range (trace start times, both ends included) and ``filters`` narrow the rows."""

    view: str
    experiment_ids: tuple[str, ...]
    metric_name: str
    aggregations: tuple[Aggregation, ...]
    dimensions: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    interval_seconds: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class DataPoint:
    metric_name: str
    dimensions: dict[str, str]
    values: dict[str, float]


@dataclass(frozen=True)
class Correlation:
    npmi: float
    npmi_smoothed: float
    filter1_count: int
    filter2_count: int
    joint_count: int
    total_count: int
