"""Aggregates over traces, spans and assessments for dashboards: metric queries and filter
correlation, in SQL (what each view measures is in ``trace_metric_views``).

Counts, sums, averages, minima and maxima are GROUP BY aggregates; percentiles, and every
aggregate of a metric the database cannot read itself, are computed from the per-group values
(``metric_aggregates``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, false, func, select
from sqlalchemy.sql.elements import ColumnElement

from runhub.entities.trace_metrics import Aggregation, Correlation, DataPoint, MetricQuery
from runhub.errors import InvalidParameter
from runhub.store.sql.db import Database
from runhub.store.sql.metric_aggregates import Groups, aggregate, merge_counts
from runhub.store.sql.search.trace_metric_filter import metric_filter_condition
from runhub.store.sql.search.traces import trace_filter_condition
from runhub.store.sql.trace_metric_views import VIEWS, Metric, MetricView
from runhub.store.trace_tables import trace_info
from runhub.times import utc_datetime

T = trace_info.c
TIME_BUCKET = "time_bucket"
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def _scope(experiment_ids: Sequence[str]) -> ColumnElement[bool]:
    ids = [int(e) for e in experiment_ids if str(e).isdigit()]
    if not ids:
        raise InvalidParameter("At least one experiment id is required.")
    return T.experiment_id.in_(ids)


def npmi(joint: float, c1: float, c2: float, total: float) -> float:
    """Normalized pointwise mutual information of two events from counts (-1 .. 1)."""
    if total <= 0 or c1 <= 0 or c2 <= 0:
        return math.nan
    if joint <= 0:
        return -1.0
    p12, p1, p2 = joint / total, c1 / total, c2 / total
    if p12 >= 1.0:
        return 1.0
    return math.log(p12 / (p1 * p2)) / -math.log(p12)


class SqlTraceMetricsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def filter_correlation(
        self, experiment_ids: Sequence[str], filter1: str, filter2: str, base_filter: str
    ) -> Correlation:
        """How much more often traces match both filters than chance would have it."""
        where = and_(_scope(experiment_ids), trace_filter_condition(base_filter))
        f1, f2 = trace_filter_condition(filter1), trace_filter_condition(filter2)

        def count_if(condition: ColumnElement[bool]) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        query = select(func.count(), count_if(f1), count_if(f2), count_if(and_(f1, f2))).where(
            where
        )
        with self.db.read() as conn:
            total, c1, c2, joint = (int(v) for v in conn.execute(query).one())
        # Jeffreys prior: half a count in each cell of the 2x2 table.
        smoothed = npmi(joint + 0.5, c1 + 1.0, c2 + 1.0, total + 2.0)
        return Correlation(npmi(joint, c1, c2, total), smoothed, c1, c2, joint, total)

    def query_metrics(self, query: MetricQuery) -> list[DataPoint]:
        """Aggregates of one metric of one view, grouped by dimensions (and by time buckets),
        in dimension order. Raises InvalidParameter for a metric, aggregation, dimension or
        filter the view does not have."""
        view = VIEWS.get(query.view)
        if view is None:
            raise InvalidParameter(
                f"Unknown metric view '{query.view}'; use one of: {', '.join(VIEWS)}."
            )
        kinds = {a.kind for a in query.aggregations}
        metric = view.metric(query.metric_name, kinds, list(query.dimensions))
        conditions = [
            _scope(query.experiment_ids),
            view.condition,
            metric.value.is_not(None),
            *(metric_filter_condition(f, view.name) for f in query.filters),
        ]
        if metric.own_time:
            conditions += _time_range(view.bucket_time, view.bucket_units, query)
        else:
            conditions += _time_range(T.request_time, 1, query)
        groups: list[tuple[str, ColumnElement[Any]]] = []
        if query.interval_seconds is not None:
            if query.interval_seconds <= 0:
                raise InvalidParameter("'time_interval_seconds' must be a positive number.")
            width = query.interval_seconds * 1000 * view.bucket_units
            groups.append((TIME_BUCKET, view.bucket_time - view.bucket_time % width))
        for name in query.dimensions:
            expr = view.dimensions[name]
            groups.append((name, expr))
            conditions.append(expr.is_not(None))
        where = _Where(view, metric, groups, conditions)
        with self.db.read() as conn:
            if metric.decode is not None:
                rows = _decoded_aggregates(conn, where, query.aggregations)
            else:
                rows = _sql_aggregates(conn, where, query.aggregations)
        return [DataPoint(query.metric_name, dims, values) for dims, values in rows if values]


def _time_range(
    time: ColumnElement[Any], units: int, query: MetricQuery
) -> list[ColumnElement[bool]]:
    """Both ends included (all of the end millisecond), as MLflow does; bounds past what a
    BIGINT holds select everything or nothing rather than fail."""
    out = []
    if query.start_ms is not None:
        low = query.start_ms * units
        out.append(false() if low > BIGINT_MAX else time >= max(low, BIGINT_MIN))
    if query.end_ms is not None:
        high = (query.end_ms + 1) * units
        out.append(false() if high <= BIGINT_MIN else time < min(high, BIGINT_MAX))
    return out


@dataclass(frozen=True)
class _Where:
    """The rows a metric query reads and how they are grouped."""

    view: MetricView
    metric: Metric
    groups: list[tuple[str, ColumnElement[Any]]]
    conditions: list[ColumnElement[bool]]

    @property
    def exprs(self) -> list[ColumnElement[Any]]:
        return [expr for _, expr in self.groups]

    def select(self, *columns: ColumnElement[Any]) -> Select[Any]:
        return select(*self.exprs, *columns).select_from(self.view.rows).where(*self.conditions)

    def dimensions(self, key: Sequence[Any]) -> dict[str, str]:
        """The dimensions of a group as shown to clients."""
        return {
            label: _dimension(self.view, label, v)
            for (label, _), v in zip(self.groups, key, strict=True)
        }


def _sql_aggregates(conn: Any, where: _Where, aggregations: Sequence[Aggregation]) -> Groups:
    value = where.metric.value
    sql = {
        "COUNT": func.count(),
        "SUM": func.sum(value),
        "AVG": func.avg(value),
        "MIN": func.min(value),
        "MAX": func.max(value),
    }
    kinds = [k for k in sql if any(a.kind == k for a in aggregations)] or ["COUNT"]
    query = where.select(*(sql[k].label(k) for k in kinds))
    exprs = where.exprs
    if exprs:
        query = query.group_by(*exprs).order_by(*exprs)
    n = len(exprs)
    found = [
        (tuple(row[:n]), dict(zip(kinds, row[n:], strict=True))) for row in conn.execute(query)
    ]
    samples: dict[tuple[Any, ...], list[float]] = {}
    if any(a.kind == "PERCENTILE" for a in aggregations):
        ordered = where.select(value).order_by(*exprs, value)
        for row in conn.execute(ordered):
            samples.setdefault(tuple(row[:n]), []).append(float(row[n]))
    groups: Groups = []
    for key, sums in found:
        values: dict[str, float] = {}
        for agg in aggregations:
            if agg.kind == "PERCENTILE":
                if samples.get(key):
                    values[agg.label] = aggregate(samples[key], agg)
            elif sums[agg.kind] is not None:
                values[agg.label] = float(sums[agg.kind])
        groups.append((where.dimensions(key), values))
    # Only counting metrics have dimensions shown differently from how they are stored.
    if set(where.view.labels) & {label for label, _ in where.groups}:
        return merge_counts(groups)
    return groups


def _decoded_aggregates(conn: Any, where: _Where, aggregations: Sequence[Aggregation]) -> Groups:
    decode = where.metric.decode
    assert decode is not None
    n = len(where.groups)
    samples: dict[tuple[tuple[str, str], ...], list[float]] = {}
    for row in conn.execute(where.select(where.metric.value)):
        number = decode(row[n])
        if number is not None:
            key = tuple(where.dimensions(row[:n]).items())
            samples.setdefault(key, []).append(number)
    groups: Groups = []
    for key in sorted(samples, key=lambda k: tuple(v for _, v in k)):
        values = sorted(samples[key])
        groups.append((dict(key), {agg.label: aggregate(values, agg) for agg in aggregations}))
    return groups


def _dimension(view: MetricView, label: str, value: Any) -> str:
    if label == TIME_BUCKET:
        ms = int(value) // view.bucket_units
        return utc_datetime(ms).isoformat()
    shown = view.labels.get(label)
    return shown(value) if shown else str(value)
