"""Copying MLflow experiments and runs (params, tags, full metric histories, inputs) into runhub.

Ids are kept. A run is copied with all its rows in one transaction, so a run present in the
destination is complete and is skipped when the import runs again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Row

from runhub.entities import CONTEXT_TAG
from runhub.lifecycle.mlflow_sql import MlflowSql, get
from runhub.store.sql.db import Database
from runhub.store.tables import (
    dataset_inputs,
    datasets,
    experiment_tags,
    experiments,
    input_tags,
    metric_points,
    metric_series,
    model_inputs,
    model_outputs,
    params,
    runs,
    tags,
)

RUN_BATCH = 100
POINT_COLUMNS = ("series_pk", "step", "timestamp", "value", "is_nan")
RUN_NAME_TAG = "mlflow.runName"
Progress = Callable[[str, int], None]


class ImportConflict(Exception):
    """The destination holds something that clashes with the source (e.g. an experiment name)."""


def import_experiments(src: MlflowSql, db: Database) -> int:
    """Copy experiments missing from the destination with their tags; returns how many."""
    source = src.rows("experiments", order_by=src.t("experiments").c.experiment_id)
    with db.read() as conn:
        have = {
            int(r[0]): r[1]
            for r in conn.execute(select(experiments.c.experiment_id, experiments.c.name))
        }
    by_name = {name: exp_id for exp_id, name in have.items()}
    missing = [r for r in source if int(r.experiment_id) not in have]
    for r in missing:
        clash = by_name.get(r.name)
        if clash is not None:
            raise ImportConflict(
                f"experiment {r.name!r} (id {r.experiment_id}) exists in the destination with "
                f"id {clash}; rename or remove it there first"
            )
    if not missing:
        return 0
    tag_rows = src.rows_in("experiment_tags", "experiment_id", [r.experiment_id for r in missing])

    def write(conn: Connection) -> None:
        if conn.dialect.name in ("mysql", "mariadb"):
            # Inserting id 0 (MLflow's Default) must not allocate a new AUTO_INCREMENT id.
            conn.exec_driver_sql(
                "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')"
            )
        conn.execute(
            experiments.insert(),
            [
                {
                    "experiment_id": int(r.experiment_id),
                    "name": r.name,
                    "artifact_location": r.artifact_location or "",
                    "lifecycle_stage": r.lifecycle_stage or "active",
                    "creation_time": get(r, "creation_time") or 0,
                    "last_update_time": get(r, "last_update_time") or 0,
                    "deleted_time": (get(r, "last_update_time") or 0)
                    if r.lifecycle_stage == "deleted"
                    else None,
                }
                for r in missing
            ],
        )
        if tag_rows:
            conn.execute(
                experiment_tags.insert(),
                [
                    {"experiment_id": int(t.experiment_id), "key": t.key, "value": t.value or ""}
                    for t in tag_rows
                ],
            )
        if conn.dialect.name == "postgresql":
            # Explicit ids do not advance the sequence; new experiments must come after them.
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), "
                    "(SELECT COALESCE(MAX(experiment_id), 0) + 1 FROM experiments), false)"
                )
            )

    db.run_write(write)
    return len(missing)


def import_datasets(src: MlflowSql, db: Database) -> dict[str, int]:
    """Copy datasets (unique per experiment, name, digest); map MLflow's uuid to runhub's key."""
    rows = src.rows("datasets")
    d = datasets.c
    with db.read() as conn:
        existing = {
            (int(e), n, g): int(pk)
            for pk, e, n, g in conn.execute(select(d.dataset_pk, d.experiment_id, d.name, d.digest))
        }
    missing = [r for r in rows if (int(r.experiment_id), r.name, r.digest) not in existing]
    if missing:

        def write(conn: Connection) -> None:
            conn.execute(
                datasets.insert(),
                [
                    {
                        "experiment_id": int(r.experiment_id),
                        "name": r.name,
                        "digest": r.digest,
                        "source_type": r.dataset_source_type,
                        "source": r.dataset_source,
                        "schema": get(r, "dataset_schema"),
                        "profile": get(r, "dataset_profile"),
                    }
                    for r in missing
                ],
            )

        db.run_write(write)
        with db.read() as conn:
            existing = {
                (int(e), n, g): int(pk)
                for pk, e, n, g in conn.execute(
                    select(d.dataset_pk, d.experiment_id, d.name, d.digest)
                )
            }
    return {r.dataset_uuid: existing[(int(r.experiment_id), r.name, r.digest)] for r in rows}


def import_runs(
    src: MlflowSql, db: Database, dataset_pks: dict[str, int], progress: Progress
) -> int:
    """Copy runs missing from the destination, ``RUN_BATCH`` per transaction; returns how many."""
    run_ids = list(src.column_values("runs", "run_uuid"))
    copied = 0
    for start in range(0, len(run_ids), RUN_BATCH):
        batch = run_ids[start : start + RUN_BATCH]
        with db.read() as conn:
            present = {
                r[0] for r in conn.execute(select(runs.c.run_id).where(runs.c.run_id.in_(batch)))
            }
        todo = [r for r in batch if r not in present]
        if todo:
            _copy_runs(src, db, todo, dataset_pks)
            copied += len(todo)
        progress("runs", min(start + RUN_BATCH, len(run_ids)))
    return copied


def _copy_runs(
    src: MlflowSql, db: Database, run_ids: Sequence[str], dataset_pks: dict[str, int]
) -> None:
    run_rows = src.rows_in("runs", "run_uuid", run_ids)
    param_rows = src.rows_in("params", "run_uuid", run_ids)
    tag_rows = src.rows_in("tags", "run_uuid", run_ids)
    latest = src.rows_in("latest_metrics", "run_uuid", run_ids)
    points = src.rows_in("metrics", "run_uuid", run_ids)
    inputs = src.rows_in("inputs", "destination_id", run_ids) + [
        r for r in src.rows_in("inputs", "source_id", run_ids) if r.source_type != "DATASET"
    ]
    input_tag_rows = src.rows_in("input_tags", "input_uuid", [i.input_uuid for i in inputs])
    names = {t.run_uuid: t.value for t in tag_rows if t.key == RUN_NAME_TAG}

    def write(conn: Connection) -> None:
        conn.execute(
            runs.insert(),
            [
                {
                    "run_id": r.run_uuid,
                    "experiment_id": int(r.experiment_id),
                    "name": get(r, "name") or names.get(r.run_uuid) or "",
                    "user_id": r.user_id or "",
                    "status": r.status or "RUNNING",
                    "start_time": r.start_time or 0,
                    "end_time": r.end_time,
                    "lifecycle_stage": r.lifecycle_stage or "active",
                    "deleted_time": get(r, "deleted_time"),
                    "artifact_uri": r.artifact_uri or "",
                }
                for r in run_rows
            ],
        )
        pks = {
            rid: int(pk)
            for rid, pk in conn.execute(
                select(runs.c.run_id, runs.c.run_pk).where(runs.c.run_id.in_(list(run_ids)))
            )
        }
        exp_of = {r.run_uuid: int(r.experiment_id) for r in run_rows}
        _insert(
            conn,
            params,
            [{"run_pk": pks[p.run_uuid], "key": p.key, "value": p.value or ""} for p in param_rows],
        )
        _insert(
            conn,
            tags,
            [{"run_pk": pks[t.run_uuid], "key": t.key, "value": t.value or ""} for t in tag_rows],
        )
        _copy_metrics(conn, pks, exp_of, latest, points)
        _copy_inputs(conn, pks, inputs, input_tag_rows, dataset_pks)

    db.run_write(write)


def _insert(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def _copy_metrics(
    conn: Connection,
    pks: dict[str, int],
    exp_of: dict[str, int],
    latest: Sequence[Row[Any]],
    points: Sequence[Row[Any]],
) -> None:
    # The series' latest value is what MLflow itself recorded as latest; histories without a
    # latest row (schemas before latest_metrics) take runhub's rule.
    best: dict[tuple[str, str], tuple[int, int, bool, float]] = {
        (m.run_uuid, m.key): (m.step or 0, m.timestamp or 0, bool(m.is_nan), m.value)
        for m in latest
    }
    fallback: dict[tuple[str, str], tuple[int, int, bool, float]] = {}
    for p in points:
        ident = (p.run_uuid, p.key)
        if ident in best:
            continue
        point = (p.step or 0, p.timestamp or 0, bool(p.is_nan), p.value)
        old = fallback.get(ident)
        if old is None or _order(point) > _order(old):
            fallback[ident] = point
    best.update(fallback)
    _insert(
        conn,
        metric_series,
        [
            {
                "run_pk": pks[run_id],
                "experiment_id": exp_of[run_id],
                "key": key,
                "step": step,
                "timestamp": timestamp,
                "value": value,
                "is_nan": is_nan,
            }
            for (run_id, key), (step, timestamp, is_nan, value) in best.items()
        ],
    )
    series = {
        (run_pk, key): int(spk)
        for spk, run_pk, key in conn.execute(
            select(metric_series.c.series_pk, metric_series.c.run_pk, metric_series.c.key).where(
                metric_series.c.run_pk.in_(list(pks.values()))
            )
        )
    }
    seen: set[tuple[Any, ...]] = set()
    rows: list[dict[str, Any]] = []
    for p in points:
        spk = series[(pks[p.run_uuid], p.key)]
        point_id = (spk, p.step or 0, p.timestamp or 0, p.value, bool(p.is_nan))
        if point_id not in seen:
            seen.add(point_id)
            rows.append(dict(zip(POINT_COLUMNS, point_id, strict=True)))
    _insert(conn, metric_points, rows)


def _order(point: tuple[int, int, bool, float]) -> tuple[int, int, bool, float]:
    step, timestamp, is_nan, value = point
    return (step, timestamp, not is_nan, value)


def _copy_inputs(
    conn: Connection,
    pks: dict[str, int],
    inputs: Sequence[Row[Any]],
    input_tag_rows: Sequence[Row[Any]],
    dataset_pks: dict[str, int],
) -> None:
    tags_of: dict[str, list[Row[Any]]] = defaultdict(list)
    for t in input_tag_rows:
        tags_of[t.input_uuid].append(t)
    for i in inputs:
        if i.source_type == "DATASET" and i.destination_type == "RUN":
            dataset_pk = dataset_pks.get(i.source_id)
            if dataset_pk is None or i.destination_id not in pks:
                continue
            context = next((t.value for t in tags_of[i.input_uuid] if t.name == CONTEXT_TAG), None)
            result = conn.execute(
                dataset_inputs.insert().values(
                    run_pk=pks[i.destination_id], dataset_pk=dataset_pk, context=context
                )
            )
            input_pk = int(result.inserted_primary_key[0])  # type: ignore[index]
            _insert(
                conn,
                input_tags,
                [
                    {"input_pk": input_pk, "key": t.name, "value": t.value}
                    for t in tags_of[i.input_uuid]
                ],
            )
        elif i.source_type == "RUN_INPUT" and i.source_id in pks:
            _insert(
                conn, model_inputs, [{"run_pk": pks[i.source_id], "model_id": i.destination_id}]
            )
        elif i.source_type == "RUN_OUTPUT" and i.source_id in pks:
            _insert(
                conn,
                model_outputs,
                [
                    {
                        "run_pk": pks[i.source_id],
                        "model_id": i.destination_id,
                        "step": get(i, "step") or 0,
                    }
                ],
            )
