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
DEFAULT_MAX_REQUEST_BODY_SIZE = 64 * 1024 * 1024
DURABILITY_MODES = ("fast", "full")
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
        "SQLAlchemy database URL of the tracking store (sqlite, postgresql, mysql, mssql), or "
        "an mlruns directory (a path or file: URI) for the file store, which has tracking only. "
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
    Knob(
        "artifacts_only",
        "--artifacts-only",
        "MLFLOW_ARTIFACTS_ONLY",
        "off",
        "Serve only the proxied artifact service; tracking endpoints answer 503.",
    ),
    Knob(
        "artifacts_presigned_only",
        "--artifacts-presigned-only",
        "MLFLOW_ARTIFACTS_PRESIGNED_ONLY",
        "off",
        "Refuse proxied uploads and downloads (403); clients must use presigned or multipart "
        "URLs. Needs a destination that can presign (s3://).",
    ),
    Knob(
        "s3_endpoint_url",
        None,
        "MLFLOW_S3_ENDPOINT_URL",
        "AWS",
        "Endpoint of an S3-compatible store (MinIO, Ceph, ...) for s3:// destinations. "
        "Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_PROFILE.",
    ),
    Knob(
        "s3_ignore_tls",
        None,
        "MLFLOW_S3_IGNORE_TLS",
        "false",
        "Do not verify the S3 endpoint's TLS certificate.",
    ),
    Knob("host", "--host", "MLFLOW_HOST", "127.0.0.1", "Address to bind."),
    Knob("port", "--port", "MLFLOW_PORT", "5000", "Port to bind."),
    Knob("workers", "--workers", "MLFLOW_WORKERS", "1", "Number of server worker processes."),
    Knob(
        "static_prefix",
        "--static-prefix",
        "MLFLOW_STATIC_PREFIX",
        "none",
        "Serve every route under this path prefix (starts with /, no trailing /, no { or }).",
    ),
    Knob(
        "prometheus_dir",
        "--expose-prometheus",
        "MLFLOW_EXPOSE_PROMETHEUS",
        "off",
        "Directory for Prometheus multiprocess files; enables GET /metrics with request counts "
        "and latencies by route, method and status, summed over all workers.",
    ),
    Knob(
        "uvicorn_opts",
        "--uvicorn-opts",
        "MLFLOW_UVICORN_OPTS",
        "none",
        "Extra uvicorn options (the default server), e.g. '--timeout-keep-alive 30'.",
    ),
    Knob(
        "gunicorn_opts",
        "--gunicorn-opts",
        "MLFLOW_GUNICORN_OPTS",
        "none",
        "Serve with gunicorn and uvicorn workers (not on Windows), passing these options.",
    ),
    Knob(
        "waitress_opts",
        "--waitress-opts",
        "MLFLOW_WAITRESS_OPTS",
        "none",
        "Serve with waitress through an ASGI-to-WSGI adapter, passing these options.",
    ),
    Knob("dev", "--dev", None, "off", "uvicorn with auto-reload and debug logging."),
    Knob(
        "durability",
        "--durability",
        "RUNHUB_DURABILITY",
        "fast",
        "fast: an acknowledged write survives a crash of the server process; full: it also "
        "survives power loss or an OS crash (SQLite synchronous=FULL, local artifacts fsynced "
        "with their directory before the answer), at the cost of slower writes.",
    ),
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
        "mysql_ssl_ca",
        None,
        "MLFLOW_MYSQL_SSL_CA",
        "unset",
        "CA certificate file for TLS connections to MySQL/MariaDB.",
    ),
    Knob(
        "mysql_ssl_cert",
        None,
        "MLFLOW_MYSQL_SSL_CERT",
        "unset",
        "Client certificate file for TLS connections to MySQL/MariaDB.",
    ),
    Knob(
        "mysql_ssl_key",
        None,
        "MLFLOW_MYSQL_SSL_KEY",
        "unset",
        "Client key file for TLS connections to MySQL/MariaDB.",
    ),
    Knob(
        "truncate_long_values",
        None,
        "MLFLOW_TRUNCATE_LONG_VALUES",
        "true",
        "Truncate over-long param (6000) and tag (8000) values instead of refusing them.",
    ),
    Knob(
        "allowed_hosts",
        "--allowed-hosts",
        "MLFLOW_SERVER_ALLOWED_HOSTS",
        "localhost, 127.0.0.1, [::1], 0.0.0.0 (any port) and private address ranges",
        "Comma-separated Host header values the server answers (fnmatch wildcards; "
        "IPv4-shaped patterns match IP literals only; * allows all). Guards against DNS "
        "rebinding; /health and /version are exempt.",
    ),
    Knob(
        "cors_allowed_origins",
        "--cors-allowed-origins",
        "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS",
        "localhost origins only",
        "Comma-separated origins allowed to call the API from a browser (fnmatch wildcards). "
        "State-changing requests from other origins are refused with 403; * allows every "
        "origin without credentials and turns that block off.",
    ),
    Knob(
        "x_frame_options",
        "--x-frame-options",
        "MLFLOW_SERVER_X_FRAME_OPTIONS",
        "SAMEORIGIN",
        "X-Frame-Options header value: SAMEORIGIN, DENY or NONE (no header).",
    ),
    Knob(
        "disable_security_middleware",
        "--disable-security-middleware",
        "MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE",
        "false",
        "Turn off the host allowlist, CORS checks and security headers (not the body limit).",
    ),
    Knob(
        "max_request_body_size",
        "--max-request-body-size",
        "RUNHUB_MAX_REQUEST_BODY_SIZE",
        str(DEFAULT_MAX_REQUEST_BODY_SIZE),
        "Largest request body in bytes for JSON routes (413 above it). Artifact uploads and "
        "OTLP /v1/traces stream and are not limited.",
    ),
    Knob(
        "app_name",
        "--app-name",
        None,
        "none",
        "basic-auth turns on users, passwords and permissions (see MLFLOW_AUTH_CONFIG_PATH).",
    ),
    Knob(
        "webhook_secret_key",
        None,
        "RUNHUB_WEBHOOK_SECRET_KEY",
        "unset",
        "Key that encrypts webhook signing secrets at rest (any string; keep it stable). "
        "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY and MLFLOW_FLASK_SERVER_SECRET_KEY are read too. "
        "Without it, webhooks cannot have a secret.",
    ),
    Knob(
        "webhook_allowed_schemes",
        None,
        "MLFLOW_WEBHOOK_ALLOWED_SCHEMES",
        "https",
        "Comma-separated URL schemes webhooks may deliver to.",
    ),
    Knob(
        "webhook_allow_private_targets",
        None,
        "RUNHUB_WEBHOOK_ALLOW_PRIVATE_TARGETS",
        "false",
        "Allow webhook deliveries to loopback, private and link-local addresses (cloud "
        "metadata addresses stay refused).",
    ),
    Knob(
        "webhook_timeout",
        None,
        "MLFLOW_WEBHOOK_REQUEST_TIMEOUT",
        "30",
        "Seconds a webhook delivery may take.",
    ),
    Knob(
        "webhook_max_retries",
        None,
        "MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES",
        "3",
        "Retries of a failed webhook delivery (connection errors, 408, 429 and 5xx).",
    ),
    Knob(
        "auth_config_path",
        None,
        "MLFLOW_AUTH_CONFIG_PATH",
        "built-in defaults",
        "The basic-auth ini file (default_permission, database_uri, admin_username, "
        "admin_password, authorization_function, sign-in and lock-out limits).",
    ),
    Knob(
        "server_secret_key",
        None,
        "MLFLOW_FLASK_SERVER_SECRET_KEY",
        "unset",
        "Secret that signs the web UI's sign-in cookie and its CSRF tokens; required with "
        "--app-name basic-auth and the same on every worker and replica.",
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
    artifacts_only: bool = False
    artifacts_presigned_only: bool = False
    s3_endpoint_url: str | None = None
    s3_ignore_tls: bool = False
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 1
    pool_size: int | None = None
    max_overflow: int | None = None
    pool_recycle: int | None = None
    truncate_long_values: bool = True
    static_prefix: str | None = None
    prometheus_dir: str | None = None
    durability: str = "fast"
    allowed_hosts: str | None = None
    cors_allowed_origins: str | None = None
    x_frame_options: str = "SAMEORIGIN"
    disable_security_middleware: bool = False
    max_request_body_size: int = DEFAULT_MAX_REQUEST_BODY_SIZE
    app_name: str | None = None
    auth_config_path: str | None = None
    server_secret_key: str | None = None
    webhook_secret_key: str | None = None
    webhook_allowed_schemes: str = "https"
    webhook_allow_private_targets: bool = False
    webhook_timeout: float = 30.0
    webhook_max_retries: int = 3
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def artifact_root(self) -> str:
        """The artifact root for new experiments, resolved from the options."""
        if self.default_artifact_root:
            return self.default_artifact_root.rstrip("/") or self.default_artifact_root
        if self.serve_artifacts:
            return "mlflow-artifacts:"
        return os.path.abspath(self.artifacts_destination)

    @property
    def durable(self) -> bool:
        """Whether acknowledged writes must survive power loss (``--durability full``)."""
        return self.durability == "full"

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
        artifacts_only=_env_bool(env.get("MLFLOW_ARTIFACTS_ONLY"), False),
        artifacts_presigned_only=_env_bool(env.get("MLFLOW_ARTIFACTS_PRESIGNED_ONLY"), False),
        **s3_settings_from_environment(env),
        pool_size=_env_int(env.get("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE")),
        max_overflow=_env_int(env.get("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW")),
        pool_recycle=_env_int(env.get("MLFLOW_SQLALCHEMYSTORE_POOL_RECYCLE")),
        truncate_long_values=_env_bool(env.get("MLFLOW_TRUNCATE_LONG_VALUES"), True),
        static_prefix=env.get("MLFLOW_STATIC_PREFIX") or None,
        prometheus_dir=env.get("MLFLOW_EXPOSE_PROMETHEUS") or None,
        durability=env.get("RUNHUB_DURABILITY") or "fast",
        allowed_hosts=env.get("MLFLOW_SERVER_ALLOWED_HOSTS") or None,
        cors_allowed_origins=env.get("MLFLOW_SERVER_CORS_ALLOWED_ORIGINS") or None,
        x_frame_options=env.get("MLFLOW_SERVER_X_FRAME_OPTIONS") or "SAMEORIGIN",
        disable_security_middleware=_env_bool(
            env.get("MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE"), False
        ),
        max_request_body_size=_env_int(env.get("RUNHUB_MAX_REQUEST_BODY_SIZE"))
        or DEFAULT_MAX_REQUEST_BODY_SIZE,
        auth_config_path=env.get("MLFLOW_AUTH_CONFIG_PATH") or None,
        server_secret_key=env.get("MLFLOW_FLASK_SERVER_SECRET_KEY") or None,
        **webhook_settings_from_environment(env),
    )


def webhook_settings_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The webhook knobs set in the environment, as :class:`Settings` keywords."""
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {
        "webhook_secret_key": env.get("RUNHUB_WEBHOOK_SECRET_KEY")
        or env.get("MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY")
        or env.get("MLFLOW_FLASK_SERVER_SECRET_KEY")
        or None,
        "webhook_allowed_schemes": env.get("MLFLOW_WEBHOOK_ALLOWED_SCHEMES") or "https",
        "webhook_allow_private_targets": _env_bool(
            env.get("RUNHUB_WEBHOOK_ALLOW_PRIVATE_TARGETS"), False
        ),
    }
    if env.get("MLFLOW_WEBHOOK_REQUEST_TIMEOUT"):
        out["webhook_timeout"] = float(env["MLFLOW_WEBHOOK_REQUEST_TIMEOUT"])
    retries = _env_int(env.get("MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES"))
    if retries is not None:
        out["webhook_max_retries"] = retries
    return out


def s3_settings_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The S3 client knobs set in the environment, as :class:`Settings` keywords."""
    env = os.environ if environ is None else environ
    return {
        "s3_endpoint_url": env.get("MLFLOW_S3_ENDPOINT_URL") or None,
        "s3_ignore_tls": _env_bool(env.get("MLFLOW_S3_IGNORE_TLS"), False),
    }


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
