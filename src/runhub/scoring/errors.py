"""Scoring-specific errors, rendered in the MLflow error shape by ``runhub.errors``.

RunhubError (runhub.errors)
├── UnsupportedMediaType    415 BAD_REQUEST
├── PayloadTooLarge         413 BAD_REQUEST
├── SchemaMismatch          400 INVALID_PARAMETER_VALUE, error_class SCHEMA_ENFORCEMENT_FAILED
└── Timeout                 504 DEADLINE_EXCEEDED
ModelLoadError              a model that cannot be loaded; a start-up error
"""

from __future__ import annotations

from typing import Any

from runhub.errors import RunhubError, StartupError


class UnsupportedMediaType(RunhubError):
    error_code = "BAD_REQUEST"

    @property
    def http_status(self) -> int:
        return 415


class PayloadTooLarge(RunhubError):
    error_code = "BAD_REQUEST"

    @property
    def http_status(self) -> int:
        return 413


class SchemaMismatch(RunhubError):
    error_code = "INVALID_PARAMETER_VALUE"

    def to_json(self) -> dict[str, Any]:
        body = super().to_json()
        body["error_class"] = "SCHEMA_ENFORCEMENT_FAILED"
        body["sqlstate"] = "KAM01"
        return body


class Timeout(RunhubError):
    error_code = "DEADLINE_EXCEEDED"


class ModelLoadError(StartupError):
    """The model named by the operator cannot be found, read or loaded."""


SCORING_EXTRA_HINT = "install the scoring extra: pip install 'runhub[scoring]'"


def require_scoring_extra() -> None:
    """Fail with one line naming the extra when numpy/pandas are not installed."""
    try:
        import httpx  # noqa: F401
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        import yaml  # noqa: F401
    except ModuleNotFoundError as exc:
        raise StartupError(f"serving models needs {exc.name}; {SCORING_EXTRA_HINT}") from None
