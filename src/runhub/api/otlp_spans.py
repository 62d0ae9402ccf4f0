"""OTLP trace export requests (protobuf or JSON) to the span records runhub stores.

A span's stored ``content`` is its protobuf-JSON form (snake_case names, base64 ids, times as
numbers): exactly what clients parse back from ``traces/get``. Short attribute values are kept
as text too, for ``span.attributes.<key>`` filters.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson
from google.protobuf.json_format import MessageToDict, ParseDict, ParseError
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from runhub.entities.trace import SpanRecord
from runhub.validation import MAX_SPAN_ATTRIBUTE_TEXT

SPAN_TYPE_ATTRIBUTE = "mlflow.spanType"
INPUTS_ATTRIBUTE = "mlflow.spanInputs"
OUTPUTS_ATTRIBUTE = "mlflow.spanOutputs"
REQUEST_ID_ATTRIBUTE = "mlflow.traceRequestId"
STATUS_NAMES = {Status.STATUS_CODE_OK: "OK", Status.STATUS_CODE_ERROR: "ERROR"}
ID_FIELDS = ("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id")


class InvalidBody(Exception):
    """The body is not an OTLP export request (400)."""


class InvalidSpan(Exception):
    """A span cannot be stored, e.g. it lacks ids (422)."""


def parse_protobuf(body: bytes) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    try:
        request.ParseFromString(body)
    except (DecodeError, ValueError, RuntimeError) as exc:
        raise InvalidBody(f"Invalid OpenTelemetry format: {exc}") from None
    return request


def parse_json(body: bytes) -> ExportTraceServiceRequest:
    """OTLP/JSON: lowerCamelCase names and hex (not base64) trace and span ids."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidBody(f"Invalid OpenTelemetry format: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidBody("Invalid OpenTelemetry format: expected a JSON object")
    for resource_spans in _list(data, "resourceSpans", "resource_spans"):
        for scope_spans in _list(resource_spans, "scopeSpans", "scope_spans"):
            for span in _list(scope_spans, "spans"):
                if isinstance(span, dict):
                    _hex_ids_to_base64(span)
                    for link in _list(span, "links"):
                        if isinstance(link, dict):
                            _hex_ids_to_base64(link)
    request = ExportTraceServiceRequest()
    try:
        ParseDict(data, request, ignore_unknown_fields=True)
    except (ParseError, ValueError, TypeError) as exc:
        raise InvalidBody(f"Invalid OpenTelemetry format: {exc}") from None
    return request


def _list(data: Any, *names: str) -> list[Any]:
    if not isinstance(data, dict):
        return []
    for name in names:
        value = data.get(name)
        if isinstance(value, list):
            return value
    return []


def _hex_ids_to_base64(obj: dict[str, Any]) -> None:
    for name in ID_FIELDS:
        value = obj.get(name)
        if isinstance(value, str) and value:
            try:
                obj[name] = base64.b64encode(bytes.fromhex(value)).decode()
            except ValueError:
                raise InvalidSpan(f"'{name}' is not a hex id: {value!r}") from None


def span_records(request: ExportTraceServiceRequest) -> list[SpanRecord]:
    """The records of every span in ``request``; raises InvalidSpan for one without ids."""
    return [
        span_record(span)
        for resource_spans in request.resource_spans
        for scope_spans in resource_spans.scope_spans
        for span in scope_spans.spans
    ]


def span_record(span: Span) -> SpanRecord:
    if len(span.trace_id) != 16:
        raise InvalidSpan(f"span '{span.name}' has no valid 16-byte trace_id")
    if len(span.span_id) != 8:
        raise InvalidSpan(f"span '{span.name}' has no valid 8-byte span_id")
    if span.parent_span_id and len(span.parent_span_id) != 8:
        raise InvalidSpan(f"span '{span.name}' has an invalid parent_span_id")
    content = MessageToDict(span, preserving_proto_field_name=True)
    # Times travel as numbers in full-trace responses.
    for name in ("start_time_unix_nano", "end_time_unix_nano"):
        if name in content:
            content[name] = int(content[name])
    attributes: dict[str, str] = {}
    span_type = inputs = outputs = None
    for attribute in span.attributes:
        text = _text(attribute.value)
        if attribute.key == SPAN_TYPE_ATTRIBUTE:
            span_type = text
        elif attribute.key == INPUTS_ATTRIBUTE:
            inputs = text
        elif attribute.key == OUTPUTS_ATTRIBUTE:
            outputs = text
        if (
            attribute.key != REQUEST_ID_ATTRIBUTE
            and len(text) <= MAX_SPAN_ATTRIBUTE_TEXT
            and len(attribute.key) <= 250
        ):
            attributes[attribute.key] = text
    end = span.end_time_unix_nano
    return SpanRecord(
        trace_id="tr-" + span.trace_id.hex(),
        span_id=span.span_id.hex(),
        parent_span_id=span.parent_span_id.hex() if span.parent_span_id else None,
        name=span.name,
        span_type=span_type[:500] if span_type else None,
        status=STATUS_NAMES.get(span.status.code, "UNSET"),
        start_time_unix_nano=span.start_time_unix_nano,
        end_time_unix_nano=end if end else None,
        content=orjson.dumps(content).decode(),
        attributes=attributes,
        inputs_preview=inputs,
        outputs_preview=outputs,
    )


def _text(value: AnyValue) -> str:
    """An attribute value as text: a string as itself, anything else as JSON."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value
    if kind is None:
        return ""
    return orjson.dumps(_plain(value)).decode()


def _plain(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_plain(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _plain(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode()
    if kind is None:
        return None
    return getattr(value, kind)
