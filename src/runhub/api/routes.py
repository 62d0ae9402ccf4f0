"""THE route table: every URL runhub serves, in one place.

Protocol routes are served under both ``/api`` and ``/ajax-api``; UI-only helpers under
``/ajax-api`` alone; operational routes at the root.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from runhub.api import experiments, lineage, meta, metric_history, run_data, runs
from runhub.api.endpoint import Endpoint, rpc

# (method, path below /api or /ajax-api, endpoint)
PROTOCOL: list[tuple[str, str, Endpoint]] = [
    # Experiments (§1.1)
    (
        "GET",
        "/2.0/mlflow/experiments/get-by-name",
        rpc(experiments.GET_BY_NAME, experiments.get_experiment_by_name),
    ),
    (
        "POST",
        "/2.0/mlflow/experiments/create",
        rpc(experiments.CREATE, experiments.create_experiment),
    ),
    (
        "POST",
        "/2.0/mlflow/experiments/search",
        rpc(experiments.SEARCH, experiments.search_experiments),
    ),
    (
        "GET",
        "/2.0/mlflow/experiments/search",
        rpc(experiments.SEARCH, experiments.search_experiments),
    ),
    ("GET", "/2.0/mlflow/experiments/get", rpc(experiments.BY_ID, experiments.get_experiment)),
    (
        "POST",
        "/2.0/mlflow/experiments/delete",
        rpc(experiments.BY_ID, experiments.delete_experiment),
    ),
    (
        "POST",
        "/2.0/mlflow/experiments/restore",
        rpc(experiments.BY_ID, experiments.restore_experiment),
    ),
    (
        "POST",
        "/2.0/mlflow/experiments/update",
        rpc(experiments.UPDATE, experiments.update_experiment),
    ),
    (
        "POST",
        "/2.0/mlflow/experiments/set-experiment-tag",
        rpc(experiments.SET_TAG, experiments.set_experiment_tag),
    ),
    (
        "POST",
        "/2.0/mlflow/experiments/delete-experiment-tag",
        rpc(experiments.DELETE_TAG, experiments.delete_experiment_tag),
    ),
    # Runs (§1.2)
    ("POST", "/2.0/mlflow/runs/create", rpc(runs.CREATE, runs.create_run)),
    ("POST", "/2.0/mlflow/runs/update", rpc(runs.UPDATE, runs.update_run)),
    ("POST", "/2.0/mlflow/runs/delete", rpc(runs.BY_RUN_ID, runs.delete_run)),
    ("POST", "/2.0/mlflow/runs/restore", rpc(runs.BY_RUN_ID, runs.restore_run)),
    ("GET", "/2.0/mlflow/runs/get", rpc(runs.GET, runs.get_run)),
    ("POST", "/2.0/mlflow/runs/search", rpc(runs.SEARCH, runs.search_runs)),
    # Run data (§1.3)
    ("POST", "/2.0/mlflow/runs/log-metric", rpc(run_data.LOG_METRIC, run_data.log_metric)),
    ("POST", "/2.0/mlflow/runs/log-parameter", rpc(run_data.LOG_PARAM, run_data.log_param)),
    ("POST", "/2.0/mlflow/runs/set-tag", rpc(run_data.SET_TAG, run_data.set_tag)),
    ("POST", "/2.0/mlflow/runs/delete-tag", rpc(run_data.DELETE_TAG, run_data.delete_tag)),
    ("POST", "/2.0/mlflow/runs/log-batch", rpc(run_data.LOG_BATCH, run_data.log_batch)),
    ("POST", "/2.0/mlflow/runs/log-model", rpc(run_data.LOG_MODEL, run_data.log_model)),
    ("GET", "/2.0/mlflow/metrics/get-history", metric_history.get_metric_history),
    (
        "GET",
        "/2.0/mlflow/metrics/get-history-bulk-interval",
        rpc(metric_history.BULK_INTERVAL, metric_history.get_metric_history_bulk_interval),
    ),
    # Lineage (§1.4)
    ("POST", "/2.0/mlflow/runs/log-inputs", rpc(lineage.LOG_INPUTS, lineage.log_inputs)),
    ("POST", "/2.0/mlflow/runs/outputs", rpc(lineage.LOG_OUTPUTS, lineage.log_outputs)),
    # Server capabilities (§1.21)
    ("GET", "/3.0/mlflow/server-info", meta.server_info),
]

# UI helpers that MLflow serves only under /ajax-api.
AJAX_ONLY: list[tuple[str, str, Endpoint]] = [
    (
        "GET",
        "/2.0/mlflow/metrics/get-history-bulk",
        rpc(metric_history.BULK, metric_history.get_metric_history_bulk),
    ),
    (
        "POST",
        "/2.0/mlflow/experiments/search-datasets",
        rpc(lineage.SEARCH_DATASETS, lineage.search_datasets),
    ),
]

ROOT: list[tuple[str, str, Endpoint]] = [
    ("GET", "/health", meta.health),
    ("GET", "/version", meta.version),
]


def build_routes() -> list[BaseRoute]:
    """Starlette routes for the table above; methods sharing a path share one route."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for prefix, table in (
        ("/api", PROTOCOL),
        ("/ajax-api", PROTOCOL),
        ("/ajax-api", AJAX_ONLY),
        ("", ROOT),
    ):
        for method, path, endpoint in table:
            by_path.setdefault(prefix + path, {})[method] = endpoint
    return [_route(path, methods) for path, methods in by_path.items()]


def _route(path: str, methods: dict[str, Endpoint]) -> Route:
    if len(methods) == 1:
        ((method, endpoint),) = methods.items()
        return Route(path, endpoint, methods=[method])

    async def dispatch(request: Request) -> Response:
        endpoint = methods.get(request.method) or methods["GET"]  # HEAD falls back to GET
        return await endpoint(request)

    return Route(path, dispatch, methods=list(methods))
