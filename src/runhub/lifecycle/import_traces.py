"""Copying MLflow traces (info, tags, metadata, run links, spans, assessments) into runhub.

Traces whose spans MLflow kept as a ``traces.json`` artifact (MLflow 2.x, the file store) get
them from there (a local directory or ``s3://``); a trace whose spans came over is tagged as
keeping them in the tracking store, so clients read them from runhub. Each batch of traces is
read from the source first and then written with all its rows in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Row

from runhub.entities.trace import ARTIFACT_LOCATION_TAG, SPANS_LOCATION_TAG, TRACKING_STORE
from runhub.lifecycle.assessment_rows import mlflow_assessment
from runhub.lifecycle.copy_artifacts import S3Options
from runhub.lifecycle.mlflow_sql import MlflowSql, get
from runhub.lifecycle.span_rows import runhub_span
from runhub.lifecycle.trace_columns import column_metadata, column_tags
from runhub.lifecycle.trace_spans import read_span_artifact, span_row
from runhub.store.sql.assessments import assessment_row
from runhub.store.sql.db import Database
from runhub.store.trace_tables import (
    assessments,
    span_attributes,
    spans,
    trace_info,
    trace_metadata,
    trace_run_links,
    trace_tags,
)

TRACE_BATCH = 100
# MLflow 2.x trace statuses that differ from the MLflow 3 states.
STATUS_TO_STATE = {"TRACE_STATUS_UNSPECIFIED": "STATE_UNSPECIFIED"}
Batch = list[tuple[Table, list[dict[str, Any]]]]


def import_traces(
    src: MlflowSql,
    db: Database,
    progress: Callable[[str, int], None],
    s3: S3Options | None = None,
) -> int:
    """Copy traces missing from the destination; returns how many. ``s3`` reaches span
    artifacts on ``s3://``."""
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
            db.run_write(_insert, _read_batch(src, todo, s3 or S3Options()))
            copied += len(todo)
        progress("traces", min(start + TRACE_BATCH, len(trace_ids)))
    return copied


def _insert(conn: Connection, batch: Batch) -> None:
    for table, rows in batch:
        if rows:
            conn.execute(table.insert(), rows)


def _read_batch(src: MlflowSql, trace_ids: Sequence[str], s3: S3Options) -> Batch:
    """Every runhub row of the traces ``trace_ids``, in insertion order."""
    infos = src.rows_in("trace_info", "request_id", trace_ids)
    tags: dict[str, dict[str, str]] = defaultdict(dict)
    for r in src.rows_in("trace_tags", "request_id", trace_ids):
        tags[r.request_id][r.key] = r.value or ""
    metadata: dict[str, dict[str, str]] = defaultdict(dict)
    for r in src.rows_in("trace_request_metadata", "request_id", trace_ids):
        metadata[r.request_id][r.key] = r.value or ""
    for t in infos:
        tags[t.request_id].update(column_tags(t))
        metadata[t.request_id].update(column_metadata(t))
    span_rows: list[Mapping[str, Any]] = [
        dict(r._mapping) for r in src.rows_in("spans", "trace_id", trace_ids)
    ]
    span_rows += _artifact_spans(trace_ids, {r["trace_id"] for r in span_rows}, tags, s3)
    for trace_id in {r["trace_id"] for r in span_rows}:
        tags[trace_id][SPANS_LOCATION_TAG] = TRACKING_STORE
    converted = [runhub_span(s) for s in span_rows]
    links = [
        {"trace_id": a.source_id, "run_id": a.destination_id}
        for a in src.rows_in("entity_associations", "source_id", trace_ids)
        if a.source_type == "trace" and a.destination_type == "run"
    ]
    found = [mlflow_assessment(a) for a in src.rows_in("assessments", "trace_id", trace_ids)]
    return [
        (trace_info, [_info_row(t) for t in infos]),
        (trace_tags, _key_values(tags)),
        (trace_metadata, _key_values(metadata)),
        (trace_run_links, links),
        (spans, [row for row, _attributes in converted]),
        (span_attributes, [a for _row, attributes in converted for a in attributes]),
        (assessments, [assessment_row(a) for a in found]),
    ]


def _info_row(t: Row[Any]) -> dict[str, Any]:
    return {
        "trace_id": t.request_id,
        "experiment_id": int(t.experiment_id),
        "client_request_id": get(t, "client_request_id"),
        "request_time": t.timestamp_ms,
        "execution_duration": get(t, "execution_time_ms"),
        "state": STATUS_TO_STATE.get(t.status, t.status),
        "request_preview": get(t, "request_preview"),
        "response_preview": get(t, "response_preview"),
    }


def _key_values(pairs_of: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    rows = []
    for trace_id, pairs in pairs_of.items():
        rows += [{"trace_id": trace_id, "key": k, "value": v} for k, v in pairs.items()]
    return rows


def _artifact_spans(
    trace_ids: Sequence[str],
    have_spans: set[str],
    tags: Mapping[str, Mapping[str, str]],
    s3: S3Options,
) -> list[dict[str, Any]]:
    """Span rows read from the ``traces.json`` artifacts of traces without stored spans."""
    found: list[dict[str, Any]] = []
    for trace_id in trace_ids:
        trace_tags_ = tags.get(trace_id, {})
        if trace_id in have_spans or trace_tags_.get(SPANS_LOCATION_TAG) == TRACKING_STORE:
            continue
        span_dicts = read_span_artifact(trace_tags_.get(ARTIFACT_LOCATION_TAG), s3)
        found += [span_row(trace_id, s) for s in span_dicts or []]
    return found
