"""``runhub models serve``: serve one MLflow-format model over HTTP (mlflow-api.md §6.2)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from runhub.cli.errors import fail
from runhub.errors import StartupError

ENV_MANAGERS = ("local", "virtualenv", "uv", "conda")


@click.group()
def models() -> None:
    """Serve models logged with MLflow or runhub."""


@models.command(context_settings={"help_option_names": ["--help"]})
@click.option(
    "-m", "--model-uri", required=True, help="runs:/, models:/, s3://, mlflow-artifacts: or a path."
)
@click.option("-h", "--host", default="127.0.0.1", show_default=True, envvar="MLFLOW_HOST")
@click.option("-p", "--port", default=5000, show_default=True, type=int, envvar="MLFLOW_PORT")
@click.option(
    "-w",
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="MLFLOW_MODELS_WORKERS",
)
@click.option(
    "-t",
    "--timeout",
    default=60,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT",
    help="Seconds per request; then 504.",
)
@click.option(
    "--env-manager",
    default="local",
    show_default=True,
    type=click.Choice(ENV_MANAGERS),
    help="Only 'local' (the current environment) is supported.",
)
@click.option("--no-conda", is_flag=True, help="Same as --env-manager local.")
@click.option(
    "--max-request-size",
    default=64 * 1024 * 1024,
    show_default=True,
    type=click.IntRange(min=1),
    help="Largest /invocations body in bytes; larger gets 413.",
)
@click.option(
    "--max-batch-size",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Merge concurrent table requests into one predict call of up to this many rows (0: off).",
)
@click.option(
    "--max-batch-delay-ms",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0, max=10_000),
    help="How long a request may wait for others to share its batch.",
)
@click.option(
    "--expose-prometheus",
    default=None,
    metavar="DIR",
    help="Serve request counts and latency at /metrics; DIR holds the workers' samples.",
)
def serve(
    model_uri: str,
    host: str,
    port: int,
    workers: int,
    timeout: int,
    env_manager: str,
    no_conda: bool,
    max_request_size: int,
    max_batch_size: int,
    max_batch_delay_ms: float,
    expose_prometheus: str | None,
) -> None:
    """Serve the model at MODEL_URI: /ping, /health, /version and /invocations.

    Loading a model runs code from its files (pickle): serve only models you trust.
    """
    if env_manager != "local" and not no_conda:
        fail(f"--env-manager {env_manager} is not supported yet; use --env-manager local")
    try:
        from runhub.scoring.errors import require_scoring_extra

        require_scoring_extra()
        from runhub.scoring.resolve import resolve_model
        from runhub.scoring.serve import ServeSettings, build_app, run

        if expose_prometheus:
            from runhub.runtime.prometheus import prepare_directory

            prepare_directory(expose_prometheus)
        with tempfile.TemporaryDirectory(prefix="runhub-model-") as tmp:
            model_dir = resolve_model(model_uri, Path(tmp), os.environ)
            settings = ServeSettings(
                str(model_dir),
                host,
                port,
                workers,
                float(timeout),
                max_request_size,
                max_batch_size,
                max_batch_delay_ms,
                expose_prometheus,
            )
            app = build_app(settings)
            click.echo(f"Serving {model_uri} on http://{host}:{port}", err=True)
            run(settings, app)
    except StartupError as exc:
        fail(str(exc))
