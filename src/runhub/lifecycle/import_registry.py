"""Copying MLflow logged models and the model registry into runhub.

A logged model (with its params, tags and metrics) and a registered model (with its tags,
versions, version tags and aliases) are each copied in one transaction; ones already present in
the destination are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from runhub.entities.logged_model import LoggedModelStatus
from runhub.lifecycle.mlflow_sql import MlflowSql, get
from runhub.store.registry_tables import (
    logged_model_metrics,
    logged_model_params,
    logged_model_tags,
    logged_models,
    model_version_tags,
    model_versions,
    registered_model_aliases,
    registered_model_tags,
    registered_models,
)
from runhub.store.sql.db import Database, inserted_id

# MLflow stores a logged model's status as its protobuf number (0..3), like runhub's wire form.
LOGGED_MODEL_STATUS = {n: s.value for n, s in enumerate(LoggedModelStatus)}
# MLflow keeps deleted versions as rows in this stage, so their numbers are never reused.
DELETED_VERSION_STAGE = "Deleted_Internal"


def _grouped(rows: list[Row[Any]], key: str) -> dict[Any, list[Row[Any]]]:
    groups: dict[Any, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        groups[row._mapping[key]].append(row)
    return groups


def import_logged_models(src: MlflowSql, db: Database) -> int:
    """Copy logged models missing from the destination; returns how many."""
    source = src.rows("logged_models")
    with db.read() as conn:
        have = {r[0] for r in conn.execute(select(logged_models.c.model_id))}
    missing = [m for m in source if m.model_id not in have]
    if not missing:
        return 0
    ids = [m.model_id for m in missing]
    params = src.rows_in("logged_model_params", "model_id", ids)
    tags = src.rows_in("logged_model_tags", "model_id", ids)
    metrics = src.rows_in("logged_model_metrics", "model_id", ids)

    def write(conn: Connection) -> None:
        conn.execute(
            logged_models.insert(),
            [
                {
                    "model_id": m.model_id,
                    "experiment_id": int(m.experiment_id),
                    "name": m.name,
                    "artifact_location": m.artifact_location or "",
                    "creation_timestamp_ms": m.creation_timestamp_ms or 0,
                    "last_updated_timestamp_ms": m.last_updated_timestamp_ms or 0,
                    "status": _logged_model_status(m.status),
                    "lifecycle_stage": m.lifecycle_stage or "active",
                    "model_type": get(m, "model_type"),
                    "source_run_id": get(m, "source_run_id"),
                    "status_message": get(m, "status_message"),
                }
                for m in missing
            ],
        )
        if params:
            conn.execute(
                logged_model_params.insert(),
                [
                    {"model_id": p.model_id, "key": p.param_key, "value": p.param_value}
                    for p in params
                ],
            )
        if tags:
            conn.execute(
                logged_model_tags.insert(),
                [{"model_id": t.model_id, "key": t.tag_key, "value": t.tag_value} for t in tags],
            )
        if metrics:
            conn.execute(
                logged_model_metrics.insert(),
                [
                    {
                        "model_id": m.model_id,
                        "key": m.metric_name,
                        "value": 0.0 if m.metric_value is None else m.metric_value,
                        "is_nan": m.metric_value is None,
                        "timestamp": m.metric_timestamp_ms,
                        "step": m.metric_step,
                        "run_id": get(m, "run_id"),
                        "dataset_name": get(m, "dataset_name"),
                        "dataset_digest": get(m, "dataset_digest"),
                    }
                    for m in metrics
                ],
            )

    db.run_write(write)
    return len(missing)


def _logged_model_status(value: Any) -> str:
    text = str(value if value is not None else 0)
    unspecified = LoggedModelStatus.UNSPECIFIED.value
    return LOGGED_MODEL_STATUS.get(int(text), unspecified) if text.isdigit() else unspecified


def import_registered_models(src: MlflowSql, db: Database) -> int:
    """Copy registered models missing from the destination; returns how many."""
    source = src.rows("registered_models")
    with db.read() as conn:
        have = {r[0] for r in conn.execute(select(registered_models.c.name))}
    missing = [m for m in source if m.name not in have]
    names = [m.name for m in missing]
    tags = _grouped(src.rows_in("registered_model_tags", "name", names), "name")
    versions = _grouped(src.rows_in("model_versions", "name", names), "name")
    version_tags = _grouped(src.rows_in("model_version_tags", "name", names), "name")
    aliases = _grouped(src.rows_in("registered_model_aliases", "name", names), "name")
    for model in missing:
        db.run_write(
            _write_registered_model,
            model,
            tags[model.name],
            versions[model.name],
            version_tags[model.name],
            aliases[model.name],
        )
    return len(missing)


def _write_registered_model(
    conn: Connection,
    model: Row[Any],
    tags: list[Row[Any]],
    versions: list[Row[Any]],
    version_tags: list[Row[Any]],
    aliases: list[Row[Any]],
) -> None:
    model_pk = inserted_id(
        conn.execute(
            registered_models.insert().values(
                name=model.name,
                creation_time=model.creation_time or 0,
                last_updated_time=model.last_updated_time or 0,
                description=get(model, "description"),
                last_version=max((int(v.version) for v in versions), default=0),
            )
        )
    )
    if tags:
        conn.execute(
            registered_model_tags.insert(),
            [{"model_pk": model_pk, "key": t.key, "value": t.value or ""} for t in tags],
        )
    version_pks: dict[int, int] = {}
    for v in versions:
        if v.current_stage == DELETED_VERSION_STAGE:
            continue
        version_pks[int(v.version)] = inserted_id(
            conn.execute(
                model_versions.insert().values(
                    model_pk=model_pk,
                    version=int(v.version),
                    creation_time=v.creation_time or 0,
                    last_updated_time=v.last_updated_time or 0,
                    description=get(v, "description"),
                    user_id=get(v, "user_id"),
                    current_stage=v.current_stage or "None",
                    source=v.source or "",
                    storage_location=get(v, "storage_location") or v.source or "",
                    run_id=get(v, "run_id") or None,
                    run_link=get(v, "run_link") or None,
                    status=get(v, "status") or "READY",
                    status_message=get(v, "status_message"),
                )
            )
        )
    rows = [
        {"version_pk": version_pks[int(t.version)], "key": t.key, "value": t.value or ""}
        for t in version_tags
        if int(t.version) in version_pks
    ]
    if rows:
        conn.execute(model_version_tags.insert(), rows)
    alias_rows = [
        {"model_pk": model_pk, "alias": a.alias, "version_pk": version_pks[int(a.version)]}
        for a in aliases
        if int(a.version) in version_pks
    ]
    if alias_rows:
        conn.execute(registered_model_aliases.insert(), alias_rows)
