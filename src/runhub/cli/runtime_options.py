"""The runtime options of ``runhub server`` and ``runhub ui``: server choice, prefix, metrics,
durability."""

from __future__ import annotations

from typing import Any

import click

from runhub.cli.launch import ServerChoice, choose_server
from runhub.config import DURABILITY_MODES, KNOBS


def check_static_prefix(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    """A prefix starts with '/', does not end with '/' and has no '{' or '}' (route syntax)."""
    if value is None or value == "":
        return None
    if not value.startswith("/"):
        raise click.BadParameter(f"{value!r} must start with '/', e.g. /mlflow")
    if value.endswith("/"):
        raise click.BadParameter(f"{value!r} must not end with '/'")
    if "{" in value or "}" in value:
        raise click.BadParameter(f"{value!r} must not contain '{{' or '}}'")
    return value


def runtime_options() -> list[Any]:
    """Click options for the HTTP server, the route prefix and Prometheus metrics."""
    return [
        click.option(
            "--static-prefix",
            envvar="MLFLOW_STATIC_PREFIX",
            default=None,
            callback=check_static_prefix,
            help="Serve every route under this prefix, e.g. /mlflow. Env: MLFLOW_STATIC_PREFIX.",
        ),
        click.option(
            "--expose-prometheus",
            envvar="MLFLOW_EXPOSE_PROMETHEUS",
            default=None,
            metavar="DIR",
            help="Enable GET /metrics (request counts and latencies, summed over workers); DIR "
            "holds the workers' metric files. Env: MLFLOW_EXPOSE_PROMETHEUS.",
        ),
        click.option(
            "--uvicorn-opts",
            envvar="MLFLOW_UVICORN_OPTS",
            default=None,
            help="Options passed to uvicorn, the default server, e.g. '--timeout-keep-alive 30'.",
        ),
        click.option(
            "--gunicorn-opts",
            envvar="MLFLOW_GUNICORN_OPTS",
            default=None,
            help="Serve with gunicorn and uvicorn workers (not on Windows), passing these "
            "options, e.g. '--timeout 120'.",
        ),
        click.option(
            "--waitress-opts",
            envvar="MLFLOW_WAITRESS_OPTS",
            default=None,
            help="Serve with waitress (one process, threads), passing these options, e.g. "
            "'--threads=8'.",
        ),
        click.option(
            "--durability",
            envvar="RUNHUB_DURABILITY",
            type=click.Choice(DURABILITY_MODES),
            default="fast",
            show_default=True,
            help="fast: acknowledged writes survive a server crash; full: they survive power "
            "loss too (data flushed to disk before each answer; slower writes). "
            "Env: RUNHUB_DURABILITY.",
        ),
        click.option(
            "--dev",
            is_flag=True,
            default=False,
            help="uvicorn with auto-reload on code changes and debug logging.",
        ),
    ]


def runtime_settings(kw: dict[str, Any]) -> dict[str, Any]:
    """The :class:`~runhub.config.Settings` fields set by :func:`runtime_options`."""
    return {
        "static_prefix": kw["static_prefix"],
        "prometheus_dir": kw["expose_prometheus"],
        "durability": kw["durability"],
    }


def server_choice(kw: dict[str, Any]) -> ServerChoice:
    """The HTTP server the options ask for; a usage error for an impossible combination."""
    return choose_server(kw["uvicorn_opts"], kw["gunicorn_opts"], kw["waitress_opts"], kw["dev"])


def environment_epilog() -> str:
    """The help text's list of the environment variables that have no option of their own."""
    lines = ["\b", "Environment variables (see docs/configuration.md):"]
    lines += [f"  {knob.env}  {knob.description}" for knob in KNOBS if knob.env and not knob.option]
    return "\n".join(lines)
