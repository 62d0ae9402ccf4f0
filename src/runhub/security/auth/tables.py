"""Tables of the auth database."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData()

_ID = BigInteger().with_variant(Integer(), "sqlite")

users = Table(
    "auth_users",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("username", String(255), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("created_time", BigInteger, nullable=False),
)

# Personal access tokens: only a SHA-256 of the random secret is stored.
tokens = Table(
    "auth_tokens",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("user_id", _ID, ForeignKey("auth_users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_time", BigInteger, nullable=False),
)

# One user's permission on one resource ("experiment" id or "registered_model" name).
grants = Table(
    "auth_grants",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("user_id", _ID, ForeignKey("auth_users.id", ondelete="CASCADE"), nullable=False),
    Column("resource_type", String(32), nullable=False),
    Column("resource_id", String(255), nullable=False),
    Column("permission", String(32), nullable=False),
    UniqueConstraint("user_id", "resource_type", "resource_id"),
)

roles = Table(
    "auth_roles",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False),
    Column("workspace", String(255), nullable=False, default="default"),
    Column("description", String(1000), nullable=True),
    UniqueConstraint("workspace", "name"),
)

# A role's grant on every resource of a type whose id matches a pattern ("*" or an id).
role_permissions = Table(
    "auth_role_permissions",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("role_id", _ID, ForeignKey("auth_roles.id", ondelete="CASCADE"), nullable=False),
    Column("resource_type", String(32), nullable=False),
    Column("resource_pattern", String(255), nullable=False),
    Column("permission", String(32), nullable=False),
)

role_assignments = Table(
    "auth_role_assignments",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("user_id", _ID, ForeignKey("auth_users.id", ondelete="CASCADE"), nullable=False),
    Column("role_id", _ID, ForeignKey("auth_roles.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("user_id", "role_id"),
)

# Failed logins per username and per client address, shared by every worker and replica.
# ``subject`` is a SHA-256 of "user:<name>" or "addr:<ip>": names typed by mistake (often a
# password) are not stored in clear.
login_failures = Table(
    "auth_login_failures",
    metadata,
    Column("subject", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", BigInteger, nullable=False),
    Column("locked_until", BigInteger, nullable=False),
)

# Sign-in cookies ended by sign-out before they expire: the cookie's random nonce, kept until
# the cookie would have expired anyway. A stolen copy of a signed-out cookie is refused.
signed_out = Table(
    "auth_signed_out",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("expires_at", BigInteger, nullable=False),
)
