"""The ``runs`` columns that the search_runs attributes name."""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from runhub.store.tables import runs

# Attribute key -> runs column (``created`` is another name for start_time).
RUN_COLUMNS: dict[str, ColumnElement[Any]] = {
    "run_id": runs.c.run_id,
    "run_name": runs.c.name,
    "status": runs.c.status,
    "user_id": runs.c.user_id,
    "artifact_uri": runs.c.artifact_uri,
    "start_time": runs.c.start_time,
    "end_time": runs.c.end_time,
    "created": runs.c.start_time,
}
