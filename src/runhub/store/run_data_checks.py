"""What every backend checks of logged run data before it writes any of it: a rejected
request stores nothing, and both stores accept and refuse the same requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runhub.entities import Metric, Param, RunTag
from runhub.validation import (
    MAX_PARAM_VAL_LENGTH,
    MAX_TAG_VAL_LENGTH,
    clamp_metric_value,
    fit_value,
    reject_duplicate_keys,
    validate_batch_sizes,
    validate_key,
    validate_timestamp,
)


@dataclass(frozen=True)
class CheckedPoint:
    key: str
    value: float  # clamped to the finite range; 0.0 when ``is_nan``
    is_nan: bool
    timestamp: int
    step: int

    @property
    def rank(self) -> tuple[int, int, bool, float]:
        """Latest-value order: highest step, then latest timestamp, then largest value."""
        return (self.step, self.timestamp, not self.is_nan, self.value)


def check_batch(metrics: int, params: Sequence[Param], tags: int) -> None:
    """Batch limits and no parameter key twice in one request."""
    validate_batch_sizes(metrics, len(params), tags)
    reject_duplicate_keys([p.key for p in params], "parameter")


def checked_points(metrics: Sequence[Metric]) -> list[CheckedPoint]:
    points = []
    for m in metrics:
        validate_key(m.key, "Metric")
        validate_timestamp(m.timestamp)
        value, is_nan = clamp_metric_value(m.value)
        points.append(CheckedPoint(m.key, value, is_nan, m.timestamp, m.step))
    return points


def checked_params(items: Sequence[Param], truncate: bool) -> list[Param]:
    out = []
    for p in items:
        validate_key(p.key, "Param")
        out.append(Param(p.key, fit_value(p.value, MAX_PARAM_VAL_LENGTH, "Param value", truncate)))
    return out


def checked_tags(items: Sequence[RunTag], truncate: bool) -> list[RunTag]:
    out = []
    for t in items:
        validate_key(t.key, "Tag")
        out.append(RunTag(t.key, fit_value(t.value, MAX_TAG_VAL_LENGTH, "Tag value", truncate)))
    return out
