"""model registry and logged models

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Column types as they were at this revision (a migration never imports the live schema).
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
DOUBLE = (
    sa.Float(precision=53)
    .with_variant(mysql.DOUBLE(), "mariadb")
    .with_variant(mysql.DOUBLE(), "mysql")
)
LONG_TEXT = (
    sa.Text().with_variant(mysql.MEDIUMTEXT(), "mariadb").with_variant(mysql.MEDIUMTEXT(), "mysql")
)


def cs_string(length: int) -> sa.types.TypeEngine[str]:
    binary = mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=length)
    return (
        sa.String(length=length)
        .with_variant(binary, "mariadb")
        .with_variant(
            sa.VARCHAR(length=length, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
        )
        .with_variant(binary, "mysql")
    )


def _fk(
    table: str, column: str, target: str, target_column: str, *, cascade: bool = True
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.{target_column}"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE" if cascade else None,
    )


def _indexes(table: str, *columns: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for cols in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{'_'.join(cols)}"), cols, unique=False)


def upgrade() -> None:
    op.create_table(
        "registered_models",
        sa.Column("model_pk", ID, autoincrement=True, nullable=False),
        sa.Column("name", cs_string(256), nullable=False),
        sa.Column("creation_time", sa.BigInteger(), nullable=False),
        sa.Column("last_updated_time", sa.BigInteger(), nullable=False),
        sa.Column("description", LONG_TEXT, nullable=True),
        sa.Column("last_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("model_pk", name=op.f("pk_registered_models")),
        sa.UniqueConstraint("name", name=op.f("uq_registered_models_name")),
    )
    _indexes("registered_models", ["last_updated_time"])

    op.create_table(
        "logged_models",
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.Column("experiment_id", ID, nullable=False),
        sa.Column("name", cs_string(500), nullable=False),
        sa.Column("artifact_location", sa.String(length=2048), nullable=False),
        sa.Column("creation_timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_updated_timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("lifecycle_stage", sa.String(length=16), nullable=False),
        sa.Column("model_type", cs_string(500), nullable=True),
        sa.Column("source_run_id", sa.String(length=32), nullable=True),
        sa.Column("status_message", sa.String(length=1000), nullable=True),
        _fk("logged_models", "experiment_id", "experiments", "experiment_id"),
        sa.PrimaryKeyConstraint("model_id", name=op.f("pk_logged_models")),
    )
    _indexes("logged_models", ["experiment_id", "creation_timestamp_ms"], ["source_run_id"])

    op.create_table(
        "model_versions",
        sa.Column("version_pk", ID, autoincrement=True, nullable=False),
        sa.Column("model_pk", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("creation_time", sa.BigInteger(), nullable=False),
        sa.Column("last_updated_time", sa.BigInteger(), nullable=False),
        sa.Column("description", LONG_TEXT, nullable=True),
        sa.Column("user_id", sa.String(length=256), nullable=True),
        sa.Column("current_stage", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=2048), nullable=False),
        sa.Column("storage_location", sa.String(length=2048), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=True),
        sa.Column("run_link", sa.String(length=2048), nullable=True),
        sa.Column("model_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_message", sa.String(length=500), nullable=True),
        _fk("model_versions", "model_pk", "registered_models", "model_pk"),
        sa.PrimaryKeyConstraint("version_pk", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("model_pk", "version", name=op.f("uq_model_versions_model_pk_version")),
    )
    _indexes(
        "model_versions",
        ["last_updated_time"],
        ["model_id"],
        ["model_pk", "current_stage", "version"],
        ["model_pk", "last_updated_time"],
        ["run_id", "last_updated_time"],
    )

    op.create_table(
        "registered_model_tags",
        sa.Column("model_pk", ID, nullable=False),
        sa.Column("key", cs_string(250), nullable=False),
        sa.Column("value", LONG_TEXT, nullable=False),
        _fk("registered_model_tags", "model_pk", "registered_models", "model_pk"),
        sa.PrimaryKeyConstraint("model_pk", "key", name=op.f("pk_registered_model_tags")),
    )
    op.create_table(
        "logged_model_metrics",
        sa.Column("metric_pk", ID, autoincrement=True, nullable=False),
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.Column("key", cs_string(250), nullable=False),
        sa.Column("value", DOUBLE, nullable=False),
        sa.Column("is_nan", sa.Boolean(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=True),
        sa.Column("dataset_name", cs_string(500), nullable=True),
        sa.Column("dataset_digest", cs_string(36), nullable=True),
        _fk("logged_model_metrics", "model_id", "logged_models", "model_id"),
        sa.PrimaryKeyConstraint("metric_pk", name=op.f("pk_logged_model_metrics")),
    )
    _indexes("logged_model_metrics", ["model_id", "key"])
    for table, key_length in (("logged_model_params", 255), ("logged_model_tags", 250)):
        op.create_table(
            table,
            sa.Column("model_id", sa.String(length=64), nullable=False),
            sa.Column("key", cs_string(key_length), nullable=False),
            sa.Column("value", LONG_TEXT, nullable=False),
            _fk(table, "model_id", "logged_models", "model_id"),
            sa.PrimaryKeyConstraint("model_id", "key", name=op.f(f"pk_{table}")),
        )
    op.create_table(
        "model_version_tags",
        sa.Column("version_pk", ID, nullable=False),
        sa.Column("key", cs_string(250), nullable=False),
        sa.Column("value", LONG_TEXT, nullable=False),
        _fk("model_version_tags", "version_pk", "model_versions", "version_pk"),
        sa.PrimaryKeyConstraint("version_pk", "key", name=op.f("pk_model_version_tags")),
    )
    op.create_table(
        "registered_model_aliases",
        sa.Column("model_pk", ID, nullable=False),
        sa.Column("alias", cs_string(256), nullable=False),
        sa.Column("version_pk", ID, nullable=False),
        _fk("registered_model_aliases", "model_pk", "registered_models", "model_pk"),
        _fk(
            "registered_model_aliases", "version_pk", "model_versions", "version_pk", cascade=False
        ),
        sa.PrimaryKeyConstraint("model_pk", "alias", name=op.f("pk_registered_model_aliases")),
    )
    _indexes("registered_model_aliases", ["version_pk"])


def downgrade() -> None:
    for table in (
        "registered_model_aliases",
        "model_version_tags",
        "logged_model_tags",
        "logged_model_params",
        "logged_model_metrics",
        "registered_model_tags",
        "model_versions",
        "logged_models",
        "registered_models",
    ):
        op.drop_table(table)
