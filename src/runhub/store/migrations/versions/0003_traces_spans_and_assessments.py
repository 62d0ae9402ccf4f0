"""traces, spans and assessments

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0003"
down_revision = "0002"
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


def _trace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["trace_id"],
        ["trace_info.trace_id"],
        name=op.f(f"fk_{table}_trace_id_trace_info"),
        ondelete="CASCADE",
    )


def _index(table: str, cols: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{'_'.join(cols)}"), cols, unique=False)


def _key_value_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("trace_id", sa.String(length=50), nullable=False),
        sa.Column("key", cs_string(250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _trace_fk(name),
        sa.PrimaryKeyConstraint("trace_id", "key", name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    op.create_table(
        "trace_info",
        sa.Column("trace_id", sa.String(length=50), nullable=False),
        sa.Column("experiment_id", ID, nullable=False),
        sa.Column("client_request_id", cs_string(250), nullable=True),
        sa.Column("request_time", sa.BigInteger(), nullable=False),
        sa.Column("execution_duration", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("request_preview", sa.Text(), nullable=True),
        sa.Column("response_preview", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.experiment_id"],
            name=op.f("fk_trace_info_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("trace_id", name=op.f("pk_trace_info")),
    )
    _index("trace_info", ["experiment_id", "request_time", "trace_id"])

    _key_value_table("trace_tags")
    _key_value_table("trace_metadata")

    op.create_table(
        "trace_run_links",
        sa.Column("trace_id", sa.String(length=50), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        _trace_fk("trace_run_links"),
        sa.PrimaryKeyConstraint("trace_id", "run_id", name=op.f("pk_trace_run_links")),
    )
    _index("trace_run_links", ["run_id"])

    op.create_table(
        "spans",
        sa.Column("trace_id", sa.String(length=50), nullable=False),
        sa.Column("span_id", sa.String(length=50), nullable=False),
        sa.Column("parent_span_id", sa.String(length=50), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", cs_string(500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("start_time_unix_nano", sa.BigInteger(), nullable=False),
        sa.Column("end_time_unix_nano", sa.BigInteger(), nullable=True),
        sa.Column("content", LONG_TEXT, nullable=False),
        _trace_fk("spans"),
        sa.PrimaryKeyConstraint("trace_id", "span_id", name=op.f("pk_spans")),
    )

    op.create_table(
        "span_attributes",
        sa.Column("trace_id", sa.String(length=50), nullable=False),
        sa.Column("span_id", sa.String(length=50), nullable=False),
        sa.Column("key", cs_string(250), nullable=False),
        sa.Column("value", cs_string(250), nullable=False),
        _trace_fk("span_attributes"),
        sa.PrimaryKeyConstraint("trace_id", "span_id", "key", name=op.f("pk_span_attributes")),
    )
    _index("span_attributes", ["key", "value", "trace_id"])

    op.create_table(
        "assessments",
        sa.Column("assessment_id", sa.String(length=50), nullable=False),
        sa.Column("trace_id", sa.String(length=50), nullable=False),
        sa.Column("name", cs_string(250), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value_json", LONG_TEXT, nullable=True),
        sa.Column("value_text", sa.Text(), nullable=True),
        sa.Column("value_number", DOUBLE, nullable=True),
        sa.Column("error_json", sa.Text(), nullable=True),
        sa.Column("source_type", sa.String(length=20), nullable=False),
        sa.Column("source_id", cs_string(250), nullable=False),
        sa.Column("span_id", sa.String(length=50), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("metadata_json", sa.Text(), nullable=True),
        sa.Column("overrides", sa.String(length=50), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("create_time", sa.BigInteger(), nullable=False),
        sa.Column("last_update_time", sa.BigInteger(), nullable=False),
        _trace_fk("assessments"),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_assessments")),
    )
    _index("assessments", ["trace_id", "name"])


def downgrade() -> None:
    for table in (
        "assessments",
        "span_attributes",
        "spans",
        "trace_run_links",
        "trace_metadata",
        "trace_tags",
        "trace_info",
    ):
        op.drop_table(table)
