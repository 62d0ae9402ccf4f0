"""Alembic environment: runs migrations on the connection runhub hands it."""

from __future__ import annotations

from alembic import context

from runhub.store.migrate import VERSION_TABLE
from runhub.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if context.is_offline_mode():
    # Writing the SQL script for a dialect (runhub.store.migrate.upgrade_script): no database.
    context.configure(
        dialect_name=config.get_main_option("dialect_name"),
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        transactional_ddl=False,
    )
elif connection is None:  # pragma: no cover - only reached by the alembic CLI
    raise RuntimeError("run migrations with 'runhub db upgrade URI'")
else:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,
        compare_type=True,
    )
with context.begin_transaction():
    context.run_migrations()
