"""Aggregates over traces for dashboards: metric queries and filter correlation, in SQL.

Counts, sums, averages, minima and maxima are GROUP BY aggregates; percentiles are read from
the per-group values the database returns already sorted (no portable SQL percentile exists
on SQLite and MariaDB).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from runhub.entities.trace import TRACE_NAME_TAG
from runhub.entities.trace_metrics import Aggregation, Correlation, DataPoint
from runhub.errors import InvalidParameter
from runhub.search.traces import trace_filter_condition
from runhub.store.sql.db import Database
from runhub.store.trace_tables import trace_info, trace_tags

T = trace_info.c
METRICS = ("trace_count", "latency")
DIMENSIONS = ("trace_name", "trace_status")
TIME_BUCKET = "time_bucket"


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

    def query_metrics(
        self,
        experiment_ids: Sequence[str],
        metric_name: str,
        aggregations: Sequence[Aggregation],
        dimensions: Sequence[str],
        filters: Sequence[str],
        interval_seconds: int | None,
        start_ms: int | None,
        end_ms: int | None,
    ) -> list[DataPoint]:
        """Aggregates of ``metric_name`` over traces, grouped by ``dimensions`` (and by time
        buckets of ``interval_seconds``)."""
        if metric_name not in METRICS:
            raise InvalidParameter(
                f"Unsupported trace metric '{metric_name}'; supported: {', '.join(METRICS)}."
            )
        unknown = [d for d in dimensions if d not in DIMENSIONS]
        if unknown:
            raise InvalidParameter(
                f"Unsupported dimension(s) {unknown}; supported: {', '.join(DIMENSIONS)}."
            )
        if not aggregations:
            raise InvalidParameter("At least one aggregation is required.")
        if metric_name == "trace_count" and any(a.kind != "COUNT" for a in aggregations):
            raise InvalidParameter("'trace_count' supports only the COUNT aggregation.")
        conditions = [_scope(experiment_ids), *(trace_filter_condition(f) for f in filters)]
        if start_ms is not None:
            conditions.append(T.request_time >= start_ms)
        if end_ms is not None:
            conditions.append(T.request_time < end_ms)
        value = T.execution_duration if metric_name == "latency" else literal(1)
        if metric_name == "latency":
            conditions.append(T.execution_duration.is_not(None))
        groups: list[tuple[str, ColumnElement[Any]]] = []
        if interval_seconds:
            if interval_seconds <= 0:
                raise InvalidParameter("'time_interval_seconds' must be positive.")
            width = interval_seconds * 1000
            groups.append((TIME_BUCKET, T.request_time - T.request_time % width))
        name = (
            select(trace_tags.c.value)
            .where(trace_tags.c.trace_id == T.trace_id, trace_tags.c.key == TRACE_NAME_TAG)
            .scalar_subquery()
        )
        for d in dimensions:
            groups.append((d, name if d == "trace_name" else T.state))
        sql_aggs = {
            "COUNT": func.count(),
            "SUM": func.sum(value),
            "AVG": func.avg(value),
            "MIN": func.min(value),
            "MAX": func.max(value),
        }
        columns = [expr.label(label) for label, expr in groups]
        columns += [sql_aggs[k].label(k) for k in sql_aggs]
        query = select(*columns).where(*conditions)
        if groups:
            query = query.group_by(*(expr for _, expr in groups)).order_by(
                *(expr for _, expr in groups)
            )
        percentiles = [a for a in aggregations if a.kind == "PERCENTILE"]
        with self.db.read() as conn:
            rows = conn.execute(query).all()
            samples = _samples(conn, groups, value, conditions) if percentiles else {}
        points = []
        for row in rows:
            if row.COUNT == 0:
                continue
            dims = {label: _dimension(label, row._mapping[label]) for label, _ in groups}
            if any(v is None for v in dims.values()):
                continue
            key = tuple(row._mapping[label] for label, _ in groups)
            values: dict[str, float] = {}
            for agg in aggregations:
                if agg.kind == "PERCENTILE":
                    values[agg.label] = _percentile(samples.get(key, []), agg.percentile or 0.0)
                elif row._mapping[agg.kind] is not None:
                    values[agg.label] = float(row._mapping[agg.kind])
            points.append(DataPoint(metric_name, {k: str(v) for k, v in dims.items()}, values))
        return points


def _samples(
    conn: Any,
    groups: list[tuple[str, ColumnElement[Any]]],
    value: ColumnElement[Any],
    conditions: list[ColumnElement[bool]],
) -> dict[tuple[Any, ...], list[float]]:
    exprs = [expr for _, expr in groups]
    query = select(*exprs, value).where(*conditions).order_by(*exprs, value)
    out: dict[tuple[Any, ...], list[float]] = {}
    for row in conn.execute(query):
        out.setdefault(tuple(row[:-1]), []).append(float(row[-1]))
    return out


def _percentile(values: list[float], p: float) -> float:
    """Linear interpolation between the closest ranks of sorted ``values``."""
    if not values:
        return math.nan
    rank = (len(values) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def _dimension(label: str, value: Any) -> Any:
    if label == TIME_BUCKET and value is not None:
        moment = dt.datetime.fromtimestamp(int(value) / 1000.0, tz=dt.timezone.utc)
        return moment.isoformat()
    return value
