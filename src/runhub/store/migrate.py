"""Schema creation, upgrade and the start-up check (never a silent upgrade of live data)."""

from __future__ import annotations

import io
import os
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from runhub.errors import StartupError
from runhub.store.sql.db import Database

VERSION_TABLE = "runhub_alembic_version"
MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")

SchemaState = Literal["empty", "current", "outdated", "newer", "foreign"]


def _alembic_config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("runhub ships no migrations")
    return head


def current_revision(conn: Connection) -> str | None:
    context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def schema_state(db: Database) -> tuple[SchemaState, str | None]:
    """Where the database stands relative to this code, and its revision."""
    with db.writer.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if VERSION_TABLE not in tables:
            if "alembic_version" in tables and "runs" in tables:
                return "foreign", None
            return ("empty", None) if not tables else ("foreign", None)
        revision = current_revision(conn)
    if revision == head_revision():
        return "current", revision
    known = {
        script.revision
        for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()
    }
    return ("outdated" if revision in known or revision is None else "newer"), revision


def upgrade(db: Database) -> None:
    """Bring the schema to the head revision in one transaction."""
    with db.writer.connect() as conn, conn.begin():
        command.upgrade(_alembic_config(conn), "head")


def upgrade_script(dialect_name: str) -> str:
    """The SQL that creates the schema from scratch on ``dialect_name``, without a database."""
    buffer = io.StringIO()
    config = Config(output_buffer=buffer)
    config.set_main_option("script_location", MIGRATIONS_DIR)
    config.set_main_option("dialect_name", dialect_name)
    command.upgrade(config, "head", sql=True)
    return buffer.getvalue()


def ensure_schema(db: Database) -> None:
    """Create an empty database; refuse one that is outdated or not runhub's."""
    state, revision = schema_state(db)
    if state == "empty":
        upgrade(db)
    elif state == "outdated":
        raise StartupError(
            f"The database {db.url.render_as_string(hide_password=True)} has schema revision "
            f"{revision} but this runhub needs {head_revision()}. Back it up, then run: "
            f"runhub db upgrade {db.url.render_as_string(hide_password=True)}"
        )
    elif state == "newer":
        raise StartupError(
            f"The database schema (revision {revision}) is newer than this runhub knows; "
            "upgrade runhub."
        )
    elif state == "foreign":
        raise StartupError(
            "The database already holds tables that are not runhub's (an MLflow database?). "
            "Point --backend-store-uri at a new database, and use 'runhub import-mlflow' to "
            "copy MLflow data."
        )
