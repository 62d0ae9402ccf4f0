"""Reading logged models: resolving an id, and assembling whole entities in a few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.engine import Connection

from runhub.entities import LifecycleStage
from runhub.entities.logged_model import (
    LoggedModel,
    ModelKeyValue,
    ModelMetric,
    ModelRegistration,
)
from runhub.store.logged_model_rules import model_not_found
from runhub.store.registry_tables import (
    logged_model_metrics,
    logged_model_params,
    logged_model_tags,
    logged_models,
    model_versions,
    registered_models,
)

ModelRow = Row[Any]
CHUNK = 500


def model_row(conn: Connection, model_id: str, allow_deleted: bool = False) -> ModelRow:
    """The logged_models row of ``model_id``; 404 when there is none (or it is deleted)."""
    row = conn.execute(select(logged_models).where(logged_models.c.model_id == model_id)).first()
    if row is None or (not allow_deleted and row.lifecycle_stage != LifecycleStage.ACTIVE):
        raise model_not_found(model_id)
    return row


def load_models(conn: Connection, rows: Sequence[ModelRow]) -> list[LoggedModel]:
    """Whole logged models (tags, params, metrics, registrations) for ``rows``, in order."""
    tags: dict[str, list[ModelKeyValue]] = defaultdict(list)
    params: dict[str, list[ModelKeyValue]] = defaultdict(list)
    metrics: dict[str, list[ModelMetric]] = defaultdict(list)
    registrations: dict[str, list[ModelRegistration]] = defaultdict(list)
    ids = [r.model_id for r in rows]
    m, mv, rm = logged_model_metrics.c, model_versions.c, registered_models.c
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        for table, out in ((logged_model_tags, tags), (logged_model_params, params)):
            for model_id, key, value in conn.execute(
                select(table.c.model_id, table.c.key, table.c.value).where(
                    table.c.model_id.in_(chunk)
                )
            ):
                out[model_id].append(ModelKeyValue(key, value))
        for r in conn.execute(
            select(
                m.model_id,
                m.key,
                m.value,
                m.is_nan,
                m.timestamp,
                m.step,
                m.run_id,
                m.dataset_name,
                m.dataset_digest,
            )
            .where(m.model_id.in_(chunk))
            .order_by(m.metric_pk)
        ):
            value = float("nan") if r.is_nan else r.value
            metrics[r.model_id].append(
                ModelMetric(
                    r.key, value, r.timestamp, r.step, r.run_id, r.dataset_name, r.dataset_digest
                )
            )
        for model_id, name, version in conn.execute(
            select(mv.model_id, rm.name, mv.version)
            .join_from(model_versions, registered_models, rm.model_pk == mv.model_pk)
            .where(mv.model_id.in_(chunk))
            .order_by(rm.name, mv.version)
        ):
            registrations[model_id].append(ModelRegistration(name, version))
    return [
        LoggedModel(
            model_id=r.model_id,
            experiment_id=str(r.experiment_id),
            name=r.name,
            artifact_uri=r.artifact_location,
            creation_timestamp_ms=r.creation_timestamp_ms,
            last_updated_timestamp_ms=r.last_updated_timestamp_ms,
            status=r.status,
            model_type=r.model_type,
            source_run_id=r.source_run_id,
            status_message=r.status_message,
            tags=tuple(tags[r.model_id]),
            params=tuple(params[r.model_id]),
            metrics=tuple(metrics[r.model_id]),
            registrations=tuple(registrations[r.model_id]),
        )
        for r in rows
    ]
