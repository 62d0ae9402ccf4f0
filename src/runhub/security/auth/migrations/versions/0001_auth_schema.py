"""auth schema: users, tokens, grants, roles

Revision ID: auth_0001
Revises:
Create Date: 2026-11-28 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "auth_0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", _ID, primary_key=True, autoincrement=True)


def _fk(name: str, table: str) -> sa.Column[int]:
    return sa.Column(name, _ID, sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "auth_users",
        _id(),
        sa.Column("username", sa.String(255), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "auth_tokens",
        _id(),
        _fk("user_id", "auth_users"),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_time", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "auth_grants",
        _id(),
        _fk("user_id", "auth_users"),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(255), nullable=False),
        sa.Column("permission", sa.String(32), nullable=False),
        sa.UniqueConstraint("user_id", "resource_type", "resource_id"),
    )
    op.create_table(
        "auth_roles",
        _id(),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("workspace", sa.String(255), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.UniqueConstraint("workspace", "name"),
    )
    op.create_table(
        "auth_role_permissions",
        _id(),
        _fk("role_id", "auth_roles"),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_pattern", sa.String(255), nullable=False),
        sa.Column("permission", sa.String(32), nullable=False),
    )
    op.create_table(
        "auth_role_assignments",
        _id(),
        _fk("user_id", "auth_users"),
        _fk("role_id", "auth_roles"),
        sa.UniqueConstraint("user_id", "role_id"),
    )


def downgrade() -> None:
    for table in (
        "auth_role_assignments",
        "auth_role_permissions",
        "auth_roles",
        "auth_grants",
        "auth_tokens",
        "auth_users",
    ):
        op.drop_table(table)
