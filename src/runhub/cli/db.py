"""``runhub db``: schema management."""

from __future__ import annotations

import click

from runhub.cli.errors import fail, run_or_fail
from runhub.store.file.layout import file_store_root
from runhub.store.migrate import head_revision, schema_state, upgrade
from runhub.store.sql.db import Database


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@click.argument("uri")
def upgrade_command(uri: str) -> None:
    """Apply the schema migrations to the database at URI (take a backup first)."""
    if file_store_root(uri) is not None:
        fail(
            f"{uri!r} is a file store (an mlruns directory), which has no schema to upgrade; "
            "give a database URI such as sqlite:///mlflow.db"
        )

    def run() -> str:
        database = Database(uri)
        try:
            state, revision = schema_state(database)
            if state == "foreign":
                raise click.ClickException(
                    "the database holds tables that are not runhub's; refusing to touch it"
                )
            if state == "current":
                return f"Database is already at revision {revision}."
            upgrade(database)
            return f"Database upgraded from {revision or 'empty'} to {head_revision()}."
        finally:
            database.dispose()

    click.echo(run_or_fail(uri, run))
