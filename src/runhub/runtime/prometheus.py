"""Prometheus metrics for ``--expose-prometheus DIR``: a pure ASGI middleware and ``/metrics``.

Requests are counted and timed by route template (never the raw path, so scanners cannot blow
up the label set), method and status. Every worker process writes its samples to files in DIR
(``prometheus_client`` multiprocess mode) and ``/metrics`` sums them, so any worker answers for
all of them. The series keep MLflow's names so existing dashboards go on working.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runhub.errors import StartupError

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METRICS_PATH = "/metrics"
# Probes and the scrape itself would drown the API traffic; MLflow leaves them out too.
NOT_MEASURED = frozenset({"/health", "/version", METRICS_PATH})
UNMATCHED = "<unmatched>"


SAMPLE_FILE = re.compile(r"(counter|gauge_[a-z]+|histogram|summary)_\d+\.db")


def prepare_directory(directory: str) -> None:
    """Create DIR, drop samples left by an earlier server, and point this process tree at it.

    Call it in the parent before any worker starts: ``prometheus_client`` picks its storage
    when it is first imported, from the environment. Raises StartupError without the package.
    """
    # Look the package up without importing it: importing now would fix its storage before the
    # variable below is set, and a single in-process worker would then record nothing.
    if importlib.util.find_spec("prometheus_client") is None:
        raise StartupError(
            "--expose-prometheus needs prometheus-client, which is not installed; "
            "pip install 'runhub[prometheus]'"
        )
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        # Only prometheus_client's own sample files (<kind>_<pid>.db): the directory may hold
        # other files, a SQLite database among them, that are not ours to remove.
        if SAMPLE_FILE.fullmatch(name):
            os.remove(os.path.join(directory, name))
    os.environ[MULTIPROC_ENV] = os.path.abspath(directory)


class RequestMetrics:
    """The request counter and latency histogram of one process."""

    def __init__(self, directory: str) -> None:
        # An app built in-process (tests, embedding) may not have gone through the CLI.
        os.environ.setdefault(MULTIPROC_ENV, os.path.abspath(directory))
        from prometheus_client import Counter, Histogram

        labels = ("method", "route", "status")
        self.requests = Counter(
            "mlflow_http_request_total", "HTTP requests answered", labels, registry=None
        )
        self.latency = Histogram(
            "mlflow_http_request_duration_seconds",
            "Time to answer an HTTP request",
            labels,
            registry=None,
        )
        self.directory = os.environ[MULTIPROC_ENV]

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route, str(status)).observe(seconds)

    def exposition(self) -> bytes:
        """All workers' samples in the Prometheus text format."""
        from prometheus_client import CollectorRegistry, generate_latest, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=self.directory)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


class PrometheusMiddleware:
    """Times every HTTP request and records it under its route template."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering
        recorded = False

        def record() -> None:
            nonlocal recorded
            recorded = True
            route = _route_template(scope)
            if route not in NOT_MEASURED:
                elapsed = time.perf_counter() - started
                self.metrics.observe(scope["method"], route, status, elapsed)

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Counted before the last byte leaves, so a scrape that follows a response
                # always sees it.
                record()
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            if not recorded:
                record()


def _route_template(scope: Scope) -> str:
    # The router records the matched route in the scope (innermost one under a Mount).
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


def metrics_route(metrics: RequestMetrics) -> Route:
    """``GET /metrics``: the text exposition of every worker's samples."""

    async def metrics_endpoint(_request: Request) -> Response:
        body = await run_in_threadpool(metrics.exposition)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    return Route(METRICS_PATH, metrics_endpoint, methods=["GET"])
