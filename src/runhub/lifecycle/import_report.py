"""Counting each entity in the MLflow source and in runhub, for the import's final report."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, func, select
from sqlalchemy.sql.elements import ColumnElement

from runhub.lifecycle.mlflow_sql import MlflowSql
from runhub.store.registry_tables import (
    logged_model_params,
    logged_model_tags,
    logged_models,
    model_version_tags,
    model_versions,
    registered_model_aliases,
    registered_model_tags,
    registered_models,
)
from runhub.store.sql.db import Database
from runhub.store.tables import (
    dataset_inputs,
    datasets,
    experiment_tags,
    experiments,
    metric_points,
    params,
    runs,
    tags,
)
from runhub.store.trace_tables import assessments, spans, trace_info, trace_metadata, trace_tags

DELETED_VERSION_STAGE = "Deleted_Internal"


@dataclass(frozen=True)
class EntityCount:
    entity: str
    source: int
    destination: int

    @property
    def matches(self) -> bool:
        return self.destination >= self.source


def _dest_count(db: Database, table: Table, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table)
    for clause in where:
        query = query.where(clause)
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def count_entities(src: MlflowSql, db: Database) -> list[EntityCount]:
    """Per-entity counts; the destination may hold more (runhub's own data besides)."""
    versions_live = []
    if src.has("model_versions"):
        versions_live = [src.t("model_versions").c.current_stage != DELETED_VERSION_STAGE]
    inputs = []
    if src.has("inputs"):
        inputs = [src.t("inputs").c.source_type == "DATASET"]
    pairs: list[tuple[str, str, Table, list[ColumnElement[bool]]]] = [
        ("experiments", "experiments", experiments, []),
        ("experiment tags", "experiment_tags", experiment_tags, []),
        ("runs", "runs", runs, []),
        ("params", "params", params, []),
        ("run tags", "tags", tags, []),
        ("metric points", "metrics", metric_points, []),
        ("datasets", "datasets", datasets, []),
        ("dataset inputs", "inputs", dataset_inputs, inputs),
        ("logged models", "logged_models", logged_models, []),
        ("logged model params", "logged_model_params", logged_model_params, []),
        ("logged model tags", "logged_model_tags", logged_model_tags, []),
        ("registered models", "registered_models", registered_models, []),
        ("registered model tags", "registered_model_tags", registered_model_tags, []),
        ("model versions", "model_versions", model_versions, versions_live),
        ("model version tags", "model_version_tags", model_version_tags, []),
        ("aliases", "registered_model_aliases", registered_model_aliases, []),
        ("traces", "trace_info", trace_info, []),
        ("trace tags", "trace_tags", trace_tags, []),
        ("trace metadata", "trace_request_metadata", trace_metadata, []),
        ("spans", "spans", spans, []),
        ("assessments", "assessments", assessments, []),
    ]
    return [
        EntityCount(label, src.count(source, *where), _dest_count(db, dest))
        for label, source, dest, where in pairs
    ]
