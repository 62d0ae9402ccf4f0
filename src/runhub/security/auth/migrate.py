"""Schema of the auth database: created or upgraded at start-up, with its own version table."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config

from runhub.store.sql.db import Database

VERSION_TABLE = "runhub_auth_alembic_version"
MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def upgrade_auth_schema(db: Database) -> None:
    """Bring the auth schema to head in one transaction (auth tables hold no bulk data)."""
    with db.writer.connect() as conn, conn.begin():
        config = Config()
        config.set_main_option("script_location", MIGRATIONS_DIR)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
