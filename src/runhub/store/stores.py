"""The stores the API talks to, opened together for one backend database."""

from __future__ import annotations

from dataclasses import dataclass

from runhub.config import Settings
from runhub.store.protocols import (
    ExperimentStore,
    LineageStore,
    MetricHistoryStore,
    RunDataStore,
    RunStore,
)
from runhub.store.sql.db import Database
from runhub.store.sql.experiments import SqlExperimentStore
from runhub.store.sql.lineage import SqlLineageStore
from runhub.store.sql.metric_history import SqlMetricHistoryStore
from runhub.store.sql.run_data import SqlRunDataStore
from runhub.store.sql.runs import SqlRunStore


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

    def close(self) -> None:
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
    return Stores(
        settings=settings,
        db=db,
        experiments=SqlExperimentStore(db, settings.artifact_root),
        runs=SqlRunStore(db, truncate),
        run_data=SqlRunDataStore(db, truncate),
        history=SqlMetricHistoryStore(db),
        lineage=SqlLineageStore(db),
    )
