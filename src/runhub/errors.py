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
    ├── StorageFull             507 RESOURCE_EXHAUSTED (a store's disk or quota is full)
    └── NotImplementedYet       501 NOT_IMPLEMENTED
    StartupError                one-line message for the CLI; never reaches HTTP
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

log = logging.getLogger("runhub")

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


# The OS errors of a full disk or an exhausted quota.
_NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
SQLITE_FULL = 13
POSTGRES_DISK_FULL = "53100"
# MySQL/MariaDB: ER_DISK_FULL, ER_RECORD_FILE_FULL ("The table is full").
MYSQL_FULL_CODES = frozenset({1021, 1114})
# Other MySQL errors carry the OS errno 28 (ENOSPC) in their text.
_MYSQL_NO_SPACE_TEXTS = ("errcode: 28", "errno: 28", "error 28", "no space left")
BACKEND_STORE = "backend store"
ARTIFACT_STORE = "artifact store"
SERVER_STORAGE = "server's storage"


class StorageFull(RunhubError):
    """A store has no space left. 507 Insufficient Storage, so that clients (which retry 503s)
    fail at once with this message instead of retrying for minutes; RESOURCE_EXHAUSTED is the
    MLflow code for a resource that ran out."""

    error_code = "RESOURCE_EXHAUSTED"

    def __init__(self, store: str) -> None:
        super().__init__(
            f"The {store} is full: no space is left on its disk (or its quota is used up), so "
            "this write was not stored. Free space or grow the volume, then retry; reads are "
            "still served."
        )
        self.store = store

    @property
    def http_status(self) -> int:
        return 507


def is_out_of_space(exc: BaseException) -> bool:
    """True when ``exc`` (an OSError, a DB-API error, or SQLAlchemy's wrapper of one) says a
    disk or quota is full."""
    if isinstance(exc, OSError) and exc.errno in _NO_SPACE_ERRNOS:
        return True
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy's DBAPIError keeps the driver's
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == SQLITE_FULL  # extended codes keep the primary in the low byte
    if POSTGRES_DISK_FULL in (getattr(orig, "sqlstate", None), getattr(orig, "pgcode", None)):
        return True
    args = getattr(orig, "args", ())
    if type(orig).__module__.startswith(("pymysql", "MySQLdb")) and args:
        message = str(args[-1]).lower()
        return args[0] in MYSQL_FULL_CODES or any(m in message for m in _MYSQL_NO_SPACE_TEXTS)
    return False


@contextmanager
def out_of_space_is_storage_full(store: str) -> Iterator[None]:
    """Re-raise an out-of-space error of the block as :class:`StorageFull` for ``store``, and
    log it for the operator."""
    try:
        yield
    except Exception as exc:
        if not is_out_of_space(exc):
            raise
        log.error("the %s is full: %s", store, getattr(exc, "orig", None) or exc)
        raise StorageFull(store) from exc


class NotImplementedYet(RunhubError):
    error_code = "NOT_IMPLEMENTED"


class StartupError(Exception):
    """A problem that stops the server from starting; its message is one line with a fix."""


def render_error_body(error: RunhubError) -> bytes:
    """The JSON body of an error response."""
    return orjson.dumps(error.to_json())
