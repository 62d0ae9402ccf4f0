"""Alembic environment of the auth database: runs on the connection runhub hands it."""

from __future__ import annotations

from alembic import context

from runhub.security.auth.migrate import VERSION_TABLE
from runhub.security.auth.tables import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # pragma: no cover - only reached by the alembic CLI
    raise RuntimeError("auth migrations run when the server starts with --app-name basic-auth")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
