"""Trace dashboard aggregates: what is asked (Aggregation) and what comes back."""

from __future__ import annotations

from dataclasses import dataclass


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
