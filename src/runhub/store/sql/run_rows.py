"""Reading runs: resolving a run id, and assembling whole Run entities in a few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.engine import Connection

from runhub.entities import (
    Dataset,
    DatasetInput,
    InputTag,
    LifecycleStage,
    Metric,
    ModelInput,
    ModelOutput,
    Param,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunOutputs,
    RunTag,
)
from runhub.errors import InvalidParameter, NotFound
from runhub.store.sql.raw import fetch_all, marks
from runhub.store.tables import dataset_inputs, datasets, input_tags, runs

RunRow = Row[Any]
# IN-lists are chunked so that no backend hits its bound-parameter limit.
CHUNK = 500
NAN = float("nan")


def run_row(conn: Connection, run_id: str | None) -> RunRow:
    """The runs row of ``run_id``; 404 when there is none."""
    if not run_id:
        raise InvalidParameter("Missing value for required parameter 'run_id'.")
    row = conn.execute(select(runs).where(runs.c.run_id == run_id)).first()
    if row is None:
        raise NotFound(f"Run with id={run_id} not found")
    return row


def active_run_row(conn: Connection, run_id: str | None) -> RunRow:
    """Like :func:`run_row`, but refuses runs that are deleted."""
    row = run_row(conn, run_id)
    if row.lifecycle_stage != LifecycleStage.ACTIVE:
        raise InvalidParameter(
            f"The run {run_id} must be in the 'active' state. "
            f"Current state is {row.lifecycle_stage}."
        )
    return row


def run_info(row: RunRow) -> RunInfo:
    return RunInfo(
        run_id=row.run_id,
        experiment_id=str(row.experiment_id),
        run_name=row.name,
        user_id=row.user_id,
        status=row.status,
        start_time=row.start_time,
        end_time=row.end_time,
        artifact_uri=row.artifact_uri,
        lifecycle_stage=row.lifecycle_stage,
    )


def _chunks(values: Sequence[int]) -> list[Sequence[int]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def load_runs(conn: Connection, rows: Sequence[RunRow]) -> list[Run]:
    """Whole runs (latest metrics, params, tags, inputs, outputs) for ``rows``, in order."""
    if not rows:
        return []
    pks = [r.run_pk for r in rows]
    metric_map: dict[int, list[Metric]] = defaultdict(list)
    param_map: dict[int, list[Param]] = defaultdict(list)
    tag_map: dict[int, list[RunTag]] = defaultdict(list)
    inputs_map: dict[int, list[DatasetInput]] = defaultdict(list)
    model_in_map: dict[int, list[ModelInput]] = defaultdict(list)
    model_out_map: dict[int, list[ModelOutput]] = defaultdict(list)
    for chunk in _chunks(pks):
        # Plain driver rows: a search loads tens of thousands of these.
        in_list = marks(len(chunk))
        for pk, key, value, is_nan, timestamp, step in fetch_all(
            conn,
            'SELECT run_pk, "key", "value", is_nan, "timestamp", step FROM metric_series '
            f"WHERE run_pk IN ({in_list})",
            chunk,
        ):
            metric_map[pk].append(Metric(key, NAN if is_nan else value, timestamp, step))
        for pk, key, value in fetch_all(
            conn, f'SELECT run_pk, "key", "value" FROM params WHERE run_pk IN ({in_list})', chunk
        ):
            param_map[pk].append(Param(key, value))
        for pk, key, value in fetch_all(
            conn, f'SELECT run_pk, "key", "value" FROM tags WHERE run_pk IN ({in_list})', chunk
        ):
            tag_map[pk].append(RunTag(key, value))
        _load_inputs(conn, chunk, inputs_map)
        for pk, model_id in fetch_all(
            conn, f"SELECT run_pk, model_id FROM model_inputs WHERE run_pk IN ({in_list})", chunk
        ):
            model_in_map[pk].append(ModelInput(model_id))
        for pk, model_id, step in fetch_all(
            conn,
            f"SELECT run_pk, model_id, step FROM model_outputs WHERE run_pk IN ({in_list})",
            chunk,
        ):
            model_out_map[pk].append(ModelOutput(model_id, step))
    return [
        Run(
            info=run_info(r),
            data=RunData(
                metrics=tuple(metric_map[r.run_pk]),
                params=tuple(param_map[r.run_pk]),
                tags=tuple(tag_map[r.run_pk]),
            ),
            inputs=RunInputs(
                dataset_inputs=tuple(inputs_map[r.run_pk]),
                model_inputs=tuple(model_in_map[r.run_pk]),
            ),
            outputs=RunOutputs(model_outputs=tuple(model_out_map[r.run_pk])),
        )
        for r in rows
    ]


def _load_inputs(conn: Connection, pks: Sequence[int], out: dict[int, list[DatasetInput]]) -> None:
    di, d = dataset_inputs.c, datasets.c
    found = conn.execute(
        select(
            di.input_pk, di.run_pk, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
        )
        .join_from(dataset_inputs, datasets, di.dataset_pk == d.dataset_pk)
        .where(di.run_pk.in_(pks))
        .order_by(di.input_pk)
    ).all()
    if not found:
        return
    tag_map: dict[int, list[InputTag]] = defaultdict(list)
    for input_pk, key, value in conn.execute(
        select(input_tags.c.input_pk, input_tags.c.key, input_tags.c.value).where(
            input_tags.c.input_pk.in_([f.input_pk for f in found])
        )
    ):
        tag_map[input_pk].append(InputTag(key, value))
    for f in found:
        out[f.run_pk].append(
            DatasetInput(
                dataset=Dataset(f.name, f.digest, f.source_type, f.source, f.schema, f.profile),
                tags=tuple(tag_map[f.input_pk]),
            )
        )
