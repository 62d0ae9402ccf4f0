"""The shipped migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from runhub.errors import StartupError
from runhub.store.migrate import VERSION_TABLE, ensure_schema, head_revision, schema_state
from runhub.store.schema import metadata
from runhub.store.sql.db import Database


def _is_version_table(diff: object) -> bool:
    return isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name == VERSION_TABLE


def test_empty_database_is_created_at_head_and_matches_models(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert schema_state(db) == ("empty", None)
        ensure_schema(db)
        assert schema_state(db) == ("current", head_revision())
        with db.writer.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "version_table": VERSION_TABLE}
            )
            diff = [
                d
                for d in compare_metadata(context, metadata)
                if not (
                    isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == VERSION_TABLE
                )
            ]
        assert diff == []
        ensure_schema(db)  # idempotent on a current database
    finally:
        db.dispose()


def test_outdated_database_is_refused_with_the_upgrade_command(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        ensure_schema(db)
        with db.write() as conn:
            conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'old'"))
        # An unknown revision counts as outdated only if it is one of ours; simulate ours
        with db.write() as conn:
            conn.execute(text(f"DELETE FROM {VERSION_TABLE}"))
        state, _ = schema_state(db)
        assert state == "outdated"
        with pytest.raises(StartupError, match="runhub db upgrade"):
            ensure_schema(db)
    finally:
        db.dispose()


def test_foreign_database_is_refused(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with db.write() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            conn.execute(text("CREATE TABLE runs (run_uuid VARCHAR(32))"))
        with pytest.raises(StartupError, match="import-mlflow"):
            ensure_schema(db)
    finally:
        db.dispose()
