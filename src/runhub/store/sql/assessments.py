"""Assessments (feedback, expectations, issue references) attached to traces."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from runhub.entities.trace import Assessment
from runhub.errors import InvalidParameter, NotFound
from runhub.store.sql.db import Database
from runhub.store.sql.trace_rows import assessment_from_row, require_trace
from runhub.store.trace_tables import assessments
from runhub.times import now_ms

# Fields an update_mask may name, and the Assessment attributes they change.
UPDATABLE = {
    "assessment_name": ("name",),
    "feedback": ("value", "error"),
    "expectation": ("value", "serialized"),
    "rationale": ("rationale",),
    "metadata": ("metadata",),
    "valid": ("valid",),
    "span_id": ("span_id",),
    "source": ("source",),
    "overrides": ("overrides",),
    "error": ("error",),
}


def _row(a: Assessment) -> dict[str, Any]:
    value_json: str | None = None
    value_text: str | None = None
    value_number: float | None = None
    if a.kind == "issue":
        value_text = a.issue_name
    elif a.serialized is not None:
        value_json = orjson.dumps({"serialized": a.serialized}).decode()
    elif a.value is not None:
        value_json = orjson.dumps(a.value).decode()
        value_text = a.value if isinstance(a.value, str) else value_json
        if isinstance(a.value, (int, float)) and math.isfinite(float(a.value)):
            value_number = float(a.value)
    return {
        "assessment_id": a.assessment_id,
        "trace_id": a.trace_id,
        "name": a.name,
        "kind": a.kind,
        "value_json": value_json,
        "value_text": value_text,
        "value_number": value_number,
        "error_json": orjson.dumps(a.error).decode() if a.error else None,
        "source_type": a.source.source_type,
        "source_id": a.source.source_id,
        "span_id": a.span_id or None,
        "rationale": a.rationale,
        "metadata_json": orjson.dumps(dict(a.metadata)).decode() if a.metadata else None,
        "overrides": a.overrides or None,
        "valid": a.valid,
        "create_time": a.create_time,
        "last_update_time": a.last_update_time,
    }


# The stored row of an assessment, for bulk copies (import-mlflow).
assessment_row = _row


def _require(conn: Connection, trace_id: str, assessment_id: str) -> Assessment:
    row = conn.execute(
        select(assessments).where(
            assessments.c.assessment_id == assessment_id, assessments.c.trace_id == trace_id
        )
    ).first()
    if row is None:
        raise NotFound(f"Assessment with ID '{assessment_id}' not found for trace '{trace_id}'")
    return assessment_from_row(row)


class SqlAssessmentStore:
    """Create, read, update and delete assessments."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create_assessment(self, assessment: Assessment) -> Assessment:
        now = now_ms()
        created = replace(
            assessment,
            assessment_id=f"a-{uuid.uuid4().hex}",
            create_time=assessment.create_time or now,
            last_update_time=assessment.last_update_time or now,
        )

        def write(conn: Connection) -> Assessment:
            require_trace(conn, created.trace_id)
            if created.overrides:
                # The overridden assessment stays for history but no longer counts.
                _require(conn, created.trace_id, created.overrides)
                conn.execute(
                    assessments.update()
                    .where(assessments.c.assessment_id == created.overrides)
                    .values(valid=False)
                )
            conn.execute(assessments.insert().values(**_row(created)))
            return created

        result: Assessment = self.db.run_write(write)
        return result

    def get_assessment(self, trace_id: str, assessment_id: str) -> Assessment:
        with self.db.read() as conn:
            return _require(conn, trace_id, assessment_id)

    def update_assessment(
        self, trace_id: str, assessment_id: str, changes: Assessment, mask: Sequence[str]
    ) -> Assessment:
        """Apply the ``mask`` fields of ``changes`` to the stored assessment."""
        unknown = [m for m in mask if m not in UPDATABLE]
        if not mask or unknown:
            raise InvalidParameter(
                f"Invalid update_mask {list(mask)}: allowed fields are {sorted(UPDATABLE)}."
            )

        def write(conn: Connection) -> Assessment:
            current = _require(conn, trace_id, assessment_id)
            if "feedback" in mask and current.kind != "feedback":
                raise InvalidParameter("Cannot set 'feedback' on an assessment of another kind.")
            if "expectation" in mask and current.kind != "expectation":
                raise InvalidParameter("Cannot set 'expectation' on an assessment of another kind.")
            values: dict[str, Any] = {}
            for field in mask:
                for attr in UPDATABLE[field]:
                    values[attr] = getattr(changes, attr)
            updated = replace(current, **values, last_update_time=now_ms())
            if not updated.name:
                raise InvalidParameter("'assessment_name' must not be empty.")
            conn.execute(
                assessments.update()
                .where(assessments.c.assessment_id == assessment_id)
                .values(**_row(updated))
            )
            return updated

        result: Assessment = self.db.run_write(write)
        return result

    def delete_assessment(self, trace_id: str, assessment_id: str) -> None:
        def write(conn: Connection) -> None:
            current = _require(conn, trace_id, assessment_id)
            conn.execute(delete(assessments).where(assessments.c.assessment_id == assessment_id))
            if current.overrides:  # the overridden assessment counts again
                conn.execute(
                    assessments.update()
                    .where(assessments.c.assessment_id == current.overrides)
                    .values(valid=True)
                )

        self.db.run_write(write)
