"""The scoring server's ASGI app: ``/ping``, ``/health``, ``/version``, ``/invocations``."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from runhub import __version__
from runhub.errors import BadRequest, EndpointNotFound, RunhubError, render_error_body
from runhub.scoring.batching import Batcher
from runhub.scoring.encode import encode_predictions
from runhub.scoring.errors import PayloadTooLarge, Timeout
from runhub.scoring.loader import LoadedModel
from runhub.scoring.parse import content_type_of, parse_csv, parse_json
from runhub.scoring.schema import enforce_schema

JSON = "application/json"


@dataclass(frozen=True)
class ScoringOptions:
    timeout_s: float = 60.0
    max_body_bytes: int = 64 * 1024 * 1024
    max_batch_rows: int = 0  # 0: no adaptive batching
    max_batch_delay_s: float = 0.005
    prometheus_dir: str | None = None  # request counts and latency at /metrics when set


class _WithTrace(RunhubError):
    def __init__(self, error: RunhubError, trace: str) -> None:
        super().__init__(error.message, error_code=error.error_code)
        self.trace = trace

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "stack_trace": self.trace}


def _error(exc: RunhubError) -> Response:
    return Response(render_error_body(exc), status_code=exc.http_status, media_type=JSON)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is larger than the limit of {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _prepare(model: LoadedModel, media: str, body: bytes) -> tuple[Any, dict[str, Any] | None]:
    """The parsed, schema-checked input and the params for ``predict``."""
    params: dict[str, Any] | None = None
    if media == "text/csv":
        data: Any = parse_csv(body)
    else:
        data, params = parse_json(body)
    data = enforce_schema(data, model.spec.inputs)
    if model.spec.params:  # the signature's defaults, overridden by the request
        params = {**model.spec.params, **(params or {})}
    return data, params


async def _evaluate(prediction: Awaitable[Any]) -> Any:
    try:
        return await prediction
    except Exception as exc:  # the model's own failure is the client's 400, as in MLflow
        error = BadRequest(f"Encountered an unexpected error while evaluating the model: {exc!r}")
        raise _WithTrace(error, traceback.format_exc()) from None


def create_scoring_app(model: LoadedModel, options: ScoringOptions | None = None) -> Starlette:
    """The app serving ``model``; predictions run in a thread, bounded by ``timeout_s``."""
    opts = options or ScoringOptions()
    batcher = (
        Batcher(model, opts.max_batch_rows, opts.max_batch_delay_s) if opts.max_batch_rows else None
    )

    async def score(media: str, body: bytes) -> bytes:
        try:
            data, params = await asyncio.to_thread(_prepare, model, media, body)
        except (ValueError, TypeError, KeyError, IndexError) as exc:  # odd shapes pandas refuses
            raise BadRequest(f"cannot read the input: {exc}") from None
        if batcher is not None and Batcher.can_batch(data, params):
            predictions = await _evaluate(batcher.predict(data))
        else:
            predictions = await _evaluate(asyncio.to_thread(model.predict, data, params))
        try:
            return encode_predictions(predictions)
        except TypeError as exc:
            raise BadRequest(f"the model's predictions cannot be returned as JSON: {exc}") from None

    async def invocations(request: Request) -> Response:
        try:
            media = content_type_of(request.headers.get("content-type", ""))
            body = await _read_body(request, opts.max_body_bytes)
            try:
                result = await asyncio.wait_for(score(media, body), timeout=opts.timeout_s)
            except asyncio.TimeoutError:
                raise Timeout("Request processing time exceeded limit") from None
        except RunhubError as exc:
            return _error(exc)
        return Response(result, media_type=JSON)

    async def ping(request: Request) -> Response:
        return Response("\n", media_type=JSON)

    async def version(request: Request) -> Response:
        return Response(__version__, media_type=JSON)

    routes: list[BaseRoute] = [
        Route("/ping", ping, methods=["GET"]),
        Route("/health", ping, methods=["GET"]),
        Route("/version", version, methods=["GET"]),
        Route("/invocations", invocations, methods=["POST"]),
    ]
    middleware: list[Middleware] = []
    if opts.prometheus_dir:
        from runhub.runtime.prometheus import PrometheusMiddleware, RequestMetrics, metrics_route

        metrics = RequestMetrics(opts.prometheus_dir)
        routes.append(metrics_route(metrics))
        middleware.append(Middleware(PrometheusMiddleware, metrics=metrics))
    return Starlette(
        routes=routes, middleware=middleware, exception_handlers={HTTPException: _http_error}
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    error: RunhubError = EndpointNotFound(
        f"{request.method} {request.url.path} is not a scoring endpoint"
    )
    if status == 405:
        error = BadRequest(f"{request.method} is not allowed on {request.url.path}")
    return Response(render_error_body(error), status_code=status, media_type=JSON)
