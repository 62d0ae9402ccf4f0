"""Exceptions that no handler claimed, answered in MLflow's error shape on a connection that stays
usable.

Starlette's own last-resort handler sends its response and then re-raises, so the ASGI server logs
the traceback a second time and closes the keep-alive connection: the client's next request on it
is reset and it cannot tell "not applied" from "maybe applied". :class:`UnexpectedErrors` answers
the request itself and returns normally; only an error after the response has started (a stream
cut short) still propagates, since the client must then see the connection end.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DataError, OperationalError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runhub.api.endpoint import json_response
from runhub.errors import (
    SERVER_STORAGE,
    InvalidParameter,
    RunhubError,
    StorageFull,
    Unavailable,
    error_json,
    is_out_of_space,
)

log = logging.getLogger("runhub")


def classify(exc: BaseException) -> RunhubError | None:
    """The client-facing error an unexpected exception stands for, or None for a server bug."""
    if isinstance(exc, RunhubError):
        return exc
    if is_out_of_space(exc):  # a write no store claimed (the file store, the auth database)
        return StorageFull(SERVER_STORAGE)
    if isinstance(exc, OperationalError):
        return Unavailable("The database is unavailable or busy; retry the request.")
    if isinstance(exc, DataError):
        # The database refused a value of the request (a NUL character in PostgreSQL text, a
        # number out of a column's range): the client's to fix, whatever the backend.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else ""
        return InvalidParameter(
            f"A value in the request cannot be stored or looked up in the backend store: "
            f"{reason}. Change the value and retry."
        )
    return None


def unexpected_response(request: Request, exc: Exception) -> Response:
    """The response for ``exc``; logs it exactly once."""
    known = classify(exc)
    if known is not None:
        if isinstance(exc, (OperationalError, DataError)):
            log.error("database error on %s %s: %s", request.method, request.url.path, exc.orig)
        elif known is not exc:
            log.error("%s on %s %s: %s", known.message, request.method, request.url.path, exc)
        return json_response(known.to_json(), known.http_status)
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    message = "The server hit an unexpected error; it has been logged."
    return json_response(error_json("INTERNAL_ERROR", message), 500)


class UnexpectedErrors:
    """ASGI middleware: turns an unclaimed exception into an error response before any byte of
    the response was sent, and keeps the connection open."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started:
                raise
            response = unexpected_response(Request(scope, receive), exc)
            await response(scope, receive, send)
