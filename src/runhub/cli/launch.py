"""Starting the chosen HTTP server (uvicorn, gunicorn or waitress) on the runhub app.

Every choice runs the same factory in every worker: the parent puts its settings in
``RUNHUB_SETTINGS_JSON`` and the worker builds the app with ``runhub.app:app_from_environment``
(waitress: its WSGI adapter). uvicorn and gunicorn get protocols that set ``TCP_NODELAY`` on each
connection (see ``runhub.runtime.nodelay``).
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from typing import Any, Literal

import click

from runhub.cli.errors import fail
from runhub.config import SETTINGS_ENV, Settings

ServerKind = Literal["uvicorn", "gunicorn", "waitress"]
APP_FACTORY = "runhub.app:app_from_environment"
GUNICORN_WORKER = "runhub.runtime.gunicorn_worker.NoDelayUvicornWorker"
# Seconds in-flight requests get to finish after SIGTERM before connections are cut.
GRACEFUL_SHUTDOWN_S = 30
EXTRAS = {"gunicorn": "runhub[gunicorn]", "waitress": "runhub[waitress]"}


@dataclass(frozen=True)
class ServerChoice:
    """Which HTTP server runs the app, with the options passed through to it."""

    kind: ServerKind = "uvicorn"
    opts: tuple[str, ...] = ()
    dev: bool = False


def choose_server(
    uvicorn_opts: str | None,
    gunicorn_opts: str | None,
    waitress_opts: str | None,
    dev: bool,
    platform: str = sys.platform,
) -> ServerChoice:
    """The server the options ask for; raises ``click.UsageError`` for an impossible mix."""
    candidates: tuple[tuple[ServerKind, str | None], ...] = (
        ("uvicorn", uvicorn_opts),
        ("gunicorn", gunicorn_opts),
        ("waitress", waitress_opts),
    )
    given = [(kind, opts) for kind, opts in candidates if opts is not None]
    if len(given) > 1:
        names = " and ".join(f"--{kind}-opts" for kind, _ in given)
        raise click.UsageError(f"{names} cannot be combined: choose one server.")
    kind, text = given[0] if given else ("uvicorn", "")
    if dev and kind != "uvicorn":
        raise click.UsageError(
            f"--dev runs uvicorn with auto-reload; it cannot be combined with --{kind}-opts."
        )
    if kind == "gunicorn" and platform == "win32":
        raise click.UsageError(
            "gunicorn does not run on Windows: use the default server (uvicorn) or --waitress-opts."
        )
    try:
        opts = tuple(shlex.split(text, posix=platform != "win32"))
    except ValueError as exc:
        raise click.UsageError(f"--{kind}-opts: {exc}") from None
    choice = ServerChoice(kind, opts, dev)
    if kind == "uvicorn":
        _uvicorn_params(choice)  # refuse unknown uvicorn options before anything starts
    return choice


def launch(settings: Settings, choice: ServerChoice) -> None:
    """Serve the app with the chosen server until it is stopped (SIGTERM: graceful)."""
    os.environ[SETTINGS_ENV] = settings.to_json()
    if choice.kind == "uvicorn":
        _run_uvicorn(settings, choice)
    elif choice.kind == "gunicorn":
        _run_gunicorn(settings, choice)
    else:
        _run_waitress(settings, choice)


def _uvicorn_params(choice: ServerChoice) -> dict[str, Any]:
    from uvicorn.main import main as uvicorn_command

    try:
        ctx = uvicorn_command.make_context("--uvicorn-opts", [*choice.opts, APP_FACTORY])
    except click.ClickException as exc:
        raise click.UsageError(f"--uvicorn-opts: {exc.format_message()}") from None
    params = dict(ctx.params)
    if ctx.get_parameter_source("access_log") == click.core.ParameterSource.DEFAULT:
        params["access_log"] = False
    return params


def _run_uvicorn(settings: Settings, choice: ServerChoice) -> None:
    from uvicorn.main import main as uvicorn_command

    from runhub.runtime.nodelay import nodelay_protocol

    params = _uvicorn_params(choice)
    params.update(
        app=APP_FACTORY,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        http=nodelay_protocol(params["http"]),
        timeout_graceful_shutdown=params["timeout_graceful_shutdown"] or GRACEFUL_SHUTDOWN_S,
    )
    if choice.dev:
        import runhub

        params.update(
            reload=True,
            workers=1,
            log_level="debug",
            reload_dirs=params["reload_dirs"] or [os.path.dirname(runhub.__file__)],
        )
    assert uvicorn_command.callback is not None
    uvicorn_command.callback(**params)


def _require(kind: str, module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        fail(f"--{kind}-opts needs {module}, which is not installed; pip install '{EXTRAS[kind]}'")


def _run_gunicorn(settings: Settings, choice: ServerChoice) -> None:
    _require("gunicorn", "gunicorn")
    _require("gunicorn", "uvicorn_worker")
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--graceful-timeout",
        str(GRACEFUL_SHUTDOWN_S),
        *choice.opts,
        "--bind",
        f"{host}:{settings.port}",
        "--workers",
        str(settings.workers),
        "--worker-class",
        GUNICORN_WORKER,
        f"{APP_FACTORY}()",
    ]
    sys.stdout.flush()
    # gunicorn's master becomes this process: signals reach it directly (SIGTERM is graceful).
    os.execv(sys.executable, argv)


def _run_waitress(settings: Settings, choice: ServerChoice) -> None:
    _require("waitress", "waitress")
    _require("waitress", "a2wsgi")
    from waitress.adjustments import Adjustments

    from runhub.runtime.waitress_server import serve

    if settings.workers > 1:
        click.echo("waitress runs one process (threads, not workers): --workers is ignored")
    try:
        kw, args = Adjustments.parse_args(list(choice.opts))
    except Exception as exc:
        raise click.UsageError(f"--waitress-opts: {exc}") from None
    if args or kw.get("call") or kw.get("help"):
        raise click.UsageError("--waitress-opts takes waitress options only, not an app.")
    del kw["call"], kw["help"]
    kw.update(host=settings.host, port=settings.port)
    serve(kw)
