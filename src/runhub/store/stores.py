"""The stores the API talks to, opened together for one backend database."""

from __future__ import annotations

from dataclasses import dataclass

from runhub.artifacts import ArtifactStore, open_artifact_store
from runhub.config import Settings
from runhub.store.protocols import (
    AssessmentStore,
    ExperimentStore,
    LineageStore,
    LoggedModelStore,
    MetricHistoryStore,
    ModelVersionStore,
    RegisteredModelStore,
    RunDataStore,
    RunStore,
    SpanStore,
    TraceMetricsStore,
    TraceStore,
)
from runhub.store.sql.assessments import SqlAssessmentStore
from runhub.store.sql.db import Database
from runhub.store.sql.experiments import SqlExperimentStore
from runhub.store.sql.lineage import SqlLineageStore
from runhub.store.sql.logged_models import SqlLoggedModelStore
from runhub.store.sql.metric_history import SqlMetricHistoryStore
from runhub.store.sql.model_versions import SqlModelVersionStore
from runhub.store.sql.registered_models import SqlRegisteredModelStore
from runhub.store.sql.run_data import SqlRunDataStore
from runhub.store.sql.runs import SqlRunStore
from runhub.store.sql.spans import SqlSpanStore
from runhub.store.sql.trace_metrics import SqlTraceMetricsStore
from runhub.store.sql.traces import SqlTraceStore
from runhub.webhooks.service import WebhookService


@dataclass(frozen=True)
class Stores:
    """Everything behind the API for one server process."""

    settings: Settings
    db: Database
    experiments: ExperimentStore
    runs: RunStore
    run_data: RunDataStore
    history: MetricHistoryStore
    lineage: LineageStore
    artifacts: ArtifactStore
    traces: TraceStore
    spans: SpanStore
    assessments: AssessmentStore
    trace_metrics: TraceMetricsStore
    logged_models: LoggedModelStore
    registered_models: RegisteredModelStore
    model_versions: ModelVersionStore
    webhooks: WebhookService

    def close(self) -> None:
        self.webhooks.close()
        self.db.dispose()


def open_stores(settings: Settings) -> Stores:
    """Stores on ``settings.backend_store_uri``; the schema must already be current."""
    pool = {
        k: v
        for k, v in (
            ("pool_size", settings.pool_size),
            ("max_overflow", settings.max_overflow),
            ("pool_recycle", settings.pool_recycle),
        )
        if v is not None
    }
    db = Database(settings.backend_store_uri, pool)
    truncate = settings.truncate_long_values
    registered_models = SqlRegisteredModelStore(db)
    return Stores(
        settings=settings,
        db=db,
        experiments=SqlExperimentStore(db, settings.artifact_root),
        runs=SqlRunStore(db, truncate),
        run_data=SqlRunDataStore(db, truncate),
        history=SqlMetricHistoryStore(db),
        lineage=SqlLineageStore(db),
        artifacts=open_artifact_store(
            settings.artifacts_destination, settings.s3_endpoint_url, settings.s3_ignore_tls
        ),
        traces=SqlTraceStore(db),
        spans=SqlSpanStore(db),
        assessments=SqlAssessmentStore(db),
        trace_metrics=SqlTraceMetricsStore(db),
        logged_models=SqlLoggedModelStore(db),
        registered_models=registered_models,
        model_versions=SqlModelVersionStore(db, settings.artifact_root),
        webhooks=WebhookService(settings, db, registered_models),
    )
