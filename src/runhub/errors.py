"""Error codes, their HTTP statuses, and the one place errors become responses.

Hierarchy::

    RunhubError                 an error the client caused or must know about (error_code + message)
    ├── InvalidParameter        400 INVALID_PARAMETER_VALUE
    ├── BadRequest              400 BAD_REQUEST
    ├── AlreadyExists           400 RESOURCE_ALREADY_EXISTS
    ├── NotFound                404 RESOURCE_DOES_NOT_EXIST
    ├── EndpointNotFound        404 ENDPOINT_NOT_FOUND
    ├── PermissionDenied        403 PERMISSION_DENIED
    ├── Unavailable             503 TEMPORARILY_UNAVAILABLE
    └── NotImplementedYet       501 NOT_IMPLEMENTED
    StartupError                one-line message for the CLI; never reaches HTTP
"""

from __future__ import annotations

from typing import Any

import orjson

# error_code -> HTTP status, as MLflow clients expect them (mlflow-api.md §3).
HTTP_STATUS: dict[str, int] = {
    "INVALID_PARAMETER_VALUE": 400,
    "BAD_REQUEST": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "NOT_FOUND": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "CUSTOMER_UNAUTHORIZED": 401,
    "ALREADY_EXISTS": 409,
    "RESOURCE_CONFLICT": 409,
    "ABORTED": 409,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
    "DEADLINE_EXCEEDED": 504,
    "TEMPORARILY_UNAVAILABLE": 503,
    "NOT_IMPLEMENTED": 501,
    "INTERNAL_ERROR": 500,
    "INVALID_STATE": 500,
}


class RunhubError(Exception):
    """An error with an MLflow error code; rendered as ``{"error_code", "message"}``."""

    error_code = "INTERNAL_ERROR"

    def __init__(self, message: str, *, error_code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if error_code is not None:
            self.error_code = error_code

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.error_code, 500)

    def to_json(self) -> dict[str, Any]:
        return {"error_code": self.error_code, "message": self.message}


class InvalidParameter(RunhubError):
    error_code = "INVALID_PARAMETER_VALUE"


class BadRequest(RunhubError):
    error_code = "BAD_REQUEST"


class AlreadyExists(RunhubError):
    error_code = "RESOURCE_ALREADY_EXISTS"


class NotFound(RunhubError):
    error_code = "RESOURCE_DOES_NOT_EXIST"


class EndpointNotFound(RunhubError):
    error_code = "ENDPOINT_NOT_FOUND"


class PermissionDenied(RunhubError):
    error_code = "PERMISSION_DENIED"


class Unavailable(RunhubError):
    error_code = "TEMPORARILY_UNAVAILABLE"


class NotImplementedYet(RunhubError):
    error_code = "NOT_IMPLEMENTED"


class StartupError(Exception):
    """A problem that stops the server from starting; its message is one line with a fix."""


def render_error_body(error: RunhubError) -> bytes:
    """The JSON body of an error response."""
    return orjson.dumps(error.to_json())
