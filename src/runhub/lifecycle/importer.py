"""``import-mlflow``: copy an MLflow SQL database into runhub, skipping what is already there."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from runhub.errors import StartupError
from runhub.lifecycle.copy_artifacts import S3Options
from runhub.lifecycle.import_registry import import_logged_models, import_registered_models
from runhub.lifecycle.import_report import EntityCount, count_entities
from runhub.lifecycle.import_traces import import_traces
from runhub.lifecycle.import_tracking import (
    Progress,
    import_datasets,
    import_experiments,
    import_runs,
)
from runhub.lifecycle.mlflow_sql import MlflowSql
from runhub.lifecycle.mlruns import load_mlruns
from runhub.store.sql.db import Database


@dataclass
class ImportResult:
    copied: dict[str, int] = field(default_factory=dict)
    counts: list[EntityCount] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(c.matches for c in self.counts)


def import_mlflow_sql(
    src: MlflowSql, db: Database, progress: Progress, s3: S3Options | None = None
) -> ImportResult:
    """Copy everything from ``src`` that ``db`` lacks, in dependency order; then count both.
    ``s3`` reaches trace span artifacts on ``s3://``."""
    result = ImportResult()
    result.copied["experiments"] = import_experiments(src, db)
    dataset_pks = import_datasets(src, db)
    result.copied["runs"] = import_runs(src, db, dataset_pks, progress)
    result.copied["logged models"] = import_logged_models(src, db)
    result.copied["registered models"] = import_registered_models(src, db)
    result.copied["traces"] = import_traces(src, db, progress, s3)
    result.counts = count_entities(src, db)
    return result


def open_mlflow_source(source: str, scratch_dir: Path) -> MlflowSql:
    """The MLflow data at ``source``: a database URI, or an ``mlruns`` directory (a path or
    ``file:`` URI), which is first read into a scratch SQLite file in ``scratch_dir``."""
    parsed = urlparse(source)
    directory = Path(parsed.path) if parsed.scheme == "file" else Path(source)
    if parsed.scheme in ("", "file"):
        if not directory.is_dir():
            raise StartupError(
                f"{source!r} is neither an MLflow database URI (e.g. sqlite:///mlflow.db) nor "
                "an mlruns directory"
            )
        scratch = f"sqlite:///{scratch_dir / 'mlruns.db'}"
        load_mlruns(directory, scratch)
        return MlflowSql(scratch)
    return MlflowSql(source)
