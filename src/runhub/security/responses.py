"""The plain responses middleware sends before the app is reached."""

from __future__ import annotations

import orjson
from starlette.types import Scope, Send

from runhub.errors import error_json


async def send_raw(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_text(
    send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send_raw(send, status, text.encode(), b"text/plain; charset=utf-8", extra)


async def send_error(
    send: Send,
    status: int,
    error_code: str,
    message: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """An error in the MLflow JSON shape (``{"error_code", "message"}``)."""
    body = orjson.dumps(error_json(error_code, message))
    await send_raw(send, status, body, b"application/json", extra)


def header(scope: Scope, name: bytes) -> str:
    """The first value of request header ``name`` (lower-case bytes), or ``""``."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""
