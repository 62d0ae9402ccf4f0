"""A run's searchable values, read once from the entity, and the run grammar on them.

Mirrors ``run_filter.py`` and ``run_order.py``: a metric is its latest value as the SQL store
keeps it (±inf clamped to ±max float, NaN flagged: NaN matches only ``!=`` and IS NOT NULL and
sorts with the missing values); a metric, param, tag or dataset comparison other than IS NULL
matches only runs that have the key; ``end_time`` may be missing and then matches nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runhub.entities import CONTEXT_TAG, Metric, Run
from runhub.search.ast import Comparison, OrderKey, Value
from runhub.search.evaluate import number_matches, string_matches
from runhub.search.grammar import ValueKind
from runhub.search.memory_order import MemorySortTerm
from runhub.search.run_grammar import RUN_ATTRIBUTES
from runhub.validation import clamp_metric_value


@dataclass(frozen=True)
class RunValues:
    run: Run
    attributes: dict[str, str | int | None]
    metrics: dict[str, float | None]  # None: the latest value is NaN
    params: dict[str, str]
    tags: dict[str, str]
    datasets: tuple[dict[str, str | None], ...]  # name, digest, context of each input

    @classmethod
    def of(cls, run: Run) -> RunValues:
        info = run.info
        attributes: dict[str, str | int | None] = {
            "run_id": info.run_id,
            "run_name": info.run_name,
            "status": info.status,
            "user_id": info.user_id,
            "artifact_uri": info.artifact_uri,
            "start_time": info.start_time,
            "end_time": info.end_time,
            "created": info.start_time,
        }
        datasets = tuple(
            {
                "name": item.dataset.name,
                "digest": item.dataset.digest,
                "context": {tag.key: tag.value for tag in item.tags}.get(CONTEXT_TAG),
            }
            for item in run.inputs.dataset_inputs
        )
        return cls(
            run=run,
            attributes=attributes,
            metrics=_latest_metrics(run.data.metrics),
            params={param.key: param.value for param in run.data.params},
            tags={tag.key: tag.value for tag in run.data.tags},
            datasets=datasets,
        )

    def matches(self, comparison: Comparison) -> bool:
        """Whether this run meets one comparison of the run grammar."""
        entity, key, op, value = comparison.entity, comparison.key, comparison.op, comparison.value
        if entity == "metric":
            return self._metric_matches(key, op, value)
        if entity in ("param", "tag"):
            found = self.params if entity == "param" else self.tags
            if op in ("IS NULL", "IS NOT NULL"):
                return (key in found) == (op == "IS NOT NULL")
            return string_matches(found.get(key), op, value)
        if entity == "dataset":
            return any(string_matches(item[key], op, value) for item in self.datasets)
        attribute = self.attributes[key]
        if attribute is None:  # end_time of a run that has not ended
            return False
        if RUN_ATTRIBUTES[key].kind is ValueKind.NUMBER:
            return number_matches(int(attribute), op, value)
        return string_matches(str(attribute), op, value)

    def _metric_matches(self, key: str, op: str, value: Value) -> bool:
        if op in ("IS NULL", "IS NOT NULL"):
            return (key in self.metrics) == (op == "IS NOT NULL")
        if key not in self.metrics:
            return False
        number = self.metrics[key]
        if number is None:  # NaN differs from every number and equals none
            return op == "!="
        return number_matches(number, op, value)


def run_sort_terms(keys: Sequence[OrderKey]) -> list[MemorySortTerm[RunValues]]:
    """The terms of ``keys`` plus the SQL search's tie-breakers (start_time DESC, run_id ASC)."""
    terms = [_term(key) for key in keys]
    columns = {
        "start_time" if key.key == "created" else key.key
        for key in keys
        if key.entity == "attribute"
    }
    if "start_time" not in columns:
        terms.append(_term(OrderKey("attribute", "start_time", False)))
    if "run_id" not in columns:
        terms.append(_term(OrderKey("attribute", "run_id")))
    return terms


def _term(key: OrderKey) -> MemorySortTerm[RunValues]:
    name = key.key
    if key.entity == "metric":
        return MemorySortTerm(
            lambda row: row.metrics.get(name), key.ascending, ValueKind.NUMBER, True
        )
    if key.entity == "param":
        return MemorySortTerm(
            lambda row: row.params.get(name), key.ascending, ValueKind.STRING, True
        )
    if key.entity == "tag":
        return MemorySortTerm(lambda row: row.tags.get(name), key.ascending, ValueKind.STRING, True)
    kind = RUN_ATTRIBUTES[name].kind
    return MemorySortTerm(
        lambda row: row.attributes[name], key.ascending, kind, nullable=name == "end_time"
    )


def _latest_metrics(metrics: Sequence[Metric]) -> dict[str, float | None]:
    """Per key, the value the SQL store keeps: highest step, latest timestamp, largest value."""
    latest: dict[str, tuple[int, int, bool, float]] = {}
    for metric in metrics:
        value, is_nan = clamp_metric_value(metric.value)
        rank = (metric.step, metric.timestamp, not is_nan, value)
        if metric.key not in latest or rank > latest[metric.key]:
            latest[metric.key] = rank
    return {key: rank[3] if rank[2] else None for key, rank in latest.items()}
