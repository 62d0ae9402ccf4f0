"""Reading trace infos (with their tags, metadata and assessments) in a few set queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from runhub.entities.trace import Assessment, AssessmentSource, TraceInfo
from runhub.errors import NotFound
from runhub.store.trace_tables import assessments, trace_info, trace_metadata, trace_tags

CHUNK = 500


def require_trace(conn: Connection, trace_id: str) -> Row[Any]:
    """The ``trace_info`` row of ``trace_id``; raises NotFound."""
    row = conn.execute(select(trace_info).where(trace_info.c.trace_id == trace_id)).first()
    if row is None:
        raise NotFound(f"Trace with ID {trace_id} is not found.")
    return row


def load_trace_infos(conn: Connection, rows: Sequence[Row[Any]]) -> list[TraceInfo]:
    """Full TraceInfos for ``trace_info`` rows, in the same order."""
    ids = [r.trace_id for r in rows]
    tags = _key_values(conn, trace_tags, ids)
    meta = _key_values(conn, trace_metadata, ids)
    found = load_assessments(conn, ids)
    return [
        TraceInfo(
            trace_id=r.trace_id,
            experiment_id=str(r.experiment_id),
            request_time=r.request_time,
            state=r.state,
            execution_duration=r.execution_duration,
            client_request_id=r.client_request_id,
            request_preview=r.request_preview,
            response_preview=r.response_preview,
            trace_metadata=meta.get(r.trace_id, {}),
            tags=tags.get(r.trace_id, {}),
            assessments=tuple(found.get(r.trace_id, ())),
        )
        for r in rows
    ]


def infos_by_id(conn: Connection, trace_ids: Sequence[str]) -> list[TraceInfo]:
    """The TraceInfos of ``trace_ids`` that exist, in the order asked."""
    rows: dict[str, Row[Any]] = {}
    unique = list(dict.fromkeys(trace_ids))
    for i in range(0, len(unique), CHUNK):
        part = unique[i : i + CHUNK]
        for r in conn.execute(select(trace_info).where(trace_info.c.trace_id.in_(part))):
            rows[r.trace_id] = r
    return load_trace_infos(conn, [rows[t] for t in unique if t in rows])


def _key_values(conn: Connection, table: Any, ids: Sequence[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        query = select(table.c.trace_id, table.c.key, table.c.value).where(
            table.c.trace_id.in_(part)
        )
        for trace_id, key, value in conn.execute(query):
            out[trace_id][key] = value
    return out


def load_assessments(conn: Connection, ids: Sequence[str]) -> dict[str, list[Assessment]]:
    out: dict[str, list[Assessment]] = defaultdict(list)
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        query = (
            select(assessments)
            .where(assessments.c.trace_id.in_(part))
            .order_by(assessments.c.create_time, assessments.c.assessment_id)
        )
        for row in conn.execute(query):
            out[row.trace_id].append(assessment_from_row(row))
    return out


def assessment_from_row(row: Row[Any]) -> Assessment:
    value: Any = None
    serialized = None
    issue_name = None
    if row.kind == "issue":
        issue_name = row.value_text
    elif row.value_json is not None:
        decoded = orjson.loads(row.value_json)
        if row.kind == "expectation" and isinstance(decoded, dict) and "serialized" in decoded:
            serialized = decoded["serialized"]
        else:
            value = decoded
    return Assessment(
        assessment_id=row.assessment_id,
        trace_id=row.trace_id,
        name=row.name,
        kind=row.kind,
        source=AssessmentSource(row.source_type, row.source_id),
        create_time=row.create_time,
        last_update_time=row.last_update_time,
        value=value,
        error=orjson.loads(row.error_json) if row.error_json else None,
        serialized=serialized,
        issue_name=issue_name,
        span_id=row.span_id,
        rationale=row.rationale,
        metadata=orjson.loads(row.metadata_json) if row.metadata_json else {},
        overrides=row.overrides,
        valid=bool(row.valid),
    )
