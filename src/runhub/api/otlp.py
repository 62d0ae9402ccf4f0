"""OTLP/HTTP trace ingest: ``POST /v1/traces`` (mlflow-api.md §1.9).

The body is an ``ExportTraceServiceRequest`` as protobuf or OTLP/JSON, optionally gzip or
deflate compressed; header ``x-mlflow-experiment-id`` names the experiment of new traces and
``x-mlflow-run-id`` links finished traces to a run. All spans of a request are stored in one
transaction, so a request succeeds or fails as a whole. Errors: 400 for an unsupported content
type or encoding, a missing header, or a body that is not OTLP; 413 for a body over 64 MB (128 MB
decompressed); 422 for a span without valid ids; 404 for an unknown experiment. Every error
uses the JSON error shape plus ``detail``.
"""

from __future__ import annotations

import zlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.declaration import Declaration, Header, declare
from runhub.api.endpoint import json_response
from runhub.api.otlp_spans import InvalidBody, InvalidSpan, parse_json, parse_protobuf, span_records
from runhub.entities.trace import SpanRecord
from runhub.errors import InvalidParameter, RunhubError, error_json
from runhub.store.stores import Stores

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
EXPERIMENT_HEADER = "x-mlflow-experiment-id"
RUN_HEADER = "x-mlflow-run-id"
# Bodies are read whole to be decoded, so their size is bounded: as sent, and once
# decompressed (a small gzip body can expand enormously).
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024


class BodyTooLarge(Exception):
    pass


async def _read_body(request: Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge(f"The request body exceeds {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _error(status: int, message: str, error_code: str = "INVALID_PARAMETER_VALUE") -> Response:
    return json_response(error_json(error_code, message, detail=message), status)


def _decompress(body: bytes, encoding: str) -> bytes:
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "deflate"):
        raise InvalidBody(f"Unsupported Content-Encoding '{encoding}'; use gzip or deflate")
    # gzip: a gzip header; deflate: a zlib header (or, from some senders, raw deflate).
    attempts = (16 + zlib.MAX_WBITS,) if encoding == "gzip" else (zlib.MAX_WBITS, -zlib.MAX_WBITS)
    for wbits in attempts:
        decoder = zlib.decompressobj(wbits)
        try:
            out = decoder.decompress(body, MAX_DECOMPRESSED_BYTES)
        except zlib.error:
            continue
        if decoder.unconsumed_tail:
            raise BodyTooLarge(f"The decompressed body exceeds {MAX_DECOMPRESSED_BYTES} bytes")
        return out
    raise InvalidBody(f"Invalid OpenTelemetry format: the body is not valid {encoding} data")


@declare(
    Declaration(
        headers=(
            Header(EXPERIMENT_HEADER, "The experiment of new traces.", required=True),
            Header(RUN_HEADER, "A run to link the finished traces to."),
            Header("Content-Encoding", "`gzip` or `deflate` for a compressed body."),
        ),
        body=(PROTOBUF, JSON),
        answers=(PROTOBUF, JSON),
        summary="Export traces (OTLP/HTTP)",
    )
)
async def export_traces(request: Request) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in (PROTOBUF, JSON):
        return _error(
            400,
            f"Unsupported Content-Type '{content_type}'; use {PROTOBUF} or {JSON}",
        )
    experiment_id = request.headers.get(EXPERIMENT_HEADER, "").strip()
    if not experiment_id:
        return _error(400, f"Missing required header '{EXPERIMENT_HEADER}'")
    run_id = request.headers.get(RUN_HEADER, "").strip() or None
    encoding = request.headers.get("content-encoding", "").strip().lower()
    try:
        body = _decompress(await _read_body(request), encoding)
        if not body:
            raise InvalidBody("Invalid OpenTelemetry format: the body is empty")
        parsed = parse_protobuf(body) if content_type == PROTOBUF else parse_json(body)
        records = span_records(parsed)
    except BodyTooLarge as exc:
        return _error(413, str(exc), "RESOURCE_LIMIT_EXCEEDED")
    except InvalidBody as exc:
        return _error(400, str(exc))
    except InvalidSpan as exc:
        return _error(422, f"Cannot store span: {exc}")
    stores: Stores = request.app.state.stores
    try:
        await run_in_threadpool(_store, stores, experiment_id, records, run_id)
    except RunhubError as exc:
        return json_response({**exc.to_json(), "detail": exc.message}, exc.http_status)
    if content_type == PROTOBUF:
        return Response(b"", media_type=PROTOBUF)  # an empty ExportTraceServiceResponse
    return json_response({})


def _store(
    stores: Stores, experiment_id: str, records: list[SpanRecord], run_id: str | None
) -> None:
    if not experiment_id.isdigit():
        raise InvalidParameter(f"Invalid experiment id '{experiment_id}' in {EXPERIMENT_HEADER}")
    stores.spans.log_spans(experiment_id, records, run_id)
