"""A logged model's searchable values, read once from the entity, and its grammar on them.

Mirrors ``logged_models.py``'s SQL: a metric comparison matches when any non-NaN point of the
key (on the requested datasets, if any) meets it; ordering by a metric uses its latest non-NaN
point (latest timestamp, then step, then the last logged), models without one sorting last;
``model_type`` and ``source_run_id`` may be missing and then match nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from runhub.entities.logged_model import DatasetFilter, LoggedModel
from runhub.search.ast import Comparison
from runhub.search.evaluate import number_matches, string_matches
from runhub.search.grammar import ValueKind
from runhub.search.logged_model_grammar import MODEL_ATTRIBUTES, ModelSortKey, filter_status
from runhub.search.memory_order import MemorySortTerm
from runhub.validation import clamp_metric_value


@dataclass(frozen=True)
class MetricPoint:
    value: float
    timestamp: int
    step: int
    dataset_name: str | None
    dataset_digest: str | None

    def on(self, datasets: Sequence[DatasetFilter]) -> bool:
        """Whether the point was logged on one of ``datasets`` (any point when none given)."""
        if not datasets:
            return True
        return any(
            self.dataset_name == d.name and (not d.digest or self.dataset_digest == d.digest)
            for d in datasets
        )


@dataclass(frozen=True)
class ModelValues:
    model: LoggedModel
    attributes: dict[str, str | int | None]
    params: dict[str, str]
    tags: dict[str, str]
    metrics: dict[str, list[MetricPoint]]  # non-NaN points per key, in logged order

    @classmethod
    def of(cls, model: LoggedModel) -> ModelValues:
        metrics: dict[str, list[MetricPoint]] = defaultdict(list)
        for m in model.metrics:
            if math.isnan(m.value):
                continue  # flagged in SQL: matches no comparison, never the latest value
            value, _ = clamp_metric_value(m.value)
            metrics[m.key].append(
                MetricPoint(value, m.timestamp, m.step, m.dataset_name, m.dataset_digest)
            )
        return cls(
            model=model,
            attributes={
                "name": model.name,
                "model_id": model.model_id,
                "model_type": model.model_type or None,
                "source_run_id": model.source_run_id or None,
                "status": model.status,
                "creation_timestamp": model.creation_timestamp_ms,
                "last_updated_timestamp": model.last_updated_timestamp_ms,
            },
            params={p.key: p.value for p in model.params},
            tags={t.key: t.value for t in model.tags},
            metrics=dict(metrics),
        )

    def on_datasets(self, datasets: Sequence[DatasetFilter]) -> bool:
        """Whether any metric point was logged on ``datasets``."""
        return any(p.on(datasets) for points in self.metrics.values() for p in points)

    def matches(self, comparison: Comparison, datasets: Sequence[DatasetFilter]) -> bool:
        """Whether this model meets one comparison of the logged-model grammar."""
        entity, key, op, value = comparison.entity, comparison.key, comparison.op, comparison.value
        if entity == "metric":
            return any(
                p.on(datasets) and number_matches(p.value, op, value)
                for p in self.metrics.get(key, ())
            )
        if entity in ("param", "tag"):
            found = self.params if entity == "param" else self.tags
            if op in ("IS NULL", "IS NOT NULL"):
                return (key in found) == (op == "IS NOT NULL")
            return string_matches(found.get(key), op, value)
        attribute = self.attributes[key]
        if MODEL_ATTRIBUTES[key].kind is ValueKind.NUMBER:
            return number_matches(None if attribute is None else int(attribute), op, value)
        if key == "status":
            value = filter_status(op, value)
        return string_matches(None if attribute is None else str(attribute), op, value)

    def latest(self, key: ModelSortKey) -> float | None:
        """The value a metric sort key orders by, or None when the model has no such point."""
        best: tuple[int, int, int, float] | None = None
        for index, p in enumerate(self.metrics.get(key.field, ())):
            if key.dataset_name and p.dataset_name != key.dataset_name:
                continue
            if key.dataset_digest and p.dataset_digest != key.dataset_digest:
                continue
            rank = (p.timestamp, p.step, index, p.value)
            if best is None or rank > best:
                best = rank
        return None if best is None else best[3]


def model_sort_terms(keys: Sequence[ModelSortKey]) -> list[MemorySortTerm[ModelValues]]:
    """The in-memory terms of ``keys`` (from ``logged_model_order``, tie-breakers included)."""
    return [_term(key) for key in keys]


def _term(key: ModelSortKey) -> MemorySortTerm[ModelValues]:
    if key.metric:
        return MemorySortTerm(lambda row: row.latest(key), key.ascending, key.kind, key.nullable)
    name = key.field
    return MemorySortTerm(lambda row: row.attributes[name], key.ascending, key.kind, key.nullable)
