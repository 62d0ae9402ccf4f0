"""Copying MLflow traces (info, tags, metadata, run links, spans, assessments) into runhub.

MLflow stores a span's ``content`` as its own JSON (attributes as a map of JSON-encoded
strings); runhub stores the OTLP JSON form, so attributes become a list of string values.
Each batch of traces is copied with all its rows in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from runhub.entities.trace import Assessment, AssessmentSource
from runhub.lifecycle.mlflow_sql import MlflowSql, get
from runhub.store.sql.assessments import assessment_row
from runhub.store.sql.db import Database
from runhub.store.trace_tables import (
    MAX_SPAN_ATTRIBUTE_TEXT,
    assessments,
    span_attributes,
    spans,
    trace_info,
    trace_metadata,
    trace_run_links,
    trace_tags,
)

TRACE_BATCH = 100
REQUEST_ID_ATTRIBUTE = "mlflow.traceRequestId"


def import_traces(src: MlflowSql, db: Database, progress: Callable[[str, int], None]) -> int:
    """Copy traces missing from the destination; returns how many."""
    trace_ids = list(src.column_values("trace_info", "request_id"))
    copied = 0
    for start in range(0, len(trace_ids), TRACE_BATCH):
        batch = trace_ids[start : start + TRACE_BATCH]
        with db.read() as conn:
            present = set(
                conn.execute(
                    select(trace_info.c.trace_id).where(trace_info.c.trace_id.in_(batch))
                ).scalars()
            )
        todo = [t for t in batch if t not in present]
        if todo:
            db.run_write(_write_traces, src, todo)
            copied += len(todo)
        progress("traces", min(start + TRACE_BATCH, len(trace_ids)))
    return copied


def _write_traces(conn: Connection, src: MlflowSql, trace_ids: Sequence[str]) -> None:
    infos = src.rows_in("trace_info", "request_id", trace_ids)
    conn.execute(
        trace_info.insert(),
        [
            {
                "trace_id": t.request_id,
                "experiment_id": int(t.experiment_id),
                "client_request_id": get(t, "client_request_id"),
                "request_time": t.timestamp_ms,
                "execution_duration": get(t, "execution_time_ms"),
                "state": t.status,
                "request_preview": get(t, "request_preview"),
                "response_preview": get(t, "response_preview"),
            }
            for t in infos
        ],
    )
    for source, dest in (("trace_tags", trace_tags), ("trace_request_metadata", trace_metadata)):
        rows = [
            {"trace_id": r.request_id, "key": r.key, "value": r.value or ""}
            for r in src.rows_in(source, "request_id", trace_ids)
        ]
        if rows:
            conn.execute(dest.insert(), rows)
    links = [
        {"trace_id": a.source_id, "run_id": a.destination_id}
        for a in src.rows_in("entity_associations", "source_id", trace_ids)
        if a.source_type == "trace" and a.destination_type == "run"
    ]
    if links:
        conn.execute(trace_run_links.insert(), links)
    span_rows = src.rows_in("spans", "trace_id", trace_ids)
    if span_rows:
        converted = [_span(s) for s in span_rows]
        conn.execute(spans.insert(), [row for row, _attrs in converted])
        attributes = [a for _row, attrs in converted for a in attrs]
        if attributes:
            conn.execute(span_attributes.insert(), attributes)
    found = [_assessment(a) for a in src.rows_in("assessments", "trace_id", trace_ids)]
    if found:
        conn.execute(assessments.insert(), [assessment_row(a) for a in found])


def _span(s: Row[Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    content = orjson.loads(s.content)
    raw = content.get("attributes") or {}
    attributes: list[dict[str, Any]] = []
    if isinstance(raw, dict):
        # MLflow keeps each attribute JSON-encoded; OTLP carries the decoded value itself.
        values = {k: _json(v) if isinstance(v, str) else v for k, v in raw.items()}
        content["attributes"] = [{"key": k, "value": _any_value(v)} for k, v in values.items()]
        for key, value in values.items():
            text = value if isinstance(value, str) else orjson.dumps(value).decode()
            if (
                key != REQUEST_ID_ATTRIBUTE
                and len(text) <= MAX_SPAN_ATTRIBUTE_TEXT
                and len(key) <= 250
            ):
                attributes.append(
                    {"trace_id": s.trace_id, "span_id": s.span_id, "key": key, "value": text}
                )
    for name in ("events", "links"):
        if content.get(name) == []:
            del content[name]
    row = {
        "trace_id": s.trace_id,
        "span_id": s.span_id,
        "parent_span_id": get(s, "parent_span_id"),
        "name": get(s, "name") or "",
        "type": get(s, "type"),
        "status": get(s, "status") or "UNSET",
        "start_time_unix_nano": s.start_time_unix_nano,
        "end_time_unix_nano": get(s, "end_time_unix_nano"),
        "content": orjson.dumps(content).decode(),
    }
    return row, attributes


def _any_value(value: Any) -> dict[str, Any]:
    """An OTLP ``AnyValue`` in protobuf-JSON form (int64 as a string, as MessageToDict does)."""
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"bool_value": value}
    if isinstance(value, int):
        return {"int_value": str(value)}
    if isinstance(value, float):
        return {"double_value": value}
    if isinstance(value, list):
        return {"array_value": {"values": [_any_value(v) for v in value]}}
    if isinstance(value, dict):
        pairs = [{"key": str(k), "value": _any_value(v)} for k, v in value.items()]
        return {"kvlist_value": {"values": pairs}}
    return {"string_value": str(value)}


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text


def _assessment(a: Row[Any]) -> Assessment:
    metadata = _json(get(a, "assessment_metadata")) or {}
    error = _json(get(a, "error"))
    return Assessment(
        assessment_id=a.assessment_id,
        trace_id=a.trace_id,
        name=a.name,
        kind=a.assessment_type,
        source=AssessmentSource(a.source_type, a.source_id or ""),
        create_time=a.created_timestamp,
        last_update_time=a.last_updated_timestamp,
        value=_json(get(a, "value")),
        error=error if isinstance(error, dict) else None,
        span_id=get(a, "span_id"),
        rationale=get(a, "rationale"),
        metadata={str(k): str(v) for k, v in metadata.items()}
        if isinstance(metadata, dict)
        else {},
        overrides=get(a, "overrides"),
        valid=bool(get(a, "valid", True)),
    )
