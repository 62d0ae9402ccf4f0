"""MLflow span rows as runhub stores them: OTLP JSON ``content`` and searchable attributes.

MLflow stores a span's ``content`` as its own JSON (attributes as a map of JSON-encoded
strings, event attributes as plain values); runhub stores the OTLP protobuf-JSON form, so both
become key/value lists. Short attribute values are also kept as text for span filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from runhub.lifecycle.trace_spans import json_or_text
from runhub.validation import MAX_SPAN_ATTRIBUTE_TEXT

REQUEST_ID_ATTRIBUTE = "mlflow.traceRequestId"
MAX_ATTRIBUTE_KEY = 250


def runhub_span(s: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``spans`` row and ``span_attributes`` rows of one MLflow ``spans`` row."""
    content = orjson.loads(s["content"])
    raw = content.get("attributes") or {}
    attributes: list[dict[str, Any]] = []
    if isinstance(raw, dict):
        # MLflow keeps each attribute JSON-encoded; OTLP carries the decoded value itself.
        values = {k: json_or_text(v) if isinstance(v, str) else v for k, v in raw.items()}
        content["attributes"] = [{"key": k, "value": _any_value(v)} for k, v in values.items()]
        for key, value in values.items():
            text = value if isinstance(value, str) else orjson.dumps(value).decode()
            if (
                key != REQUEST_ID_ATTRIBUTE
                and len(text) <= MAX_SPAN_ATTRIBUTE_TEXT
                and len(key) <= MAX_ATTRIBUTE_KEY
            ):
                attributes.append(
                    {"trace_id": s["trace_id"], "span_id": s["span_id"], "key": key, "value": text}
                )
    for event in content.get("events") or []:
        # Event attributes are plain values in MLflow's form, a key/value list in OTLP's.
        if isinstance(event, dict) and isinstance(event.get("attributes"), dict):
            pairs = event["attributes"].items()
            event["attributes"] = [{"key": k, "value": _any_value(v)} for k, v in pairs]
    for name in ("events", "links"):
        if content.get(name) == []:
            del content[name]
    row = {
        "trace_id": s["trace_id"],
        "span_id": s["span_id"],
        "parent_span_id": s.get("parent_span_id"),
        "name": s.get("name") or "",
        "type": s.get("type"),
        "status": s.get("status") or "UNSET",
        "start_time_unix_nano": s["start_time_unix_nano"],
        "end_time_unix_nano": s.get("end_time_unix_nano"),
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
