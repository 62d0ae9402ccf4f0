"""``runhub server`` and ``runhub ui``."""

from __future__ import annotations

import errno
import logging
import os
import socket
from typing import Any

import click

from runhub.artifacts.factory import check_artifact_options
from runhub.cli.errors import fail, run_or_fail
from runhub.cli.launch import ServerChoice, launch
from runhub.cli.runtime_options import (
    environment_epilog,
    runtime_options,
    runtime_settings,
    server_choice,
)
from runhub.cli.security_options import (
    prepare_auth_if_enabled,
    security_options,
    security_settings,
)
from runhub.config import (
    DEFAULT_ARTIFACTS_DESTINATION,
    DEFAULT_BACKEND_STORE_URI,
    Settings,
)
from runhub.store.file.layout import file_store_root
from runhub.store.migrate import ensure_schema
from runhub.store.sql.db import Database
from runhub.store.sql.experiments import SqlExperimentStore
from runhub.store.stores import prepare_file_store


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                fail(f"port {port} on {host} is already in use; choose another with --port")
            fail(f"cannot listen on {host}:{port}: {exc.strerror}")


def prepare_database(settings: Settings) -> None:
    """Create an empty database, refuse an outdated one, and make sure 'Default' exists.

    A file store (an mlruns directory) is created with 'Default' when it does not exist.
    """
    root = file_store_root(settings.backend_store_uri)
    if root is not None:
        run_or_fail(settings.backend_store_uri, lambda: prepare_file_store(settings, root))
        return

    def run() -> None:
        db = Database(settings.backend_store_uri)
        try:
            ensure_schema(db)
            SqlExperimentStore(db, settings.artifact_root).ensure_default_experiment()
        finally:
            db.dispose()

    run_or_fail(settings.backend_store_uri, run)


def check_artifact_options_of(settings: Settings) -> None:
    check_artifact_options(
        settings.artifacts_destination,
        settings.serve_artifacts,
        settings.artifacts_only,
        settings.artifacts_presigned_only,
        settings.s3_endpoint_url,
        settings.s3_ignore_tls,
    )


def _serve(settings: Settings, choice: ServerChoice) -> None:
    _check_port(settings.host, settings.port)
    prepare_database(settings)
    prepare_auth_if_enabled(settings)
    run_or_fail(settings.artifacts_destination, lambda: check_artifact_options_of(settings))
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if settings.prometheus_dir:
        from runhub.runtime.prometheus import prepare_directory

        directory = settings.prometheus_dir
        run_or_fail(directory, lambda: prepare_directory(directory))
    click.echo(
        f"runhub serving {settings.backend_store_uri} on http://{settings.host}:{settings.port}"
        f"{settings.static_prefix or ''} with {choice.kind} "
        f"({settings.workers} worker{'s' if settings.workers > 1 else ''})"
    )
    launch(settings, choice)


def server_options(fn: Any) -> Any:
    options = [
        click.option(
            "--backend-store-uri",
            envvar=["MLFLOW_BACKEND_STORE_URI", "MLFLOW_TRACKING_URI"],
            default=DEFAULT_BACKEND_STORE_URI,
            show_default=True,
            help="Database URL of the tracking store (sqlite, postgresql, mysql, mssql), or an "
            "mlruns directory (path or file: URI) for the file store (tracking only). "
            "Env: MLFLOW_BACKEND_STORE_URI, then MLFLOW_TRACKING_URI.",
        ),
        click.option(
            "--default-artifact-root",
            envvar="MLFLOW_DEFAULT_ARTIFACT_ROOT",
            default=None,
            help="Artifact root for new experiments [default: mlflow-artifacts:/ when "
            "serving artifacts].",
        ),
        click.option(
            "--artifacts-destination",
            envvar="MLFLOW_ARTIFACTS_DESTINATION",
            default=DEFAULT_ARTIFACTS_DESTINATION,
            show_default=True,
            help="Where proxied artifacts are stored (a directory or s3://bucket/path).",
        ),
        click.option(
            "--serve-artifacts/--no-serve-artifacts",
            envvar="MLFLOW_SERVE_ARTIFACTS",
            default=True,
            show_default=True,
            help="Serve the proxied artifact service.",
        ),
        click.option(
            "--artifacts-only",
            envvar="MLFLOW_ARTIFACTS_ONLY",
            is_flag=True,
            default=False,
            help="Serve only the proxied artifact service; tracking endpoints answer 503.",
        ),
        click.option(
            "--artifacts-presigned-only",
            envvar="MLFLOW_ARTIFACTS_PRESIGNED_ONLY",
            is_flag=True,
            default=False,
            help="Refuse proxied uploads and downloads (403): clients use presigned or "
            "multipart URLs. Needs an s3:// destination.",
        ),
        click.option(
            "-h",
            "--host",
            envvar="MLFLOW_HOST",
            default="127.0.0.1",
            show_default=True,
            help="Address to bind.",
        ),
        click.option(
            "-p",
            "--port",
            envvar="MLFLOW_PORT",
            default=5000,
            type=int,
            show_default=True,
            help="Port to bind.",
        ),
        click.option(
            "-w",
            "--workers",
            envvar="MLFLOW_WORKERS",
            default=1,
            type=click.IntRange(min=1),
            show_default=True,
            help="Number of worker processes.",
        ),
        *security_options(),
        *runtime_options(),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _settings(**kw: Any) -> Settings:
    from runhub.config import (
        pool_settings_from_environment,
        s3_settings_from_environment,
        webhook_settings_from_environment,
    )

    pool = pool_settings_from_environment()
    return Settings(
        backend_store_uri=kw["backend_store_uri"],
        default_artifact_root=kw["default_artifact_root"],
        artifacts_destination=kw["artifacts_destination"],
        serve_artifacts=kw["serve_artifacts"],
        artifacts_only=kw["artifacts_only"],
        artifacts_presigned_only=kw["artifacts_presigned_only"],
        **s3_settings_from_environment(),
        host=kw["host"],
        port=kw["port"],
        workers=kw["workers"],
        pool_size=pool.get("pool_size"),
        max_overflow=pool.get("max_overflow"),
        pool_recycle=pool.get("pool_recycle"),
        truncate_long_values=os.environ.get("MLFLOW_TRUNCATE_LONG_VALUES", "true").lower()
        not in ("0", "false", "no", "off"),
        **security_settings(kw),
        **runtime_settings(kw),
        **webhook_settings_from_environment(),
    )


@click.command(context_settings={"help_option_names": ["--help"]}, epilog=environment_epilog())
@server_options
def server(**kw: Any) -> None:
    """Run the tracking server: REST API, web UI and proxied artifacts."""
    _serve(_settings(**kw), server_choice(kw))


@click.command(context_settings={"help_option_names": ["--help"]}, epilog=environment_epilog())
@server_options
def ui(**kw: Any) -> None:
    """The tracking server with local-use defaults (binds 127.0.0.1)."""
    _serve(_settings(**kw), server_choice(kw))
