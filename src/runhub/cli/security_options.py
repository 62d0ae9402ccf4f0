"""The security options of ``runhub server`` and ``runhub ui`` and the settings they give."""

from __future__ import annotations

import os
from typing import Any

import click

from runhub.cli.errors import run_or_fail
from runhub.config import DEFAULT_MAX_REQUEST_BODY_SIZE, Settings


def security_options() -> list[Any]:
    """Click options for the host allowlist, CORS, headers, body limit and the auth app."""
    return [
        click.option(
            "--allowed-hosts",
            envvar="MLFLOW_SERVER_ALLOWED_HOSTS",
            default=None,
            help="Comma-separated Host header values to answer (fnmatch wildcards, '*' for "
            "any) [default: localhost and private address ranges]. "
            "Env: MLFLOW_SERVER_ALLOWED_HOSTS.",
        ),
        click.option(
            "--cors-allowed-origins",
            envvar="MLFLOW_SERVER_CORS_ALLOWED_ORIGINS",
            default=None,
            help="Comma-separated browser origins allowed to call the API (fnmatch "
            "wildcards) [default: localhost origins]. Env: MLFLOW_SERVER_CORS_ALLOWED_ORIGINS.",
        ),
        click.option(
            "--x-frame-options",
            envvar="MLFLOW_SERVER_X_FRAME_OPTIONS",
            default="SAMEORIGIN",
            type=click.Choice(["SAMEORIGIN", "DENY", "NONE"], case_sensitive=False),
            show_default=True,
            help="X-Frame-Options header (NONE: no header). Env: MLFLOW_SERVER_X_FRAME_OPTIONS.",
        ),
        click.option(
            "--disable-security-middleware",
            envvar="MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE",
            is_flag=True,
            default=False,
            help="Turn off the Host allowlist, CORS checks and security headers.",
        ),
        click.option(
            "--max-request-body-size",
            envvar="RUNHUB_MAX_REQUEST_BODY_SIZE",
            default=DEFAULT_MAX_REQUEST_BODY_SIZE,
            type=click.IntRange(min=1024),
            show_default=True,
            help="Largest JSON request body in bytes (artifact uploads and OTLP stream unlimited).",
        ),
        click.option(
            "--app-name",
            default=None,
            type=click.Choice(["basic-auth"]),
            help="basic-auth: require users and permissions (config: MLFLOW_AUTH_CONFIG_PATH).",
        ),
    ]


def security_settings(kw: dict[str, Any]) -> dict[str, Any]:
    """The :class:`~runhub.config.Settings` fields set by :func:`security_options`."""
    return {
        "allowed_hosts": kw["allowed_hosts"] or None,
        "cors_allowed_origins": kw["cors_allowed_origins"] or None,
        "x_frame_options": kw["x_frame_options"].upper(),
        "disable_security_middleware": kw["disable_security_middleware"],
        "max_request_body_size": kw["max_request_body_size"],
        "app_name": kw["app_name"],
        "auth_config_path": os.environ.get("MLFLOW_AUTH_CONFIG_PATH") or None,
        "server_secret_key": os.environ.get("MLFLOW_FLASK_SERVER_SECRET_KEY") or None,
    }


def prepare_auth_if_enabled(settings: Settings) -> None:
    """With ``--app-name basic-auth``: create or upgrade the auth database and first admin,
    then check the secret that signs the web UI's sign-in cookie (as MLflow does, in that order)."""
    if settings.app_name != "basic-auth":
        return
    from runhub.security.auth.config import load_auth_config
    from runhub.security.auth.service import check_secret_key, prepare_auth

    uri = run_or_fail("", lambda: load_auth_config(settings.auth_config_path)).database_uri
    run_or_fail(uri, lambda: prepare_auth(settings.auth_config_path))
    run_or_fail("", lambda: check_secret_key(settings.server_secret_key))
