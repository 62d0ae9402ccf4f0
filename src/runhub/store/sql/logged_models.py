"""Logged models (MLflow 3) on a SQL database: lifecycle, tags, params, metrics, search."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, select, update
from sqlalchemy.engine import Connection

from runhub.entities import LifecycleStage, Page
from runhub.entities.logged_model import (
    DatasetFilter,
    LoggedModel,
    LoggedModelOrder,
    LoggedModelStatus,
    ModelKeyValue,
    ModelMetric,
)
from runhub.errors import NotFound
from runhub.store.experiment_rules import parse_experiment_id
from runhub.store.logged_model_rules import (
    check_final_status,
    check_model_name,
    check_params,
    check_tags,
    inactive_experiment,
    model_tag_not_found,
    new_model_id,
)
from runhub.store.registry_tables import (
    logged_model_metrics,
    logged_model_params,
    logged_model_tags,
    logged_models,
)
from runhub.store.sql.db import Database
from runhub.store.sql.logged_model_rows import load_models, model_row
from runhub.store.sql.search.logged_models import build_logged_model_search
from runhub.store.sql.upsert import upsert
from runhub.store.tables import experiments, runs
from runhub.times import now_ms
from runhub.validation import clamp_metric_value, validate_key, validate_timestamp


class SqlLoggedModelStore:
    """Create, finalize, read, search and annotate logged models."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None,
        model_type: str | None,
        source_run_id: str | None,
        params_in: Sequence[ModelKeyValue],
        tags_in: Sequence[ModelKeyValue],
    ) -> LoggedModel:
        exp_id = parse_experiment_id(experiment_id)
        name = check_model_name(name)
        param_values = check_params(params_in)
        tag_values = check_tags(tags_in)
        model_id = new_model_id()

        def create(conn: Connection) -> LoggedModel:
            exp = conn.execute(
                select(experiments.c.artifact_location, experiments.c.lifecycle_stage).where(
                    experiments.c.experiment_id == exp_id
                )
            ).first()
            if exp is None:
                raise NotFound(f"No Experiment with id={experiment_id} exists")
            if exp.lifecycle_stage != LifecycleStage.ACTIVE:
                raise inactive_experiment(experiment_id)
            if source_run_id:
                found = conn.execute(
                    select(runs.c.experiment_id).where(runs.c.run_id == source_run_id)
                ).first()
                if found is None:
                    raise NotFound(f"Run with id={source_run_id} not found")
            now = now_ms()
            conn.execute(
                logged_models.insert().values(
                    model_id=model_id,
                    experiment_id=exp_id,
                    name=name,
                    artifact_location=f"{exp.artifact_location}/models/{model_id}/artifacts",
                    creation_timestamp_ms=now,
                    last_updated_timestamp_ms=now,
                    status=LoggedModelStatus.PENDING.value,
                    lifecycle_stage=LifecycleStage.ACTIVE,
                    model_type=model_type or None,
                    source_run_id=source_run_id or None,
                )
            )
            for table, values in (
                (logged_model_params, param_values),
                (logged_model_tags, tag_values),
            ):
                if values:
                    conn.execute(
                        table.insert(),
                        [{"model_id": model_id, "key": k, "value": v} for k, v in values.items()],
                    )
            return load_models(conn, [model_row(conn, model_id)])[0]

        model: LoggedModel = self.db.run_write(create)
        return model

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        with self.db.read() as conn:
            return load_models(conn, [model_row(conn, model_id, allow_deleted)])[0]

    def finalize_logged_model(self, model_id: str, status: str) -> LoggedModel:
        check_final_status(status)

        def change(conn: Connection) -> LoggedModel:
            model_row(conn, model_id)
            conn.execute(
                update(logged_models)
                .where(logged_models.c.model_id == model_id)
                .values(status=status, last_updated_timestamp_ms=now_ms())
            )
            return load_models(conn, [model_row(conn, model_id)])[0]

        model: LoggedModel = self.db.run_write(change)
        return model

    def delete_logged_model(self, model_id: str) -> None:
        def change(conn: Connection) -> None:
            model_row(conn, model_id)
            conn.execute(
                update(logged_models)
                .where(logged_models.c.model_id == model_id)
                .values(lifecycle_stage=LifecycleStage.DELETED, last_updated_timestamp_ms=now_ms())
            )

        self.db.run_write(change)

    def set_logged_model_tags(self, model_id: str, tags_in: Sequence[ModelKeyValue]) -> LoggedModel:
        values = check_tags(tags_in)

        def write(conn: Connection) -> LoggedModel:
            model_row(conn, model_id)
            _upsert_items(conn, logged_model_tags, model_id, values)
            return load_models(conn, [model_row(conn, model_id)])[0]

        model: LoggedModel = self.db.run_write(write)
        return model

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        def write(conn: Connection) -> None:
            model_row(conn, model_id)
            t = logged_model_tags.c
            result = conn.execute(
                delete(logged_model_tags).where(t.model_id == model_id, t.key == key)
            )
            if result.rowcount == 0:
                raise model_tag_not_found(model_id, key)

        self.db.run_write(write)

    def log_logged_model_params(self, model_id: str, params_in: Sequence[ModelKeyValue]) -> None:
        values = check_params(params_in)

        def write(conn: Connection) -> None:
            model_row(conn, model_id)
            _upsert_items(conn, logged_model_params, model_id, values)

        self.db.run_write(write)

    def log_model_metrics(self, model_id: str, metrics: Sequence[ModelMetric]) -> None:
        """Record metric points against a logged model (log-metric/log-batch with model_id)."""
        rows = []
        for m in metrics:
            validate_key(m.key, "Metric")
            validate_timestamp(m.timestamp)
            value, is_nan = clamp_metric_value(m.value)
            rows.append(
                {
                    "model_id": model_id,
                    "key": m.key,
                    "value": value,
                    "is_nan": is_nan,
                    "timestamp": m.timestamp,
                    "step": m.step,
                    "run_id": m.run_id,
                    "dataset_name": m.dataset_name or None,
                    "dataset_digest": m.dataset_digest or None,
                }
            )

        def write(conn: Connection) -> None:
            model_row(conn, model_id)
            if rows:
                conn.execute(logged_model_metrics.insert(), rows)

        self.db.run_write(write)

    def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        datasets: Sequence[DatasetFilter],
        order_by: Sequence[LoggedModelOrder],
        max_results: int,
        page_token: str | None,
    ) -> Page[LoggedModel]:
        ids = [int(e) for e in experiment_ids if str(e).isdigit()]
        query = build_logged_model_search(
            ids, filter_string, datasets, order_by, max_results, page_token
        )
        with self.db.read() as conn:
            rows, token = query.page(conn.execute(query.statement).all())
            wanted = [r.model_id for r in rows]
            full = (
                {
                    r.model_id: r
                    for r in conn.execute(
                        select(logged_models).where(logged_models.c.model_id.in_(wanted))
                    )
                }
                if wanted
                else {}
            )
            return Page(load_models(conn, [full[i] for i in wanted if i in full]), token)


def _upsert_items(conn: Connection, table: Table, model_id: str, values: dict[str, str]) -> None:
    upsert(
        conn,
        table,
        [{"model_id": model_id, "key": k, "value": v} for k, v in values.items()],
        ["model_id", "key"],
        ["value"],
    )
    conn.execute(
        update(logged_models)
        .where(logged_models.c.model_id == model_id)
        .values(last_updated_timestamp_ms=now_ms())
    )
