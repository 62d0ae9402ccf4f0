"""``gc``: permanently remove deleted runs, logged models and experiments, rows and artifacts.

Work happens in small batches, each its own transaction, artifacts first and rows after: an
interrupted gc leaves every remaining item still marked deleted, so running it again finishes
the job. An experiment's row goes last, after its runs, logged models and traces.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from runhub.errors import InvalidParameter, NotFound
from runhub.lifecycle.artifact_cleanup import ArtifactCleaner
from runhub.store.registry_tables import logged_models
from runhub.store.sql.db import Database
from runhub.store.sql.purge import (
    purge_experiment_shell,
    purge_logged_models,
    purge_runs,
    purge_traces,
)
from runhub.store.tables import experiments, runs
from runhub.store.trace_tables import trace_info

DELETED = "deleted"
BATCH_SIZE = 200


@dataclass(frozen=True)
class GcPlan:
    """What one gc pass will remove."""

    run_ids: tuple[str, ...]
    logged_model_ids: tuple[str, ...]
    experiment_ids: tuple[int, ...]


@dataclass
class GcResult:
    runs: int = 0
    logged_models: int = 0
    experiments: int = 0
    traces: int = 0
    skipped_artifacts: list[str] = field(default_factory=list)


Progress = Callable[[str, int], None]


def plan_gc(
    db: Database,
    older_than_s: float | None = None,
    run_ids: Sequence[str] | None = None,
    logged_model_ids: Sequence[str] | None = None,
    experiment_ids: Sequence[int] | None = None,
) -> GcPlan:
    """Choose what to remove: the given ids (each must be deleted) or every deleted item.

    Raises NotFound for an unknown id and InvalidParameter for one that is not deleted.

    With ``older_than_s`` only items deleted at least that long ago are chosen. Runs and logged
    models of chosen experiments go with them whatever their state.
    """
    cutoff = None if older_than_s is None else int((time.time() - older_than_s) * 1000)
    with db.read() as conn:
        exps = _pick(
            conn,
            experiments.c.experiment_id,
            experiments,
            func.coalesce(experiments.c.deleted_time, experiments.c.last_update_time),
            experiments.c.lifecycle_stage,
            experiment_ids,
            cutoff,
            "Experiment",
        )
        run_list = _pick(
            conn,
            runs.c.run_id,
            runs,
            func.coalesce(runs.c.deleted_time, runs.c.start_time),
            runs.c.lifecycle_stage,
            run_ids,
            cutoff,
            "Run",
        )
        models = _pick(
            conn,
            logged_models.c.model_id,
            logged_models,
            logged_models.c.last_updated_timestamp_ms,
            logged_models.c.lifecycle_stage,
            logged_model_ids,
            cutoff,
            "Logged model",
        )
    return GcPlan(tuple(run_list), tuple(models), tuple(int(e) for e in exps))


def _pick(
    conn: Connection,
    id_col: ColumnElement[Any],
    table: Table,
    when: ColumnElement[Any],
    stage: ColumnElement[Any],
    wanted: Sequence[Any] | None,
    cutoff: int | None,
    kind: str,
) -> list[Any]:
    query = select(id_col, stage).select_from(table)
    if wanted is not None:
        found = {row[0]: row[1] for row in conn.execute(query.where(id_col.in_(list(wanted))))}
        for item in wanted:
            if item not in found:
                raise NotFound(f"{kind} '{item}' does not exist")
            if found[item] != DELETED:
                raise InvalidParameter(f"{kind} '{item}' is not in the deleted lifecycle stage")
        chosen = list(wanted)
    else:
        query = query.where(stage == DELETED)
        if cutoff is not None:
            query = query.where(or_(when.is_(None), when <= cutoff))
        chosen = [row[0] for row in conn.execute(query.order_by(id_col))]
    return sorted(set(chosen), key=str)


def run_gc(
    db: Database,
    plan: GcPlan,
    cleaner: ArtifactCleaner,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> GcResult:
    """Remove everything in ``plan``; ``progress(kind, count)`` is called after every batch."""
    result = GcResult()
    report = progress or (lambda _kind, _n: None)
    for start in range(0, len(plan.run_ids), batch_size):
        result.runs += _collect_runs(db, cleaner, _run_pks(db, plan.run_ids[start:][:batch_size]))
        report("runs", result.runs)
    for start in range(0, len(plan.logged_model_ids), batch_size):
        result.logged_models += _collect_models(
            db, cleaner, plan.logged_model_ids[start:][:batch_size]
        )
        report("logged models", result.logged_models)
    for experiment_id in plan.experiment_ids:
        _collect_experiment(db, cleaner, experiment_id, batch_size, result, report)
        result.experiments += 1
        report("experiments", result.experiments)
    result.skipped_artifacts = list(cleaner.skipped)
    return result


def _run_pks(db: Database, run_ids: Sequence[str]) -> list[int]:
    with db.read() as conn:
        return [
            int(r[0]) for r in conn.execute(select(runs.c.run_pk).where(runs.c.run_id.in_(run_ids)))
        ]


def _collect_runs(db: Database, cleaner: ArtifactCleaner, run_pks: Sequence[int]) -> int:
    if not run_pks:
        return 0
    with db.read() as conn:
        rows = conn.execute(
            select(runs.c.run_id, runs.c.artifact_uri).where(runs.c.run_pk.in_(run_pks))
        ).all()
    for run_id, artifact_uri in rows:
        cleaner.delete_owned_dir(artifact_uri, run_id)
    db.run_write(purge_runs, list(run_pks))
    return len(rows)


def _collect_models(db: Database, cleaner: ArtifactCleaner, model_ids: Sequence[str]) -> int:
    with db.read() as conn:
        rows = conn.execute(
            select(logged_models.c.model_id, logged_models.c.artifact_location).where(
                logged_models.c.model_id.in_(model_ids)
            )
        ).all()
    for model_id, location in rows:
        cleaner.delete_owned_dir(location, model_id)
    db.run_write(purge_logged_models, [r[0] for r in rows])
    return len(rows)


def _collect_experiment(
    db: Database,
    cleaner: ArtifactCleaner,
    experiment_id: int,
    batch_size: int,
    result: GcResult,
    report: Progress,
) -> None:
    while True:
        with db.read() as conn:
            run_pks = [
                int(i)
                for i in _batch(
                    conn, experiment_id, batch_size, runs.c.run_pk, runs.c.experiment_id
                )
            ]
            model_ids = [
                str(i)
                for i in _batch(
                    conn,
                    experiment_id,
                    batch_size,
                    logged_models.c.model_id,
                    logged_models.c.experiment_id,
                )
            ]
            trace_ids = [
                str(i)
                for i in _batch(
                    conn,
                    experiment_id,
                    batch_size,
                    trace_info.c.trace_id,
                    trace_info.c.experiment_id,
                )
            ]
        if not (run_pks or model_ids or trace_ids):
            break
        result.runs += _collect_runs(db, cleaner, run_pks)
        result.logged_models += _collect_models(db, cleaner, model_ids) if model_ids else 0
        db.run_write(purge_traces, trace_ids)
        result.traces += len(trace_ids)
        report("runs", result.runs)
    db.run_write(purge_experiment_shell, experiment_id)


def _batch(conn: Connection, experiment_id: int, size: int, column: Any, owner: Any) -> list[Any]:
    """Up to ``size`` values of ``column`` for the rows that belong to ``experiment_id``."""
    return [r[0] for r in conn.execute(select(column).where(owner == experiment_id).limit(size))]
