"""A size limit on request bodies read whole (JSON RPCs); streaming routes are exempt."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runhub.config import DEFAULT_MAX_REQUEST_BODY_SIZE
from runhub.errors import RunhubError
from runhub.security.responses import header, send_error

# Artifact uploads and OTLP trace export stream to storage and are never held whole.
STREAMING_MARKERS = (
    "/mlflow-artifacts/artifacts",
    "/mlflow-artifacts/mpu/parts",
    "/mlflow/upload-artifact",
    "/v1/traces",
)
ERROR_CODE = "RESOURCE_LIMIT_EXCEEDED"


class BodyTooLarge(RunhubError):
    """Raised from ``receive`` when a body without Content-Length grows past the limit."""

    error_code = ERROR_CODE

    @property
    def http_status(self) -> int:
        return 413


def is_streaming_path(path: str) -> bool:
    return any(marker in path for marker in STREAMING_MARKERS)


def _message(limit: int) -> str:
    return f"Request body exceeds the limit of {limit} bytes (--max-request-body-size)."


class BodyLimit:
    """Refuses bodies over ``limit`` bytes with 413 in the MLflow error shape."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_MAX_REQUEST_BODY_SIZE) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_streaming_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.limit:
            await send_error(send, 413, ERROR_CODE, _message(self.limit))
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(_message(self.limit))
            return message

        await self.app(scope, counting_receive, send)
