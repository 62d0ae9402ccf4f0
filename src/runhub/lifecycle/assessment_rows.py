"""MLflow ``assessments`` rows as runhub's ``Assessment`` entities."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Row

from runhub.entities.trace import Assessment, AssessmentSource
from runhub.lifecycle.mlflow_sql import get
from runhub.lifecycle.trace_spans import json_or_text


def mlflow_assessment(a: Row[Any]) -> Assessment:
    """The assessment an MLflow row holds (its value, error and metadata are JSON text)."""
    metadata = json_or_text(get(a, "assessment_metadata")) or {}
    error = json_or_text(get(a, "error"))
    value = json_or_text(get(a, "value"))
    issue = value if a.assessment_type == "issue" and isinstance(value, dict) else None
    serialized = None
    if a.assessment_type == "expectation" and isinstance(value, (list, dict)):
        # Clients send (and read back) a structured expectation as JSON text; MLflow's own
        # json.dumps spelling keeps it byte for byte.
        serialized = {"serialization_format": "JSON_FORMAT", "value": json.dumps(value)}
        value = None
    return Assessment(
        assessment_id=a.assessment_id,
        trace_id=a.trace_id,
        name=a.name,
        kind=a.assessment_type,
        source=AssessmentSource(a.source_type, a.source_id or ""),
        create_time=a.created_timestamp,
        last_update_time=a.last_updated_timestamp,
        value=None if issue is not None else value,
        serialized=serialized,
        issue_name=str(issue.get("issue_name") or "") if issue is not None else None,
        error=error if isinstance(error, dict) else None,
        span_id=get(a, "span_id"),
        rationale=get(a, "rationale"),
        metadata={str(k): str(v) for k, v in metadata.items()}
        if isinstance(metadata, dict)
        else {},
        overrides=get(a, "overrides"),
        valid=bool(get(a, "valid", True)),
    )
