"""Spans on a SQL database: ingest a batch all-or-nothing, read whole traces back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection

from runhub.entities.trace import (
    ARTIFACT_LOCATION_TAG,
    SPANS_LOCATION_TAG,
    TRACKING_STORE,
    SpanRecord,
    Trace,
)
from runhub.store.experiment_rules import parse_experiment_id
from runhub.store.sql.db import Database
from runhub.store.sql.trace_rows import CHUNK, infos_by_id
from runhub.store.sql.traces import experiment_artifact_location, trace_artifact_location
from runhub.store.sql.upsert import insert_ignore_rows, upsert
from runhub.store.trace_tables import (
    span_attributes,
    spans,
    trace_info,
    trace_run_links,
    trace_tags,
)
from runhub.times import check_time_ns

NANOS_PER_MS = 1_000_000
SPAN_COLUMNS = (
    "trace_id",
    "span_id",
    "parent_span_id",
    "name",
    "type",
    "status",
    "start_time_unix_nano",
    "end_time_unix_nano",
    "content",
)
ATTRIBUTE_COLUMNS = ("trace_id", "span_id", "key", "value")
TAG_COLUMNS = ("trace_id", "key", "value")
PREVIEW_LENGTH = 1000


class SqlSpanStore:
    """Span ingest (OTLP) and full-trace reads."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def log_spans(
        self, experiment_id: str, records: Sequence[SpanRecord], run_id: str | None = None
    ) -> None:
        """Store ``records`` in one transaction; traces not yet known are created in
        ``experiment_id`` from their spans. Raises NotFound for an unknown experiment, and
        InvalidParameter for a span time past a 64-bit column."""
        exp_id = parse_experiment_id(experiment_id)
        by_trace: dict[str, list[SpanRecord]] = defaultdict(list)
        for record in records:
            check_time_ns(record.start_time_unix_nano, "start_time_unix_nano")
            if record.end_time_unix_nano is not None:
                check_time_ns(record.end_time_unix_nano, "end_time_unix_nano")
            by_trace[record.trace_id].append(record)
        span_rows = [
            (
                r.trace_id,
                r.span_id,
                r.parent_span_id,
                r.name,
                r.span_type,
                r.status,
                r.start_time_unix_nano,
                r.end_time_unix_nano,
                r.content,
            )
            for r in records
        ]
        attribute_rows = [
            (r.trace_id, r.span_id, k, v) for r in records for k, v in r.attributes.items()
        ]

        def write(conn: Connection) -> None:
            known: set[str] = set()
            ids = sorted(by_trace)  # one lock order for concurrent writers
            for i in range(0, len(ids), CHUNK):
                part = ids[i : i + CHUNK]
                known.update(
                    conn.execute(
                        select(trace_info.c.trace_id).where(trace_info.c.trace_id.in_(part))
                    ).scalars()
                )
            tag_rows = [(t, SPANS_LOCATION_TAG, TRACKING_STORE) for t in ids]
            new = [t for t in ids if t not in known]
            if new:
                location = experiment_artifact_location(conn, exp_id)
                infos = [_info_row(t, exp_id, by_trace[t]) for t in new]
                insert_ignore_rows(
                    conn, trace_info, list(infos[0]), [tuple(r.values()) for r in infos]
                )
                tag_rows += [
                    (t, ARTIFACT_LOCATION_TAG, trace_artifact_location(location, t)) for t in new
                ]
            _finish_in_progress(conn, by_trace, known)
            upsert_rows(conn, spans, SPAN_COLUMNS, 2, span_rows)
            upsert_rows(conn, span_attributes, ATTRIBUTE_COLUMNS, 3, attribute_rows)
            upsert_rows(conn, trace_tags, TAG_COLUMNS, 2, tag_rows)
            if run_id:
                roots = [
                    t for t, rs in by_trace.items() if any(r.parent_span_id is None for r in rs)
                ]
                insert_ignore_rows(
                    conn, trace_run_links, ["trace_id", "run_id"], [(t, run_id) for t in roots]
                )

        if records:
            self.db.run_write(write)

    def batch_get_traces(self, trace_ids: Sequence[str]) -> list[Trace]:
        """Whole traces (info and spans) for the ids that exist, in the order asked."""
        with self.db.read() as conn:
            infos = infos_by_id(conn, trace_ids)
            contents: dict[str, list[str]] = defaultdict(list)
            found = [i.trace_id for i in infos]
            for i in range(0, len(found), CHUNK):
                query = (
                    select(spans.c.trace_id, spans.c.content)
                    .where(spans.c.trace_id.in_(found[i : i + CHUNK]))
                    .order_by(spans.c.trace_id, spans.c.start_time_unix_nano, spans.c.span_id)
                )
                for trace_id, content in conn.execute(query):
                    contents[trace_id].append(content)
        return [Trace(info, tuple(contents.get(info.trace_id, ()))) for info in infos]

    def get_trace(self, trace_id: str) -> Trace | None:
        traces = self.batch_get_traces([trace_id])
        return traces[0] if traces else None


def _info_row(trace_id: str, exp_id: int, records: Sequence[SpanRecord]) -> dict[str, object]:
    """A trace_info row derived from the spans of a trace the client has not described."""
    start = min(r.start_time_unix_nano for r in records)
    root = next((r for r in records if r.parent_span_id is None), None)
    row: dict[str, object] = {
        "trace_id": trace_id,
        "experiment_id": exp_id,
        "request_time": start // NANOS_PER_MS,
        "state": "IN_PROGRESS",
        "execution_duration": None,
        "request_preview": None,
        "response_preview": None,
    }
    if root is not None:
        row.update(_root_values(root))
    return row


def _root_values(root: SpanRecord) -> dict[str, object]:
    values: dict[str, object] = {
        "state": "ERROR" if root.status == "ERROR" else "OK",
        "request_preview": _preview(root.inputs_preview),
        "response_preview": _preview(root.outputs_preview),
    }
    if root.end_time_unix_nano is not None:
        duration = (root.end_time_unix_nano - root.start_time_unix_nano) // NANOS_PER_MS
        values["execution_duration"] = max(0, duration)
    else:
        values["state"] = "IN_PROGRESS"
    return values


def _preview(text: str | None) -> str | None:
    return text[:PREVIEW_LENGTH] if text is not None else None


def _finish_in_progress(
    conn: Connection, by_trace: dict[str, list[SpanRecord]], known: set[str]
) -> None:
    # A root span arriving for a trace that only spans have described completes it; a trace the
    # client finished itself (StartTraceV3) is not IN_PROGRESS and keeps its own values.
    for trace_id in sorted(known):
        root = next((r for r in by_trace[trace_id] if r.parent_span_id is None), None)
        if root is None:
            continue
        conn.execute(
            update(trace_info)
            .where(trace_info.c.trace_id == trace_id, trace_info.c.state == "IN_PROGRESS")
            .values(**_root_values(root))
        )


def upsert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    n_keys: int,
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Insert ``rows`` (tuples of ``columns``, the first ``n_keys`` being the primary key),
    overwriting the other columns of rows already present.

    Straight to the driver's executemany: ingest writes thousands of rows a second, and building
    an upsert statement through the SQL compiler costs more than the database does.
    """
    if not rows:
        return
    name = conn.dialect.name
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in columns)
    updates = columns[n_keys:]
    if name in ("sqlite", "postgresql"):
        mark = "?" if name == "sqlite" else "%s"
        keys = ", ".join(quote(c) for c in columns[:n_keys])
        sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in updates)
        sql = (
            f"INSERT INTO {table.name} ({cols}) VALUES ({', '.join(mark for _ in columns)}) "
            f"ON CONFLICT ({keys}) DO UPDATE SET {sets}"
        )
    elif name in ("mysql", "mariadb"):
        sets = ", ".join(f"{quote(c)} = VALUES({quote(c)})" for c in updates)
        sql = (
            f"INSERT INTO {table.name} ({cols}) VALUES ({', '.join('%s' for _ in columns)}) "
            f"ON DUPLICATE KEY UPDATE {sets}"
        )
    else:
        dicts = [dict(zip(columns, r, strict=True)) for r in rows]
        upsert(conn, table, dicts, list(columns[:n_keys]), list(updates))
        return
    conn.exec_driver_sql(sql, list(rows))
