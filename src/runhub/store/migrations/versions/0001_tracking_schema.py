"""tracking schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 08:54:08.111471
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "experiments",
        sa.Column(
            "experiment_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "name",
            sa.String(length=500)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=500), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=500, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=500), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("artifact_location", sa.String(length=2048), nullable=False),
        sa.Column("lifecycle_stage", sa.String(length=16), nullable=False),
        sa.Column("creation_time", sa.BigInteger(), nullable=False),
        sa.Column("last_update_time", sa.BigInteger(), nullable=False),
        sa.Column("deleted_time", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("experiment_id", name=op.f("pk_experiments")),
        sa.UniqueConstraint("name", name=op.f("uq_experiments_name")),
    )
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_experiments_lifecycle_stage_creation_time"),
            ["lifecycle_stage", "creation_time"],
            unique=False,
        )

    op.create_table(
        "datasets",
        sa.Column(
            "dataset_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "experiment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "name",
            sa.String(length=500)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=500), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=500, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=500), "mysql"
            ),
            nullable=False,
        ),
        sa.Column(
            "digest",
            sa.String(length=36)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=36), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=36, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=36), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("source_type", sa.String(length=36), nullable=False),
        sa.Column(
            "source",
            sa.Text()
            .with_variant(mysql.MEDIUMTEXT(), "mariadb")
            .with_variant(mysql.MEDIUMTEXT(), "mysql"),
            nullable=False,
        ),
        sa.Column(
            "schema",
            sa.Text()
            .with_variant(mysql.MEDIUMTEXT(), "mariadb")
            .with_variant(mysql.MEDIUMTEXT(), "mysql"),
            nullable=True,
        ),
        sa.Column(
            "profile",
            sa.Text()
            .with_variant(mysql.MEDIUMTEXT(), "mariadb")
            .with_variant(mysql.MEDIUMTEXT(), "mysql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.experiment_id"],
            name=op.f("fk_datasets_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_pk", name=op.f("pk_datasets")),
        sa.UniqueConstraint(
            "experiment_id", "name", "digest", name=op.f("uq_datasets_experiment_id_name_digest")
        ),
    )
    op.create_table(
        "experiment_tags",
        sa.Column(
            "experiment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "key",
            sa.String(length=250)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=250, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.experiment_id"],
            name=op.f("fk_experiment_tags_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("experiment_id", "key", name=op.f("pk_experiment_tags")),
    )
    op.create_table(
        "runs",
        sa.Column(
            "run_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column(
            "experiment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "name",
            sa.String(length=250)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=250, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mysql"
            ),
            nullable=False,
        ),
        sa.Column(
            "user_id",
            sa.String(length=256)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=256), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=256, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=256), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=True),
        sa.Column("lifecycle_stage", sa.String(length=16), nullable=False),
        sa.Column("deleted_time", sa.BigInteger(), nullable=True),
        sa.Column("artifact_uri", sa.String(length=2048), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.experiment_id"],
            name=op.f("fk_runs_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_pk", name=op.f("pk_runs")),
        sa.UniqueConstraint("run_id", name=op.f("uq_runs_run_id")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_runs_experiment_id_lifecycle_stage_start_time"),
            ["experiment_id", "lifecycle_stage", "start_time"],
            unique=False,
        )

    op.create_table(
        "dataset_inputs",
        sa.Column(
            "input_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "dataset_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "context",
            sa.String(length=500)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=500), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=500, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=500), "mysql"
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["dataset_pk"],
            ["datasets.dataset_pk"],
            name=op.f("fk_dataset_inputs_dataset_pk_datasets"),
        ),
        sa.ForeignKeyConstraint(
            ["run_pk"],
            ["runs.run_pk"],
            name=op.f("fk_dataset_inputs_run_pk_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("input_pk", name=op.f("pk_dataset_inputs")),
        sa.UniqueConstraint(
            "run_pk", "dataset_pk", name=op.f("uq_dataset_inputs_run_pk_dataset_pk")
        ),
    )
    with op.batch_alter_table("dataset_inputs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dataset_inputs_dataset_pk"), ["dataset_pk"], unique=False
        )

    op.create_table(
        "metric_series",
        sa.Column(
            "series_pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "experiment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "key",
            sa.String(length=250)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=250, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column(
            "value",
            sa.Float(precision=53)
            .with_variant(mysql.DOUBLE(), "mariadb")
            .with_variant(mysql.DOUBLE(), "mysql"),
            nullable=False,
        ),
        sa.Column("is_nan", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_pk"],
            ["runs.run_pk"],
            name=op.f("fk_metric_series_run_pk_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_pk", name=op.f("pk_metric_series")),
        sa.UniqueConstraint("run_pk", "key", name=op.f("uq_metric_series_run_pk_key")),
    )
    with op.batch_alter_table("metric_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_metric_series_experiment_id_key_value"),
            ["experiment_id", "key", "value"],
            unique=False,
        )

    op.create_table(
        "model_inputs",
        sa.Column("run_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_pk"],
            ["runs.run_pk"],
            name=op.f("fk_model_inputs_run_pk_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_pk", "model_id", name=op.f("pk_model_inputs")),
    )
    op.create_table(
        "model_outputs",
        sa.Column("run_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_pk"],
            ["runs.run_pk"],
            name=op.f("fk_model_outputs_run_pk_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_pk", "model_id", name=op.f("pk_model_outputs")),
    )
    op.create_table(
        "params",
        sa.Column("run_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "key",
            sa.String(length=250)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=250, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_pk"], ["runs.run_pk"], name=op.f("fk_params_run_pk_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_pk", "key", name=op.f("pk_params")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "tags",
        sa.Column("run_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "key",
            sa.String(length=250)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=250, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=250), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_pk"], ["runs.run_pk"], name=op.f("fk_tags_run_pk_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_pk", "key", name=op.f("pk_tags")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "input_tags",
        sa.Column("input_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "key",
            sa.String(length=255)
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=255), "mariadb"
            )
            .with_variant(
                sa.VARCHAR(length=255, collation="Latin1_General_100_CS_AS_SC_UTF8"), "mssql"
            )
            .with_variant(
                mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=255), "mysql"
            ),
            nullable=False,
        ),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["input_pk"],
            ["dataset_inputs.input_pk"],
            name=op.f("fk_input_tags_input_pk_dataset_inputs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("input_pk", "key", name=op.f("pk_input_tags")),
    )
    op.create_table(
        "metric_points",
        sa.Column(
            "series_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column(
            "value",
            sa.Float(precision=53)
            .with_variant(mysql.DOUBLE(), "mariadb")
            .with_variant(mysql.DOUBLE(), "mysql"),
            nullable=False,
        ),
        sa.Column("is_nan", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_pk"],
            ["metric_series.series_pk"],
            name=op.f("fk_metric_points_series_pk_metric_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "series_pk", "step", "timestamp", "value", "is_nan", name=op.f("pk_metric_points")
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:

    op.drop_table("metric_points")
    op.drop_table("input_tags")
    op.drop_table("tags")
    op.drop_table("params")
    op.drop_table("model_outputs")
    op.drop_table("model_inputs")
    with op.batch_alter_table("metric_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_series_experiment_id_key_value"))

    op.drop_table("metric_series")
    with op.batch_alter_table("dataset_inputs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_inputs_dataset_pk"))

    op.drop_table("dataset_inputs")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runs_experiment_id_lifecycle_stage_start_time"))

    op.drop_table("runs")
    op.drop_table("experiment_tags")
    op.drop_table("datasets")
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experiments_lifecycle_stage_creation_time"))

    op.drop_table("experiments")
