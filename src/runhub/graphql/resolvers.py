"""Root fields of the GraphQL schema: each parses its input like REST and calls the handler.

Results are the REST JSON (snake_case dicts); the executor's field resolver reads them under
camelCase names. Reads of one experiment or run check the caller's READ permission like their
REST routes; searches run inside the request's visibility scope, so they are filtered the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLResolveInfo

from runhub.api import experiments, metric_history, registry, run_artifacts, runs
from runhub.api.wire import Field, parse_message
from runhub.errors import InvalidParameter, PermissionDenied, RunhubError
from runhub.security.auth.service import AuthService
from runhub.security.auth.store import User
from runhub.security.permissions import Level
from runhub.store.stores import Stores

log = logging.getLogger("runhub.graphql")
Json = dict[str, Any]
MAX_NESTED_MODEL_VERSIONS = 100


@dataclass(frozen=True)
class Context:
    stores: Stores
    auth: AuthService | None = None
    user: User | None = None

    def require_read(self, experiment_id: str) -> None:
        if self.auth is None or self.user is None:
            return
        if self.auth.level(self.user, "experiment", experiment_id) < Level.READ:
            raise PermissionDenied("Permission denied")


def _parse(fields: tuple[Field, ...], raw: Json | None) -> Json:
    return parse_message(fields, dict(raw or {}))


def _api_errors(fn: Callable[[Context, Json | None], Json]) -> Callable[..., Json]:
    """A root resolver that reports client errors in ``apiError`` like MLflow's."""

    def resolve(_root: object, info: GraphQLResolveInfo, input: Json | None = None) -> Json:
        try:
            return fn(info.context, input)
        except RunhubError as exc:
            return {"api_error": {"code": exc.error_code, "message": exc.message}}
        except Exception:  # never leak internals (SQL, paths) into the answer
            log.exception("GraphQL field %s failed", info.field_name)
            message = "The server hit an unexpected error; it has been logged."
            return {"api_error": {"code": "INTERNAL_ERROR", "message": message}}

    return resolve


def _run_extension(ctx: Context, run: Json) -> Json:
    """A run with its experiment and model versions resolved only when they are asked for."""
    info = run.get("info", {})

    def experiment(_info: GraphQLResolveInfo) -> Json | None:
        try:
            got = experiments.get_experiment(ctx.stores, {"experiment_id": info["experiment_id"]})
        except RunhubError:
            return None
        experiment: Json = got["experiment"]
        return experiment

    def model_versions(_info: GraphQLResolveInfo) -> list[Json]:
        msg = _parse(registry.SEARCH_VERSIONS, {"filter": f"run_id = '{info['run_id']}'"})
        msg["max_results"] = MAX_NESTED_MODEL_VERSIONS
        found: list[Json] = registry.search_model_versions(ctx.stores, msg).get(
            "model_versions", []
        )
        return found

    return {**run, "experiment": experiment, "model_versions": model_versions}


@_api_errors
def get_experiment(ctx: Context, raw: Json | None) -> Json:
    msg = _parse(experiments.BY_ID, raw)
    if not msg["experiment_id"]:
        raise _missing("experimentId")
    ctx.require_read(msg["experiment_id"])
    return experiments.get_experiment(ctx.stores, msg)


@_api_errors
def get_run(ctx: Context, raw: Json | None) -> Json:
    run: Json = runs.get_run(ctx.stores, _parse(runs.GET, raw))["run"]
    ctx.require_read(run["info"]["experiment_id"])
    return {"run": _run_extension(ctx, run)}


@_api_errors
def get_metric_history_bulk_interval(ctx: Context, raw: Json | None) -> Json:
    msg = _parse(metric_history.BULK_INTERVAL, raw)
    for run_id in dict.fromkeys(msg["run_ids"]):
        run = runs.get_run(ctx.stores, {"run_id": run_id, "run_uuid": None})["run"]
        ctx.require_read(run["info"]["experiment_id"])
    return metric_history.get_metric_history_bulk_interval(ctx.stores, msg)


@_api_errors
def list_artifacts(ctx: Context, raw: Json | None) -> Json:
    msg = _parse(run_artifacts.LIST, raw)
    run = runs.get_run(ctx.stores, msg)["run"]
    ctx.require_read(run["info"]["experiment_id"])
    return run_artifacts.list_run_artifacts(ctx.stores, msg)


@_api_errors
def search_model_versions(ctx: Context, raw: Json | None) -> Json:
    return registry.search_model_versions(ctx.stores, _parse(registry.SEARCH_VERSIONS, raw))


@_api_errors
def search_runs(ctx: Context, raw: Json | None) -> Json:
    found = runs.search_runs(ctx.stores, _parse(runs.SEARCH, raw))
    if "runs" in found:
        found["runs"] = [_run_extension(ctx, r) for r in found["runs"]]
    return found


def echo(_root: object, _info: GraphQLResolveInfo, inputString: str | None = None) -> Json:
    return {"output": inputString}


def _missing(name: str) -> RunhubError:
    return InvalidParameter(f"Missing value for required parameter '{name}'.")


QUERY_RESOLVERS: dict[str, Callable[..., Any]] = {
    "mlflowGetExperiment": get_experiment,
    "mlflowGetRun": get_run,
    "mlflowGetMetricHistoryBulkInterval": get_metric_history_bulk_interval,
    "mlflowListArtifacts": list_artifacts,
    "mlflowSearchModelVersions": search_model_versions,
    "mlflowSearchRuns": search_runs,
    "test": echo,
}
MUTATION_RESOLVERS: dict[str, Callable[..., Any]] = {
    "mlflowSearchRuns": search_runs,
    "testMutation": echo,
}
