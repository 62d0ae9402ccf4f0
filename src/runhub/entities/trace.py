"""Traces, spans and assessments as passed between the API and the stores."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Tags and metadata keys with a meaning to clients.
SPANS_LOCATION_TAG = "mlflow.trace.spansLocation"
TRACKING_STORE = "TRACKING_STORE"
ARTIFACT_LOCATION_TAG = "mlflow.artifactLocation"
TRACE_NAME_TAG = "mlflow.traceName"
LINKED_PROMPTS_TAG = "mlflow.linkedPrompts"
SOURCE_RUN_METADATA = "mlflow.sourceRun"


class TraceState(str, enum.Enum):
    OK = "OK"
    ERROR = "ERROR"
    IN_PROGRESS = "IN_PROGRESS"


@dataclass(frozen=True)
class AssessmentSource:
    source_type: str  # HUMAN | LLM_JUDGE | CODE
    source_id: str


@dataclass(frozen=True)
class Assessment:
    """Feedback, an expectation or an issue reference attached to a trace.

    ``kind`` says which; ``value`` is the JSON value (feedback/expectation), ``error`` the
    feedback error object, ``serialized`` an expectation's ``serialized_value`` object.
    """

    assessment_id: str
    trace_id: str
    name: str
    kind: str  # feedback | expectation | issue
    source: AssessmentSource
    create_time: int  # ms
    last_update_time: int  # ms
    value: Any = None
    error: Mapping[str, Any] | None = None
    serialized: Mapping[str, Any] | None = None
    issue_name: str | None = None
    span_id: str | None = None
    rationale: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    overrides: str | None = None
    valid: bool = True


@dataclass(frozen=True)
class TraceInfo:
    trace_id: str
    experiment_id: str
    request_time: int  # ms since the epoch
    state: str
    execution_duration: int | None = None  # ms
    client_request_id: str | None = None
    request_preview: str | None = None
    response_preview: str | None = None
    trace_metadata: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    assessments: tuple[Assessment, ...] = ()


@dataclass(frozen=True)
class SpanRecord:
    """One span as stored: searchable columns plus its OTLP JSON ``content``."""

    trace_id: str  # the MLflow trace id, tr-<32 hex>
    span_id: str  # 16 hex
    parent_span_id: str | None
    name: str
    span_type: str | None
    status: str  # OK | ERROR | UNSET
    start_time_unix_nano: int
    end_time_unix_nano: int | None
    content: str
    attributes: Mapping[str, str] = field(default_factory=dict)  # short values as text
    inputs_preview: str | None = None
    outputs_preview: str | None = None


@dataclass(frozen=True)
class Trace:
    info: TraceInfo
    span_contents: tuple[str, ...]  # each span's OTLP JSON, in start-time order
