"""Rules of evaluation datasets that do not depend on where they are stored.

A record's identity is its inputs: the SHA-256 of their canonical JSON (keys sorted, Python's
default separators, as MLflow computes it, so digests agree across servers). Merging a record
into one with the same inputs replaces the outputs when given, and merges expectations and tags
key by key. A dataset's schema records the type first seen for each key and only grows.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from runhub.entities.evaluation_dataset import RecordInput

USER_TAG = "mlflow.user"
SCHEMA_VERSION = "1.0"


def new_dataset_id() -> str:
    return "d-" + uuid.uuid4().hex


def new_record_id() -> str:
    return "dr-" + uuid.uuid4().hex


def inputs_digest(inputs: Mapping[str, Any]) -> str:
    """The de-duplication key of a record: SHA-256 hex of its canonical inputs JSON."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def dataset_digest(name: str, last_update_time: int) -> str:
    """What the ``digest`` field shows: it changes whenever records are upserted."""
    return hashlib.sha256(f"{name}:{last_update_time}".encode()).hexdigest()[:8]


def user_of(tags: Mapping[str, Any]) -> str | None:
    value = tags.get(USER_TAG)
    return None if value is None else str(value)


def value_type(value: Any) -> str:
    """The schema's name for the JSON type of ``value``."""
    if value is None:
        return "null"
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "float"), (str, "string")):
        if isinstance(value, kind):
            return name
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "unknown"


def extend_schema(schema_text: str | None, records: Iterable[RecordInput]) -> str | None:
    """The schema with the keys of ``records`` added (types first seen win), as JSON text."""
    schema: dict[str, Any] = (
        json.loads(schema_text)
        if schema_text
        else {"inputs": {}, "outputs": {}, "expectations": {}, "version": SCHEMA_VERSION}
    )
    changed = schema_text is None
    for record in records:
        changed |= _add_keys(schema["inputs"], record.inputs)
        outputs = record.outputs
        if record.has_outputs and outputs is not None:
            if isinstance(outputs, dict):
                if isinstance(schema["outputs"], dict):
                    changed |= _add_keys(schema["outputs"], outputs)
            elif not schema["outputs"]:
                schema["outputs"] = value_type(outputs)
                changed = True
        changed |= _add_keys(schema["expectations"], record.expectations)
    return json.dumps(schema) if changed else schema_text


def _add_keys(target: dict[str, str], values: Mapping[str, Any]) -> bool:
    added = False
    for key, value in values.items():
        if key not in target:
            target[key] = value_type(value)
            added = True
    return added


def merge_json(stored: Mapping[str, Any] | None, incoming: Mapping[str, Any]) -> dict[str, Any]:
    """Expectations and tags merge key by key: incoming keys win, others are kept."""
    return {**(stored or {}), **incoming}


def source_type_of(source: Mapping[str, Any] | None) -> str | None:
    if not source:
        return None
    kind = source.get("source_type")
    return kind if isinstance(kind, str) else None


def source_id_of(source: Mapping[str, Any] | None) -> str | None:
    """The id a source points at: the trace id of a TRACE source, else its ``source_id``."""
    data = source.get("source_data") if source else None
    if not isinstance(data, dict):
        return None
    assert source is not None
    value = data.get("trace_id" if source.get("source_type") == "TRACE" else "source_id")
    return value if isinstance(value, str) and value else None
