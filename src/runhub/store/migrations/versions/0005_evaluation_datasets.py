"""evaluation datasets, their records, tags and experiment links

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Column types as they were at this revision (a migration never imports the live schema).
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
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


def _dataset_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dataset_pk"],
        ["evaluation_datasets.dataset_pk"],
        name=op.f(f"fk_{table}_dataset_pk_evaluation_datasets"),
        ondelete="CASCADE",
    )


def _index(table: str, cols: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{'_'.join(cols)}"), cols, unique=False)


def upgrade() -> None:
    op.create_table(
        "evaluation_datasets",
        sa.Column("dataset_pk", ID, autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("name", cs_string(500), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("schema", LONG_TEXT, nullable=True),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.Column("last_update_time", sa.BigInteger(), nullable=False),
        sa.Column("created_by", cs_string(255), nullable=True),
        sa.Column("last_updated_by", cs_string(255), nullable=True),
        sa.PrimaryKeyConstraint("dataset_pk", name=op.f("pk_evaluation_datasets")),
        sa.UniqueConstraint("dataset_id", name=op.f("uq_evaluation_datasets_dataset_id")),
    )
    _index("evaluation_datasets", ["created_time", "dataset_pk"])
    _index("evaluation_datasets", ["name"])
    op.create_table(
        "evaluation_dataset_tags",
        sa.Column("dataset_pk", ID, nullable=False),
        sa.Column("key", cs_string(255), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _dataset_fk("evaluation_dataset_tags"),
        sa.PrimaryKeyConstraint("dataset_pk", "key", name=op.f("pk_evaluation_dataset_tags")),
    )
    op.create_table(
        "evaluation_dataset_experiments",
        sa.Column("dataset_pk", ID, nullable=False),
        sa.Column("experiment_id", ID, nullable=False),
        _dataset_fk("evaluation_dataset_experiments"),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.experiment_id"],
            name=op.f("fk_evaluation_dataset_experiments_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset_pk", "experiment_id", name=op.f("pk_evaluation_dataset_experiments")
        ),
    )
    _index("evaluation_dataset_experiments", ["experiment_id"])
    op.create_table(
        "evaluation_dataset_records",
        sa.Column("record_pk", ID, autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_pk", ID, nullable=False),
        sa.Column("inputs_digest", sa.String(length=64), nullable=False),
        sa.Column("inputs", LONG_TEXT, nullable=False),
        sa.Column("outputs", LONG_TEXT, nullable=True),
        sa.Column("expectations", LONG_TEXT, nullable=True),
        sa.Column("tags", LONG_TEXT, nullable=True),
        sa.Column("source", LONG_TEXT, nullable=True),
        sa.Column("source_type", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.String(length=255), nullable=True),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
        sa.Column("last_update_time", sa.BigInteger(), nullable=False),
        sa.Column("created_by", cs_string(255), nullable=True),
        sa.Column("last_updated_by", cs_string(255), nullable=True),
        _dataset_fk("evaluation_dataset_records"),
        sa.PrimaryKeyConstraint("record_pk", name=op.f("pk_evaluation_dataset_records")),
        sa.UniqueConstraint("record_id", name=op.f("uq_evaluation_dataset_records_record_id")),
        sa.UniqueConstraint(
            "dataset_pk",
            "inputs_digest",
            name=op.f("uq_evaluation_dataset_records_dataset_pk_inputs_digest"),
        ),
    )
    _index("evaluation_dataset_records", ["dataset_pk", "record_pk"])


def downgrade() -> None:
    op.drop_table("evaluation_dataset_records")
    op.drop_table("evaluation_dataset_experiments")
    op.drop_table("evaluation_dataset_tags")
    op.drop_table("evaluation_datasets")
