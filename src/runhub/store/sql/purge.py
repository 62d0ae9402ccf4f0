"""Permanent deletion of runs, logged models, traces and experiments, children first.

Every child table is emptied explicitly in foreign-key order instead of relying on ``ON DELETE
CASCADE``: ``dataset_inputs.dataset_pk`` has no cascade (SQL Server refuses two cascade paths),
and explicit deletes behave the same whether or not a backend enforces foreign keys. Each
function deletes one bounded batch inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from runhub.store.evaluation_dataset_tables import evaluation_dataset_experiments
from runhub.store.registry_tables import (
    logged_model_metrics,
    logged_model_params,
    logged_model_tags,
    logged_models,
)
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
from runhub.store.trace_tables import (
    assessments,
    span_attributes,
    spans,
    trace_info,
    trace_metadata,
    trace_run_links,
    trace_tags,
)


def purge_runs(conn: Connection, run_pks: Sequence[int]) -> None:
    """Delete runs by surrogate key with every row that belongs to them."""
    if not run_pks:
        return
    run_ids = [r[0] for r in conn.execute(select(runs.c.run_id).where(runs.c.run_pk.in_(run_pks)))]
    inputs = select(dataset_inputs.c.input_pk).where(dataset_inputs.c.run_pk.in_(run_pks))
    conn.execute(delete(input_tags).where(input_tags.c.input_pk.in_(inputs)))
    conn.execute(delete(dataset_inputs).where(dataset_inputs.c.run_pk.in_(run_pks)))
    series = select(metric_series.c.series_pk).where(metric_series.c.run_pk.in_(run_pks))
    conn.execute(delete(metric_points).where(metric_points.c.series_pk.in_(series)))
    for table in (metric_series, params, tags, model_inputs, model_outputs):
        conn.execute(delete(table).where(table.c.run_pk.in_(run_pks)))
    if run_ids:
        conn.execute(delete(trace_run_links).where(trace_run_links.c.run_id.in_(run_ids)))
    conn.execute(delete(runs).where(runs.c.run_pk.in_(run_pks)))


def purge_logged_models(conn: Connection, model_ids: Sequence[str]) -> None:
    """Delete logged models with their tags, params, metrics and run links."""
    if not model_ids:
        return
    for table in (logged_model_tags, logged_model_params, logged_model_metrics):
        conn.execute(delete(table).where(table.c.model_id.in_(model_ids)))
    for table in (model_inputs, model_outputs):
        conn.execute(delete(table).where(table.c.model_id.in_(model_ids)))
    conn.execute(delete(logged_models).where(logged_models.c.model_id.in_(model_ids)))


def purge_traces(conn: Connection, trace_ids: Sequence[str]) -> None:
    """Delete traces with their spans, attributes, assessments, tags, metadata and links."""
    if not trace_ids:
        return
    for table in (
        assessments,
        span_attributes,
        spans,
        trace_run_links,
        trace_metadata,
        trace_tags,
    ):
        conn.execute(delete(table).where(table.c.trace_id.in_(trace_ids)))
    conn.execute(delete(trace_info).where(trace_info.c.trace_id.in_(trace_ids)))


def purge_experiment_shell(conn: Connection, experiment_id: int) -> None:
    """Delete an experiment whose runs, logged models and traces are already gone."""
    owned = select(datasets.c.dataset_pk).where(datasets.c.experiment_id == experiment_id)
    inputs = select(dataset_inputs.c.input_pk).where(dataset_inputs.c.dataset_pk.in_(owned))
    conn.execute(delete(input_tags).where(input_tags.c.input_pk.in_(inputs)))
    conn.execute(delete(dataset_inputs).where(dataset_inputs.c.dataset_pk.in_(owned)))
    conn.execute(delete(datasets).where(datasets.c.experiment_id == experiment_id))
    conn.execute(delete(experiment_tags).where(experiment_tags.c.experiment_id == experiment_id))
    # Evaluation datasets linked here lose the link and stay, as in MLflow.
    links = evaluation_dataset_experiments
    conn.execute(delete(links).where(links.c.experiment_id == experiment_id))
    conn.execute(delete(experiments).where(experiments.c.experiment_id == experiment_id))
