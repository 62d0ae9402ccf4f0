"""Trace and assessment messages to and from their JSON wire shapes (mlflow-api.md §2.7).

Trace infos carry protobuf ``Timestamp`` ("2026-11-28T06:31:01.334Z") and ``Duration`` ("1.5s")
strings; maps (tags, metadata) are JSON objects. Both snake_case and lowerCamelCase request
names are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runhub.entities.trace import Assessment, AssessmentSource, TraceInfo
from runhub.errors import InvalidParameter
from runhub.times import duration_ms, format_duration, rfc3339, timestamp_ms

STATES = {0: "STATE_UNSPECIFIED", 1: "OK", 2: "ERROR", 3: "IN_PROGRESS"}
SOURCE_TYPES = {0: "SOURCE_TYPE_UNSPECIFIED", 1: "HUMAN", 2: "LLM_JUDGE", 3: "CODE"}
MAX_KEY_LENGTH = 250  # tag, metadata and assessment names
MAX_ID_LENGTH = 50  # trace, span and assessment ids


def get(message: Mapping[str, Any], name: str) -> Any:
    """Field ``name`` of a JSON message, under its snake_case or lowerCamelCase name."""
    if name in message:
        return message[name]
    head, *rest = name.split("_")
    return message.get(head + "".join(p[:1].upper() + p[1:] for p in rest))


def format_timestamp(ms: int) -> str:
    """A protobuf Timestamp string; a stored time past the years 1 to 9999 shows the nearest."""
    return rfc3339(ms)


def enum_name(value: Any, names: Mapping[int, str], what: str) -> str:
    if isinstance(value, str) and value in names.values():
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value in names:
        return names[value]
    raise InvalidParameter(f"Invalid value {value!r} for '{what}'.")


def string_map(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidParameter(f"'{what}' must be a JSON object of strings.")
    return {str(k): v for k, v in value.items()}


def optional_str(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise InvalidParameter(f"'{what}' must be a string.")


def check_length(value: str | None, limit: int, what: str) -> None:
    if value is not None and len(value) > limit:
        raise InvalidParameter(f"'{what}' exceeds the maximum length of {limit} characters")


def check_keys(values: Mapping[str, str], what: str) -> None:
    for key in values:
        if not key:
            raise InvalidParameter(f"{what} keys must not be empty.")
        check_length(key, MAX_KEY_LENGTH, f"{what} key")


def parse_trace_info(message: Any) -> TraceInfo:
    """A TraceInfoV3 JSON message; raises InvalidParameter when it is malformed."""
    if not isinstance(message, dict):
        raise InvalidParameter("Missing value for required parameter 'trace.trace_info'.")
    trace_id = get(message, "trace_id")
    if not isinstance(trace_id, str) or not trace_id:
        raise InvalidParameter("Missing value for required parameter 'trace_info.trace_id'.")
    location = get(message, "trace_location") or {}
    experiment = get(location, "mlflow_experiment") if isinstance(location, dict) else None
    experiment_id = get(experiment, "experiment_id") if isinstance(experiment, dict) else None
    if not experiment_id:
        raise InvalidParameter(
            "A trace must have an MLFLOW_EXPERIMENT trace_location with an experiment_id."
        )
    check_length(trace_id, MAX_ID_LENGTH, "trace_id")
    request_time = get(message, "request_time")
    duration = get(message, "execution_duration")
    state = enum_name(get(message, "state") or "STATE_UNSPECIFIED", STATES, "trace_info.state")
    info = TraceInfo(
        trace_id=trace_id,
        experiment_id=str(experiment_id),
        request_time=timestamp_ms(request_time, "request_time") if request_time else 0,
        state="IN_PROGRESS" if state == "STATE_UNSPECIFIED" else state,
        execution_duration=duration_ms(duration, "execution_duration") if duration else None,
        client_request_id=optional_str(get(message, "client_request_id"), "client_request_id"),
        request_preview=optional_str(get(message, "request_preview"), "request_preview"),
        response_preview=optional_str(get(message, "response_preview"), "response_preview"),
        trace_metadata=string_map(get(message, "trace_metadata"), "trace_metadata"),
        tags=string_map(get(message, "tags"), "tags"),
    )
    check_length(info.client_request_id, MAX_KEY_LENGTH, "client_request_id")
    check_keys(info.tags, "Trace tag")
    check_keys(info.trace_metadata, "Trace metadata")
    return info


def trace_info_json(info: TraceInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "trace_id": info.trace_id,
        "trace_location": {
            "type": "MLFLOW_EXPERIMENT",
            "mlflow_experiment": {"experiment_id": info.experiment_id},
        },
        "request_time": format_timestamp(info.request_time),
        "state": info.state,
    }
    if info.client_request_id:
        out["client_request_id"] = info.client_request_id
    if info.request_preview is not None:
        out["request_preview"] = info.request_preview
    if info.response_preview is not None:
        out["response_preview"] = info.response_preview
    if info.execution_duration is not None:
        out["execution_duration"] = format_duration(info.execution_duration)
    if info.trace_metadata:
        out["trace_metadata"] = dict(info.trace_metadata)
    if info.assessments:
        out["assessments"] = [assessment_json(a) for a in info.assessments]
    if info.tags:
        out["tags"] = dict(info.tags)
    return out


def trace_info_v2_json(info: TraceInfo) -> dict[str, Any]:
    """The legacy TraceInfo shape of the /api/2.0 trace routes."""
    out: dict[str, Any] = {
        "request_id": info.trace_id,
        "experiment_id": info.experiment_id,
        "timestamp_ms": info.request_time,
        "status": info.state,
    }
    if info.execution_duration is not None:
        out["execution_time_ms"] = info.execution_duration
    if info.trace_metadata:
        out["request_metadata"] = [{"key": k, "value": v} for k, v in info.trace_metadata.items()]
    if info.tags:
        out["tags"] = [{"key": k, "value": v} for k, v in info.tags.items()]
    return out


def assessment_json(a: Assessment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "assessment_id": a.assessment_id,
        "assessment_name": a.name,
        "trace_id": a.trace_id,
        "source": {"source_type": a.source.source_type, "source_id": a.source.source_id},
        "create_time": format_timestamp(a.create_time),
        "last_update_time": format_timestamp(a.last_update_time),
        "valid": a.valid,
    }
    if a.span_id:
        out["span_id"] = a.span_id
    if a.kind == "feedback":
        feedback: dict[str, Any] = {}
        if a.value is not None:
            feedback["value"] = a.value
        if a.error:
            feedback["error"] = dict(a.error)
        out["feedback"] = feedback
    elif a.kind == "expectation":
        if a.serialized is not None:
            out["expectation"] = {"serialized_value": dict(a.serialized)}
        else:
            out["expectation"] = {"value": a.value}
    elif a.kind == "issue":
        out["issue"] = {"issue_name": a.issue_name or ""}
    if a.rationale:
        out["rationale"] = a.rationale
    if a.metadata:
        out["metadata"] = dict(a.metadata)
    if a.overrides:
        out["overrides"] = a.overrides
    return out


def parse_assessment(message: Any, trace_id: str, *, partial: bool = False) -> Assessment:
    """An Assessment JSON message; with ``partial`` (updates) required fields may be absent."""
    if not isinstance(message, dict):
        raise InvalidParameter("Missing value for required parameter 'assessment'.")
    name = get(message, "assessment_name")
    if not partial and (not isinstance(name, str) or not name):
        raise InvalidParameter("Missing value for required parameter 'assessment.assessment_name'.")
    kinds = [k for k in ("feedback", "expectation", "issue") if get(message, k) is not None]
    if len(kinds) > 1 or (not kinds and not partial):
        raise InvalidParameter(
            "An assessment must have exactly one of 'feedback', 'expectation' or 'issue'."
        )
    kind = kinds[0] if kinds else ""
    body = get(message, kind) if kind else {}
    if not isinstance(body, dict):
        raise InvalidParameter(f"'assessment.{kind}' must be an object.")
    source = get(message, "source")
    if isinstance(source, dict):
        source_type = enum_name(
            get(source, "source_type") or 0, SOURCE_TYPES, "assessment.source.source_type"
        )
        parsed_source = AssessmentSource(source_type, str(get(source, "source_id") or ""))
    elif partial:
        parsed_source = AssessmentSource("", "")
    else:
        raise InvalidParameter("Missing value for required parameter 'assessment.source'.")
    if not partial and (
        parsed_source.source_type == "SOURCE_TYPE_UNSPECIFIED" or not parsed_source.source_id
    ):
        raise InvalidParameter(
            "'assessment.source' needs a source_type (HUMAN, LLM_JUDGE or CODE) and a source_id."
        )
    error = get(body, "error") if kind == "feedback" else get(message, "error")
    serialized = get(body, "serialized_value") if kind == "expectation" else None
    issue = get(body, "issue_name") if kind == "issue" else None
    valid = get(message, "valid")
    assessment = Assessment(
        assessment_id=optional_str(get(message, "assessment_id"), "assessment_id") or "",
        trace_id=trace_id,
        name=name if isinstance(name, str) else "",
        kind=kind,
        source=parsed_source,
        create_time=0,
        last_update_time=0,
        value=get(body, "value") if kind in ("feedback", "expectation") else None,
        error=error if isinstance(error, dict) and error else None,
        serialized=serialized if isinstance(serialized, dict) else None,
        issue_name=issue if isinstance(issue, str) else None,
        span_id=optional_str(get(message, "span_id"), "span_id"),
        rationale=optional_str(get(message, "rationale"), "rationale"),
        metadata=string_map(get(message, "metadata"), "assessment.metadata"),
        overrides=optional_str(get(message, "overrides"), "overrides"),
        valid=True if valid is None else bool(valid),
    )
    check_length(assessment.name, MAX_KEY_LENGTH, "assessment_name")
    check_length(assessment.source.source_id, MAX_KEY_LENGTH, "source.source_id")
    check_length(assessment.span_id, MAX_ID_LENGTH, "span_id")
    check_length(assessment.overrides, MAX_ID_LENGTH, "overrides")
    return assessment
