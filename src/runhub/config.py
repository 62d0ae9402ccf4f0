"""One settings object: every server knob with its type, default, environment name and meaning.

The environment is read here and nowhere else. The CLI builds a :class:`Settings` from its
options (which fall back to these environment variables) and hands it to ``create_app``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

DEFAULT_BACKEND_STORE_URI = "sqlite:///mlflow.db"
DEFAULT_ARTIFACTS_DESTINATION = "./mlartifacts"
# Worker processes started by the CLI receive the parent's settings through this variable.
SETTINGS_ENV = "RUNHUB_SETTINGS_JSON"


@dataclass(frozen=True)
class Knob:
    """Documentation of one setting: its CLI option, environment variable and meaning."""

    name: str
    option: str | None
    env: str | None
    default: str
    description: str


KNOBS: tuple[Knob, ...] = (
    Knob(
        "backend_store_uri",
        "--backend-store-uri",
        "MLFLOW_TRACKING_URI",
        DEFAULT_BACKEND_STORE_URI,
        "SQLAlchemy database URL of the tracking store (sqlite, postgresql, mysql, mssql). "
        "MLFLOW_BACKEND_STORE_URI is read too.",
    ),
    Knob(
        "default_artifact_root",
        "--default-artifact-root",
        "MLFLOW_DEFAULT_ARTIFACT_ROOT",
        "mlflow-artifacts:/ (when serving artifacts)",
        "Artifact root given to new experiments that do not name their own.",
    ),
    Knob(
        "artifacts_destination",
        "--artifacts-destination",
        "MLFLOW_ARTIFACTS_DESTINATION",
        DEFAULT_ARTIFACTS_DESTINATION,
        "Where proxied artifacts (mlflow-artifacts:/ URIs) are stored.",
    ),
    Knob(
        "serve_artifacts",
        "--serve-artifacts/--no-serve-artifacts",
        "MLFLOW_SERVE_ARTIFACTS",
        "on",
        "Serve the proxied artifact service.",
    ),
    Knob("host", "--host", "MLFLOW_HOST", "127.0.0.1", "Address to bind."),
    Knob("port", "--port", "MLFLOW_PORT", "5000", "Port to bind."),
    Knob("workers", "--workers", "MLFLOW_WORKERS", "1", "Number of server worker processes."),
    Knob(
        "pool_size",
        None,
        "MLFLOW_SQLALCHEMYSTORE_POOL_SIZE",
        "SQLAlchemy default",
        "Connection pool size for PostgreSQL/MySQL.",
    ),
    Knob(
        "max_overflow",
        None,
        "MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW",
        "SQLAlchemy default",
        "Connections allowed beyond the pool size.",
    ),
    Knob(
        "pool_recycle",
        None,
        "MLFLOW_SQLALCHEMYSTORE_POOL_RECYCLE",
        "SQLAlchemy default",
        "Seconds after which a pooled connection is replaced.",
    ),
    Knob(
        "truncate_long_values",
        None,
        "MLFLOW_TRUNCATE_LONG_VALUES",
        "true",
        "Truncate over-long param (6000) and tag (8000) values instead of refusing them.",
    ),
)


def _env_bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _env_int(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    return int(value)


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to run; immutable once built."""

    backend_store_uri: str = DEFAULT_BACKEND_STORE_URI
    default_artifact_root: str | None = None
    artifacts_destination: str = DEFAULT_ARTIFACTS_DESTINATION
    serve_artifacts: bool = True
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 1
    pool_size: int | None = None
    max_overflow: int | None = None
    pool_recycle: int | None = None
    truncate_long_values: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def artifact_root(self) -> str:
        """The artifact root for new experiments, resolved from the options."""
        if self.default_artifact_root:
            return self.default_artifact_root.rstrip("/") or self.default_artifact_root
        if self.serve_artifacts:
            return "mlflow-artifacts:"
        return os.path.abspath(self.artifacts_destination)

    def to_json(self) -> str:
        return orjson.dumps(dataclasses.asdict(self)).decode()

    @classmethod
    def from_json(cls, text: str) -> Settings:
        return cls(**orjson.loads(text))


def settings_from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings for a process started without CLI options (workers, embedding apps)."""
    env = os.environ if environ is None else environ
    if env.get(SETTINGS_ENV):
        return Settings.from_json(env[SETTINGS_ENV])
    return Settings(
        backend_store_uri=env.get("MLFLOW_BACKEND_STORE_URI")
        or env.get("MLFLOW_TRACKING_URI")
        or DEFAULT_BACKEND_STORE_URI,
        default_artifact_root=env.get("MLFLOW_DEFAULT_ARTIFACT_ROOT") or None,
        artifacts_destination=env.get("MLFLOW_ARTIFACTS_DESTINATION")
        or DEFAULT_ARTIFACTS_DESTINATION,
        serve_artifacts=_env_bool(env.get("MLFLOW_SERVE_ARTIFACTS"), True),
        pool_size=_env_int(env.get("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE")),
        max_overflow=_env_int(env.get("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW")),
        pool_recycle=_env_int(env.get("MLFLOW_SQLALCHEMYSTORE_POOL_RECYCLE")),
        truncate_long_values=_env_bool(env.get("MLFLOW_TRUNCATE_LONG_VALUES"), True),
    )


def pool_settings_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """The pool knobs that are set in the environment, as ``create_engine`` keywords."""
    env = os.environ if environ is None else environ
    out: dict[str, int] = {}
    for key, name in (
        ("pool_size", "MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"),
        ("max_overflow", "MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"),
        ("pool_recycle", "MLFLOW_SQLALCHEMYSTORE_POOL_RECYCLE"),
    ):
        value = _env_int(env.get(name))
        if value is not None:
            out[key] = value
    return out
