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


# error_code -> (sqlstate, error_class), the classification MLflow 3.x adds to error bodies;
# codes without one carry neither key (mlflow-api.md §3).
CLASSIFICATION: dict[str, tuple[str, str]] = {
    "INVALID_PARAMETER_VALUE": ("KAM00", "INVALID_PARAMETER_VALUE"),
    "BAD_REQUEST": ("KAM00", "INVALID_PARAMETER_VALUE"),
    "RESOURCE_ALREADY_EXISTS": ("KAM00", "RESOURCE_ALREADY_EXISTS"),
    "RESOURCE_DOES_NOT_EXIST": ("KAM00", "RESOURCE_NOT_FOUND"),
    "NOT_FOUND": ("KAM00", "RESOURCE_NOT_FOUND"),
    "ENDPOINT_NOT_FOUND": ("KAM00", "RESOURCE_NOT_FOUND"),
    "PERMISSION_DENIED": ("KAM00", "PERMISSION_DENIED"),
    "CUSTOMER_UNAUTHORIZED": ("KAM00", "PERMISSION_DENIED"),
    "TEMPORARILY_UNAVAILABLE": ("XXM00", "CLIENT_INTERNAL_ERROR"),
    "INTERNAL_ERROR": ("XXM00", "CLIENT_INTERNAL_ERROR"),
    "INVALID_STATE": ("XXM00", "CLIENT_INTERNAL_ERROR"),
    "FEATURE_DISABLED": ("KAM00", "FEATURE_DISABLED"),
}


def error_json(error_code: str, message: str, **extra: Any) -> dict[str, Any]:
    """An error body in MLflow's shape: code, message, its classification when it has one,
    then any extra keys."""
    body: dict[str, Any] = {"error_code": error_code, "message": message}
    classified = CLASSIFICATION.get(error_code)
    if classified is not None:
        body["sqlstate"], body["error_class"] = classified
    body.update(extra)
    return body


class RunhubError(Exception):
    """An error with an MLflow error code; rendered by ``error_json``."""

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
        return error_json(self.error_code, self.message)


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
