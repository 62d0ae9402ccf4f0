"""runhub's SQL schema (tracking area).

Design notes, each a choice for speed or correctness:
- Runs carry a small integer surrogate key (``run_pk``) that every child table references, so
  metric history rows are a few dozen bytes instead of repeating a 32-character run id.
- A metric *series* is one row per (run, key) holding the latest value; its points live in
  ``metric_points`` clustered by (series, step, timestamp): reading a run never scans history,
  and reading a history is one range scan (WITHOUT ROWID on SQLite).
- ``metric_series`` repeats ``experiment_id`` so "filter on one metric, order by another" can walk
  an (experiment, key, value) index instead of sorting every run.
- Key and name columns compare case-sensitively on every backend (binary collation on MySQL).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mssql, mysql
from sqlalchemy.types import TypeEngine

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# Integer primary keys: BIGINT where the database has it, INTEGER on SQLite (where only
# "INTEGER PRIMARY KEY" becomes the rowid alias that autoincrements).
Id = BigInteger().with_variant(Integer(), "sqlite")
Double = Float(precision=53).with_variant(mysql.DOUBLE(asdecimal=False), "mysql", "mariadb")


def cs_string(length: int) -> TypeEngine[str]:
    """A VARCHAR that compares case-sensitively on every backend."""
    return (
        String(length)
        .with_variant(
            mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
        )
        .with_variant(mssql.VARCHAR(length, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql")
    )


def long_text() -> TypeEngine[str]:
    """Unbounded text (MEDIUMTEXT on MySQL so large dataset schemas fit)."""
    return Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


experiments = Table(
    "experiments",
    metadata,
    Column("experiment_id", Id, primary_key=True, autoincrement=True),
    Column("name", cs_string(500), nullable=False),
    Column("artifact_location", String(2048), nullable=False),
    Column("lifecycle_stage", String(16), nullable=False),
    Column("creation_time", BigInteger, nullable=False),
    Column("last_update_time", BigInteger, nullable=False),
    Column("deleted_time", BigInteger, nullable=True),
    UniqueConstraint("name"),
    Index(None, "lifecycle_stage", "creation_time"),
)

experiment_tags = Table(
    "experiment_tags",
    metadata,
    Column(
        "experiment_id",
        Id,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("key", cs_string(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("experiment_id", "key"),
)

runs = Table(
    "runs",
    metadata,
    Column("run_pk", Id, primary_key=True, autoincrement=True),
    Column("run_id", String(32), nullable=False),
    Column(
        "experiment_id",
        Id,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", cs_string(250), nullable=False),
    Column("user_id", cs_string(256), nullable=False),
    Column("status", String(16), nullable=False),
    Column("start_time", BigInteger, nullable=False),
    Column("end_time", BigInteger, nullable=True),
    Column("lifecycle_stage", String(16), nullable=False),
    Column("deleted_time", BigInteger, nullable=True),
    Column("artifact_uri", String(2048), nullable=False),
    UniqueConstraint("run_id"),
    Index(None, "experiment_id", "lifecycle_stage", "start_time"),
)

params = Table(
    "params",
    metadata,
    Column("run_pk", Id, ForeignKey("runs.run_pk", ondelete="CASCADE"), nullable=False),
    Column("key", cs_string(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("run_pk", "key"),
    sqlite_with_rowid=False,
)

tags = Table(
    "tags",
    metadata,
    Column("run_pk", Id, ForeignKey("runs.run_pk", ondelete="CASCADE"), nullable=False),
    Column("key", cs_string(250), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("run_pk", "key"),
    sqlite_with_rowid=False,
)

metric_series = Table(
    "metric_series",
    metadata,
    Column("series_pk", Id, primary_key=True, autoincrement=True),
    Column("run_pk", Id, ForeignKey("runs.run_pk", ondelete="CASCADE"), nullable=False),
    Column("experiment_id", Id, nullable=False),
    Column("key", cs_string(250), nullable=False),
    # The latest point: highest step, then latest timestamp, then largest value.
    Column("step", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("value", Double, nullable=False),
    Column("is_nan", Boolean, nullable=False),
    UniqueConstraint("run_pk", "key"),
    Index(None, "experiment_id", "key", "value"),
)

metric_points = Table(
    "metric_points",
    metadata,
    Column(
        "series_pk", Id, ForeignKey("metric_series.series_pk", ondelete="CASCADE"), nullable=False
    ),
    Column("step", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("value", Double, nullable=False),
    Column("is_nan", Boolean, nullable=False),
    PrimaryKeyConstraint("series_pk", "step", "timestamp", "value", "is_nan"),
    sqlite_with_rowid=False,
)

datasets = Table(
    "datasets",
    metadata,
    Column("dataset_pk", Id, primary_key=True, autoincrement=True),
    Column(
        "experiment_id",
        Id,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", cs_string(500), nullable=False),
    Column("digest", cs_string(36), nullable=False),
    Column("source_type", String(36), nullable=False),
    Column("source", long_text(), nullable=False),
    Column("schema", long_text(), nullable=True),
    Column("profile", long_text(), nullable=True),
    UniqueConstraint("experiment_id", "name", "digest"),
)

dataset_inputs = Table(
    "dataset_inputs",
    metadata,
    Column("input_pk", Id, primary_key=True, autoincrement=True),
    Column("run_pk", Id, ForeignKey("runs.run_pk", ondelete="CASCADE"), nullable=False),
    # No cascade here: experiments already reach this table through runs, and SQL Server refuses
    # two cascade paths between the same tables. Deleting a dataset removes its inputs first.
    Column("dataset_pk", Id, ForeignKey("datasets.dataset_pk"), nullable=False),
    # Copy of the input tag mlflow.data.context, for search on datasets.context.
    Column("context", cs_string(500), nullable=True),
    UniqueConstraint("run_pk", "dataset_pk"),
    Index(None, "dataset_pk"),
)

input_tags = Table(
    "input_tags",
    metadata,
    Column(
        "input_pk", Id, ForeignKey("dataset_inputs.input_pk", ondelete="CASCADE"), nullable=False
    ),
    Column("key", cs_string(255), nullable=False),
    Column("value", String(500), nullable=False),
    PrimaryKeyConstraint("input_pk", "key"),
)

model_inputs = Table(
    "model_inputs",
    metadata,
    Column("run_pk", Id, ForeignKey("runs.run_pk", ondelete="CASCADE"), nullable=False),
    Column("model_id", String(64), nullable=False),
    PrimaryKeyConstraint("run_pk", "model_id"),
)

model_outputs = Table(
    "model_outputs",
    metadata,
    Column("run_pk", Id, ForeignKey("runs.run_pk", ondelete="CASCADE"), nullable=False),
    Column("model_id", String(64), nullable=False),
    Column("step", BigInteger, nullable=False),
    PrimaryKeyConstraint("run_pk", "model_id"),
)
