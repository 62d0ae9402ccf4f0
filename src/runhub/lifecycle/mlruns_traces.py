"""Reading the traces of an ``mlruns`` experiment folder into MLflow-shaped SQL rows.

Layout: ``<experiment>/traces/<trace_id>/`` holds ``trace_info.yaml``, ``request_metadata/``
and ``tags/`` (one file per entry) and ``assessments/<assessment_id>.yaml``; the spans are in
``traces.json`` at the trace's ``mlflow.artifactLocation`` tag (by default the trace folder's
``artifacts/``). Both the MLflow 3 form of ``trace_info.yaml`` and the 2.x one are read.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import BigInteger, Boolean, Column, MetaData, String, Table, Text

from runhub.entities.trace import ARTIFACT_LOCATION_TAG
from runhub.errors import InvalidParameter
from runhub.lifecycle.trace_spans import json_or_text, local_directory, read_span_file, span_row
from runhub.store.file.files import read_key_values, read_yaml
from runhub.times import duration_ms, timestamp_ms

ASSESSMENT_KINDS = ("feedback", "expectation", "issue")

trace_meta = MetaData()
S, T, INT = String(), Text(), BigInteger()


def _table(name: str, *columns: tuple[str, Any]) -> Table:
    return Table(name, trace_meta, *(Column(n, t) for n, t in columns))


TRACE_TABLES = {
    t.name: t
    for t in (
        _table(
            "trace_info",
            ("request_id", S),
            ("experiment_id", INT),
            ("timestamp_ms", INT),
            ("execution_time_ms", INT),
            ("status", S),
            ("client_request_id", S),
            ("request_preview", T),
            ("response_preview", T),
        ),
        _table("trace_tags", ("request_id", S), ("key", S), ("value", T)),
        _table("trace_request_metadata", ("request_id", S), ("key", S), ("value", T)),
        _table(
            "spans",
            ("trace_id", S),
            ("span_id", S),
            ("parent_span_id", S),
            ("name", T),
            ("type", S),
            ("status", S),
            ("start_time_unix_nano", INT),
            ("end_time_unix_nano", INT),
            ("content", T),
        ),
        _table(
            "assessments",
            ("assessment_id", S),
            ("trace_id", S),
            ("name", S),
            ("assessment_type", S),
            ("value", T),
            ("error", T),
            ("created_timestamp", INT),
            ("last_updated_timestamp", INT),
            ("source_type", S),
            ("source_id", S),
            ("span_id", S),
            ("rationale", T),
            ("overrides", S),
            ("valid", Boolean()),
            ("assessment_metadata", T),
        ),
    )
}

Rows = dict[str, list[dict[str, Any]]]


def read_traces(exp_dir: Path, exp_id: int, artifact_root: str, rows: Rows) -> None:
    """Add the traces under ``exp_dir/traces`` to ``rows`` (keyed by MLflow table name)."""
    traces_dir = exp_dir / "traces"
    if not traces_dir.is_dir():
        return
    for trace_dir in sorted(p for p in traces_dir.iterdir() if (p / "trace_info.yaml").is_file()):
        _read_trace(trace_dir, exp_id, artifact_root, rows)


def _read_trace(trace_dir: Path, exp_id: int, root: str, rows: Rows) -> None:
    info = read_yaml(trace_dir / "trace_info.yaml")
    trace_id = str(info.get("trace_id") or info.get("request_id") or trace_dir.name)
    state = str(info.get("state") or info.get("status") or "STATE_UNSPECIFIED")
    duration = info.get("execution_duration_ms", info.get("execution_time_ms"))
    rows["trace_info"].append(
        {
            "request_id": trace_id,
            "experiment_id": exp_id,
            "timestamp_ms": _ms(info.get("request_time", info.get("timestamp_ms"))),
            "execution_time_ms": _duration(duration),
            "status": state,
            "client_request_id": info.get("client_request_id"),
            "request_preview": info.get("request_preview"),
            "response_preview": info.get("response_preview"),
        }
    )
    tags = dict(read_key_values(trace_dir / "tags"))
    for key, value in tags.items():
        rows["trace_tags"].append({"request_id": trace_id, "key": key, "value": value})
    for key, value in read_key_values(trace_dir / "request_metadata"):
        rows["trace_request_metadata"].append({"request_id": trace_id, "key": key, "value": value})
    location = tags.get(ARTIFACT_LOCATION_TAG) or f"{root.rstrip('/')}/traces/{trace_id}/artifacts"
    spans = read_span_file(local_directory(location))
    if spans is None:
        spans = read_span_file(trace_dir / "artifacts")
    rows["spans"] += [span_row(trace_id, s) for s in spans or []]
    assessments_dir = trace_dir / "assessments"
    if assessments_dir.is_dir():
        for path in sorted(assessments_dir.glob("*.yaml")):
            row = _assessment(trace_id, read_yaml(path))
            if row is not None:
                rows["assessments"].append(row)


def _assessment(trace_id: str, a: dict[str, Any]) -> dict[str, Any] | None:
    kind = next((k for k in ASSESSMENT_KINDS if a.get(k)), None)
    if kind is None:
        return None
    body = a[kind] if isinstance(a[kind], dict) else {}
    error = body.get("error") if kind == "feedback" else None
    if kind == "issue":
        value: Any = body
    elif "serialized_value" in body:
        value = json_or_text((body.get("serialized_value") or {}).get("value"))
    else:
        value = body.get("value")
    source = a.get("source") or {}
    metadata = a.get("metadata")
    return {
        "assessment_id": a.get("assessment_id"),
        "trace_id": a.get("trace_id") or trace_id,
        "name": a.get("assessment_name"),
        "assessment_type": kind,
        "value": orjson.dumps(value).decode(),
        "error": orjson.dumps(error).decode() if error else None,
        "created_timestamp": _ms(a.get("create_time")),
        "last_updated_timestamp": _ms(a.get("last_update_time") or a.get("create_time")),
        "source_type": source.get("source_type"),
        "source_id": source.get("source_id"),
        "span_id": a.get("span_id"),
        "rationale": a.get("rationale"),
        "overrides": a.get("overrides"),
        "valid": bool(a.get("valid", True)),
        "assessment_metadata": orjson.dumps(metadata).decode() if metadata else None,
    }


def _duration(value: Any) -> int | None:
    """Milliseconds of a duration written as a number or a protobuf Duration ("0.025s")."""
    if value is None:
        return None
    try:
        return duration_ms(value, "execution duration")
    except InvalidParameter:
        return None


def _ms(value: Any) -> int:
    """Milliseconds since the epoch of a protobuf Timestamp string, a number or a datetime
    (YAML reads an unquoted timestamp as one)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return int(moment.timestamp() * 1000)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    try:
        return timestamp_ms(value, "time")
    except InvalidParameter:
        return 0
