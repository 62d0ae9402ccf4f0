"""Schema of the model registry and logged models (tables join ``tables.metadata``).

Design notes:
- Registered models and versions carry integer surrogate keys, so a rename touches one row and
  child rows (tags, aliases, versions) stay small.
- ``registered_models.last_version`` hands out version numbers: a deleted version's number is
  never given out again, and creating a version needs no MAX() scan.
- ``model_versions`` is indexed by (model, version) for get/alias, by (model, stage, version)
  for "latest version per stage", by (model | run, last update) for searches in their default
  order, and by logged-model id for lineage.
- A model version stores both the ``source`` the client sent and the ``storage_location`` it
  resolved to inside managed storage; downloads use the latter.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)

from runhub.store.tables import Double, Id, cs_string, long_text, metadata

logged_models = Table(
    "logged_models",
    metadata,
    Column("model_id", String(64), primary_key=True),
    Column(
        "experiment_id",
        Id,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", cs_string(500), nullable=False),
    Column("artifact_location", String(2048), nullable=False),
    Column("creation_timestamp_ms", BigInteger, nullable=False),
    Column("last_updated_timestamp_ms", BigInteger, nullable=False),
    Column("status", String(40), nullable=False),
    Column("lifecycle_stage", String(16), nullable=False),
    Column("model_type", cs_string(500), nullable=True),
    Column("source_run_id", String(32), nullable=True),
    Column("status_message", String(1000), nullable=True),
    Index(None, "experiment_id", "creation_timestamp_ms"),
    Index(None, "source_run_id"),
)

logged_model_tags = Table(
    "logged_model_tags",
    metadata,
    Column(
        "model_id",
        String(64),
        ForeignKey("logged_models.model_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("key", cs_string(250), nullable=False),
    Column("value", long_text(), nullable=False),
    PrimaryKeyConstraint("model_id", "key"),
)

logged_model_params = Table(
    "logged_model_params",
    metadata,
    Column(
        "model_id",
        String(64),
        ForeignKey("logged_models.model_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("key", cs_string(255), nullable=False),
    Column("value", long_text(), nullable=False),
    PrimaryKeyConstraint("model_id", "key"),
)

logged_model_metrics = Table(
    "logged_model_metrics",
    metadata,
    Column("metric_pk", Id, primary_key=True, autoincrement=True),
    Column(
        "model_id",
        String(64),
        ForeignKey("logged_models.model_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("key", cs_string(250), nullable=False),
    Column("value", Double, nullable=False),
    Column("is_nan", Boolean, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("run_id", String(32), nullable=True),
    Column("dataset_name", cs_string(500), nullable=True),
    Column("dataset_digest", cs_string(36), nullable=True),
    Index(None, "model_id", "key"),
)

registered_models = Table(
    "registered_models",
    metadata,
    Column("model_pk", Id, primary_key=True, autoincrement=True),
    Column("name", cs_string(256), nullable=False),
    Column("creation_time", BigInteger, nullable=False),
    Column("last_updated_time", BigInteger, nullable=False),
    Column("description", long_text(), nullable=True),
    Column("last_version", Integer, nullable=False),
    UniqueConstraint("name"),
    Index(None, "last_updated_time"),
)

registered_model_tags = Table(
    "registered_model_tags",
    metadata,
    Column(
        "model_pk",
        Id,
        ForeignKey("registered_models.model_pk", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("key", cs_string(250), nullable=False),
    Column("value", long_text(), nullable=False),
    PrimaryKeyConstraint("model_pk", "key"),
)

model_versions = Table(
    "model_versions",
    metadata,
    Column("version_pk", Id, primary_key=True, autoincrement=True),
    Column(
        "model_pk",
        Id,
        ForeignKey("registered_models.model_pk", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", Integer, nullable=False),
    Column("creation_time", BigInteger, nullable=False),
    Column("last_updated_time", BigInteger, nullable=False),
    Column("description", long_text(), nullable=True),
    Column("user_id", String(256), nullable=True),
    Column("current_stage", String(20), nullable=False),
    Column("source", String(2048), nullable=False),
    Column("storage_location", String(2048), nullable=False),
    Column("run_id", String(32), nullable=True),
    Column("run_link", String(2048), nullable=True),
    Column("model_id", String(64), nullable=True),
    Column("status", String(32), nullable=False),
    Column("status_message", String(500), nullable=True),
    UniqueConstraint("model_pk", "version"),
    Index(None, "model_pk", "current_stage", "version"),
    # The default search order is last_updated_time DESC: these let a search within one model,
    # one run or all versions walk an index and stop after a page instead of sorting them all.
    Index(None, "model_pk", "last_updated_time"),
    Index(None, "run_id", "last_updated_time"),
    Index(None, "last_updated_time"),
    Index(None, "model_id"),
)

model_version_tags = Table(
    "model_version_tags",
    metadata,
    Column(
        "version_pk",
        Id,
        ForeignKey("model_versions.version_pk", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("key", cs_string(250), nullable=False),
    Column("value", long_text(), nullable=False),
    PrimaryKeyConstraint("version_pk", "key"),
)

registered_model_aliases = Table(
    "registered_model_aliases",
    metadata,
    Column(
        "model_pk",
        Id,
        ForeignKey("registered_models.model_pk", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("alias", cs_string(256), nullable=False),
    # No cascade from versions: registered_models already cascades here, and SQL Server refuses
    # two cascade paths. Deleting a version deletes its aliases explicitly.
    Column("version_pk", Id, ForeignKey("model_versions.version_pk"), nullable=False),
    PrimaryKeyConstraint("model_pk", "alias"),
    Index(None, "version_pk"),
)
