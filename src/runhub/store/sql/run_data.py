"""Writing run data: metrics (history + latest), params (write-once), tags (last write wins).

Every entry point validates the whole request first and then writes it in one transaction, so a
rejected request stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from runhub.entities import Metric, Param, RunTag
from runhub.errors import InvalidParameter, NotFound
from runhub.store.new_run import RUN_NAME_TAG
from runhub.store.run_data_checks import (
    CheckedPoint,
    check_batch,
    checked_params,
    checked_points,
    checked_tags,
)
from runhub.store.sql.db import Database
from runhub.store.sql.run_rows import RunRow, active_run_row
from runhub.store.sql.upsert import insert_ignore_rows, upsert
from runhub.store.tables import metric_points, metric_series, params, runs, tags

POINT_COLUMNS = ("series_pk", "step", "timestamp", "value", "is_nan")


class SqlRunDataStore:
    """Metrics, params and tags of runs."""

    def __init__(self, db: Database, truncate_long_values: bool = True) -> None:
        self.db = db
        self.truncate = truncate_long_values

    # -- entry points ------------------------------------------------------------------------
    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric],
        params_in: Sequence[Param],
        tags_in: Sequence[RunTag],
    ) -> None:
        check_batch(len(metrics), params_in, len(tags_in))
        points = checked_points(metrics)
        params_ok = checked_params(params_in, self.truncate)
        tags_ok = checked_tags(tags_in, self.truncate)

        def write(conn: Connection) -> None:
            row = active_run_row(conn, run_id)
            _write_params(conn, row, params_ok)
            _write_tags(conn, row, tags_ok)
            _write_points(conn, row, points)

        self.db.run_write(write)

    def log_metric(self, run_id: str, metric: Metric) -> None:
        self.log_batch(run_id, [metric], [], [])

    def log_param(self, run_id: str, param: Param) -> None:
        self.log_batch(run_id, [], [param], [])

    def set_tag(self, run_id: str, tag: RunTag) -> None:
        self.log_batch(run_id, [], [], [tag])

    def delete_tag(self, run_id: str, key: str) -> None:
        def write(conn: Connection) -> None:
            row = active_run_row(conn, run_id)
            result = conn.execute(
                delete(tags).where(tags.c.run_pk == row.run_pk, tags.c.key == key)
            )
            if result.rowcount == 0:
                raise NotFound(f"No tag with name: {key} in run with id {run_id}")

        self.db.run_write(write)


def _write_params(conn: Connection, row: RunRow, items: list[Param]) -> None:
    if not items:
        return
    existing = dict(
        conn.execute(
            select(params.c.key, params.c.value).where(
                params.c.run_pk == row.run_pk, params.c.key.in_([p.key for p in items])
            )
        ).all()
    )
    for p in items:
        old = existing.get(p.key)
        if old is not None and old != p.value:
            raise InvalidParameter(
                f"Changing param values is not allowed. Param with key='{p.key}' was already "
                f"logged with value='{old}' for run ID='{row.run_id}'. Attempted logging new "
                f"value '{p.value}'."
            )
    new = [
        {"run_pk": row.run_pk, "key": p.key, "value": p.value}
        for p in items
        if p.key not in existing
    ]
    if new:
        conn.execute(params.insert(), new)


def _write_tags(conn: Connection, row: RunRow, items: list[RunTag]) -> None:
    if not items:
        return
    last = {t.key: t.value for t in items}
    upsert(
        conn,
        tags,
        [{"run_pk": row.run_pk, "key": k, "value": v} for k, v in last.items()],
        ["run_pk", "key"],
        ["value"],
    )
    if RUN_NAME_TAG in last:
        conn.execute(
            update(runs).where(runs.c.run_pk == row.run_pk).values(name=last[RUN_NAME_TAG])
        )


def _write_points(conn: Connection, row: RunRow, points: list[CheckedPoint]) -> None:
    if not points:
        return
    latest: dict[str, CheckedPoint] = {}
    for p in points:
        cur = latest.get(p.key)
        if cur is None or p.rank > cur.rank:
            latest[p.key] = p
    ms = metric_series.c
    series = {
        key: (pk, CheckedPoint(key, value, is_nan, timestamp, step))
        for pk, key, value, is_nan, timestamp, step in conn.execute(
            select(ms.series_pk, ms.key, ms.value, ms.is_nan, ms.timestamp, ms.step).where(
                ms.run_pk == row.run_pk, ms.key.in_(list(latest))
            )
        )
    }
    missing = [p for k, p in latest.items() if k not in series]
    if missing:
        conn.execute(
            metric_series.insert(),
            [
                {
                    "run_pk": row.run_pk,
                    "experiment_id": row.experiment_id,
                    "key": p.key,
                    "step": p.step,
                    "timestamp": p.timestamp,
                    "value": p.value,
                    "is_nan": p.is_nan,
                }
                for p in missing
            ],
        )
        for pk, key in conn.execute(
            select(ms.series_pk, ms.key).where(
                ms.run_pk == row.run_pk, ms.key.in_([p.key for p in missing])
            )
        ):
            series[key] = (pk, latest[key])
    for key, p in latest.items():
        pk, current = series[key]
        if p is not current and p.rank > current.rank:
            conn.execute(
                update(metric_series)
                .where(ms.series_pk == pk)
                .values(step=p.step, timestamp=p.timestamp, value=p.value, is_nan=p.is_nan)
            )
    insert_ignore_rows(
        conn,
        metric_points,
        POINT_COLUMNS,
        [(series[p.key][0], p.step, p.timestamp, p.value, p.is_nan) for p in points],
    )
