"""Aggregates computed in Python: percentiles (no portable SQL percentile exists on SQLite and
MariaDB) and every aggregate of values the database cannot read itself (numbers inside JSON)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from runhub.entities.trace_metrics import Aggregation


def percentile(ordered: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0..100) of sorted, non-empty ``ordered``, interpolating
    linearly between the closest ranks."""
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def aggregate(ordered: Sequence[float], aggregation: Aggregation) -> float:
    """One aggregate of sorted, non-empty ``ordered``."""
    kind = aggregation.kind
    if kind == "COUNT":
        return float(len(ordered))
    if kind == "SUM":
        return math.fsum(ordered)
    if kind == "AVG":
        return math.fsum(ordered) / len(ordered)
    if kind == "MIN":
        return ordered[0]
    if kind == "MAX":
        return ordered[-1]
    return percentile(ordered, aggregation.percentile or 0.0)


# Each group's dimensions and aggregates.
Groups = list[tuple[dict[str, str], dict[str, float]]]


def merge_counts(groups: Groups) -> Groups:
    """Add up the counts of groups whose dimensions read the same (stored values that differ
    only in spelling), in dimension order."""
    merged: dict[tuple[tuple[str, str], ...], dict[str, float]] = {}
    for dims, values in groups:
        key = tuple(dims.items())
        seen = merged.get(key)
        merged[key] = values if seen is None else {k: v + values[k] for k, v in seen.items()}
    ordered = sorted(merged, key=lambda key: tuple(v for _, v in key))
    return [(dict(key), merged[key]) for key in ordered]
