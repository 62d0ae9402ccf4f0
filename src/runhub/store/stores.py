"""The stores the API talks to, opened together for one backend store.

A database URI opens the SQL stores; an ``mlruns`` directory (``file:`` URI or a path) opens
the file store, which has tracking and logged models: its trace, registry and webhook stores
answer every call with 501 and the database URI to use instead (evaluation datasets too).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runhub.artifacts import ArtifactStore, open_artifact_store
from runhub.artifacts.guard import NameLengthGuard
from runhub.config import Settings
from runhub.errors import StartupError
from runhub.store.file.experiments import FileExperimentStore
from runhub.store.file.files import require_yaml
from runhub.store.file.layout import MlrunsTree, file_store_root
from runhub.store.file.lineage import FileLineageStore
from runhub.store.file.logged_models import FileLoggedModelStore
from runhub.store.file.metric_history import FileMetricHistoryStore
from runhub.store.file.run_data import FileRunDataStore
from runhub.store.file.run_folders import RunFolderFiles
from runhub.store.file.runs import FileRunStore
from runhub.store.file.unsupported import refuse_database_only_settings, unsupported
from runhub.store.protocols import (
    AssessmentStore,
    EvaluationDatasetStore,
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
from runhub.store.sql.evaluation_datasets import SqlEvaluationDatasetStore
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
    db: Database | None  # None on a file store
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
    evaluation_datasets: EvaluationDatasetStore
    # File store only: its tree (for permanent deletion), and run artifacts kept in the tree,
    # read for the web UI.
    mlruns: MlrunsTree | None = None
    run_folders: ArtifactStore | None = None

    def close(self) -> None:
        self.webhooks.close()
        if self.db is not None:
            self.db.dispose()


def open_stores(settings: Settings) -> Stores:
    """Stores on ``settings.backend_store_uri``; a database's schema must already be current."""
    root = file_store_root(settings.backend_store_uri)
    if root is not None:
        return open_file_stores(settings, root)
    pool = {
        k: v
        for k, v in (
            ("pool_size", settings.pool_size),
            ("max_overflow", settings.max_overflow),
            ("pool_recycle", settings.pool_recycle),
        )
        if v is not None
    }
    db = Database(settings.backend_store_uri, pool, durable=settings.durable)
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
            settings.artifacts_destination,
            settings.s3_endpoint_url,
            settings.s3_ignore_tls,
            durable=settings.durable,
        ),
        traces=SqlTraceStore(db),
        spans=SqlSpanStore(db),
        assessments=SqlAssessmentStore(db),
        trace_metrics=SqlTraceMetricsStore(db),
        logged_models=SqlLoggedModelStore(db),
        registered_models=registered_models,
        model_versions=SqlModelVersionStore(db, settings.artifact_root),
        webhooks=WebhookService(settings, db, registered_models),
        evaluation_datasets=SqlEvaluationDatasetStore(db),
    )


def file_store_artifact_root(settings: Settings, root: Path) -> str:
    """Where new experiments' artifacts go: ``--default-artifact-root``, else the experiment's
    own folder in the mlruns tree (runs then keep theirs in ``<run>/artifacts``), as MLflow's
    file store does."""
    if settings.default_artifact_root:
        return settings.artifact_root
    return root.resolve().as_uri()


def _open_tree(settings: Settings, root: Path) -> tuple[MlrunsTree, FileExperimentStore]:
    refuse_database_only_settings(settings)
    require_yaml()
    looks_like_database = not root.exists() and root.suffix in (".db", ".sqlite", ".sqlite3")
    if looks_like_database or (root.exists() and not root.is_dir()):
        raise StartupError(
            f"the backend store {str(root)!r} is not an mlruns directory; "
            f"for a SQLite database use sqlite:///{root}"
        )
    tree = MlrunsTree(root.resolve())
    experiments = FileExperimentStore(tree, file_store_artifact_root(settings, root))
    try:
        experiments.ensure_default_experiment()
    except OSError as exc:
        raise StartupError(f"cannot use {str(root)!r} as the file store: {exc}") from None
    return tree, experiments


def prepare_file_store(settings: Settings, root: Path) -> None:
    """Check the options and create the mlruns tree with 'Default', before workers start."""
    _open_tree(settings, root)


def open_file_stores(settings: Settings, root: Path) -> Stores:
    """Tracking stores on the mlruns directory ``root`` (created with 'Default' if missing)."""
    tree, experiments = _open_tree(settings, root)
    truncate = settings.truncate_long_values
    return Stores(
        settings=settings,
        db=None,
        experiments=experiments,
        runs=FileRunStore(tree, truncate),
        run_data=FileRunDataStore(tree, truncate),
        history=FileMetricHistoryStore(tree),
        lineage=FileLineageStore(tree),
        artifacts=open_artifact_store(
            settings.artifacts_destination,
            settings.s3_endpoint_url,
            settings.s3_ignore_tls,
            durable=settings.durable,
        ),
        traces=unsupported("Traces"),
        spans=unsupported("Traces"),
        assessments=unsupported("Assessments"),
        trace_metrics=unsupported("Trace metrics"),
        logged_models=FileLoggedModelStore(tree),
        registered_models=unsupported("Registered models"),
        model_versions=unsupported("Model versions"),
        webhooks=unsupported("Webhooks"),
        evaluation_datasets=unsupported("Evaluation datasets"),
        mlruns=tree,
        run_folders=NameLengthGuard(RunFolderFiles(tree.root)),
    )
