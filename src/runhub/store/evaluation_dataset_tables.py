"""Schema of GenAI evaluation datasets (tables join ``tables.metadata``).

- A dataset has a small surrogate key (``dataset_pk``) its records, tags and links reference.
- Each record is one row. ``inputs_digest`` (SHA-256 of the canonical inputs JSON) is unique per
  dataset: an upsert finds the records it updates with one indexed lookup per batch, and two
  records with the same inputs cannot exist even under concurrent writers.
- Records are paged in insertion order by ``(dataset_pk, record_pk)``: a keyset page never
  scans earlier records, so a dataset of millions pages at the cost of one page.
- ``record_count`` is kept on the dataset row, so the profile never counts records.
- A dataset belongs to experiments through ``evaluation_dataset_experiments``; purging an
  experiment removes its links (the datasets stay, as in MLflow).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from runhub.store.tables import Id, cs_string, long_text, metadata

evaluation_datasets = Table(
    "evaluation_datasets",
    metadata,
    Column("dataset_pk", Id, primary_key=True, autoincrement=True),
    Column("dataset_id", String(36), nullable=False),
    Column("name", cs_string(500), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("schema", long_text(), nullable=True),
    Column("record_count", Integer, nullable=False),
    Column("created_time", BigInteger, nullable=False),
    Column("last_update_time", BigInteger, nullable=False),
    Column("created_by", cs_string(255), nullable=True),
    Column("last_updated_by", cs_string(255), nullable=True),
    UniqueConstraint("dataset_id"),
    Index(None, "created_time", "dataset_pk"),
    Index(None, "name"),
)


def _dataset_fk() -> Column[Any]:
    return Column(
        "dataset_pk",
        Id,
        ForeignKey("evaluation_datasets.dataset_pk", ondelete="CASCADE"),
        nullable=False,
    )


evaluation_dataset_tags = Table(
    "evaluation_dataset_tags",
    metadata,
    _dataset_fk(),
    Column("key", cs_string(255), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("dataset_pk", "key"),
)

evaluation_dataset_experiments = Table(
    "evaluation_dataset_experiments",
    metadata,
    _dataset_fk(),
    Column(
        "experiment_id",
        Id,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        nullable=False,
    ),
    PrimaryKeyConstraint("dataset_pk", "experiment_id"),
    Index(None, "experiment_id"),
)

evaluation_dataset_records = Table(
    "evaluation_dataset_records",
    metadata,
    Column("record_pk", Id, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False),
    _dataset_fk(),
    Column("inputs_digest", String(64), nullable=False),
    Column("inputs", long_text(), nullable=False),
    Column("outputs", long_text(), nullable=True),
    Column("expectations", long_text(), nullable=True),
    Column("tags", long_text(), nullable=True),
    Column("source", long_text(), nullable=True),
    Column("source_type", String(32), nullable=True),
    Column("source_id", String(255), nullable=True),
    Column("created_time", BigInteger, nullable=False),
    Column("last_update_time", BigInteger, nullable=False),
    Column("created_by", cs_string(255), nullable=True),
    Column("last_updated_by", cs_string(255), nullable=True),
    UniqueConstraint("record_id"),
    UniqueConstraint("dataset_pk", "inputs_digest"),
    Index(None, "dataset_pk", "record_pk"),
)
