"""THE route table: every URL runhub serves, in one place.

Protocol routes are served under both ``/api`` and ``/ajax-api``; UI-only helpers under
``/ajax-api`` alone; operational routes at the root; the web app (``runhub.ui``) last, for
browser paths no other route claims.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from runhub.api import (
    artifact_multipart,
    artifacts,
    assessments,
    experiments,
    graphql,
    lineage,
    meta,
    metric_history,
    model_version_artifacts,
    openapi,
    otlp,
    purge,
    run_artifacts,
    run_data,
    runs,
    trace_metrics,
    traces,
    traces_v2,
    webhooks,
)
from runhub.api import evaluation_datasets as ED
from runhub.api import logged_models as LM
from runhub.api import model_artifacts as MA
from runhub.api import registry as R
from runhub.api.endpoint import Endpoint, rpc
from runhub.ui import ui_routes

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
    # Permanent deletion of deleted items (a runhub extension; what `runhub gc` does)
    ("POST", "/2.0/mlflow/runs/purge", rpc(purge.BY_RUN_ID, purge.purge_run)),
    (
        "POST",
        "/2.0/mlflow/experiments/purge",
        rpc(purge.BY_EXPERIMENT_ID, purge.purge_experiment),
    ),
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
    # Model registry (§1.7)
    *(
        (method, f"/2.0/mlflow/{path}", rpc(fields, handler))
        for method, path, fields, handler in (
            ("POST", "registered-models/create", R.CREATE_MODEL, R.create_registered_model),
            ("POST", "registered-models/rename", R.RENAME_MODEL, R.rename_registered_model),
            ("PATCH", "registered-models/update", R.UPDATE_MODEL, R.update_registered_model),
            ("DELETE", "registered-models/delete", R.BY_NAME, R.delete_registered_model),
            ("GET", "registered-models/get", R.BY_NAME, R.get_registered_model),
            ("GET", "registered-models/search", R.SEARCH_MODELS, R.search_registered_models),
            (
                "POST",
                "registered-models/get-latest-versions",
                R.LATEST_VERSIONS,
                R.get_latest_versions,
            ),
            (
                "GET",
                "registered-models/get-latest-versions",
                R.LATEST_VERSIONS,
                R.get_latest_versions,
            ),
            ("POST", "model-versions/create", R.CREATE_VERSION, R.create_model_version),
            ("PATCH", "model-versions/update", R.UPDATE_VERSION, R.update_model_version),
            (
                "POST",
                "model-versions/transition-stage",
                R.TRANSITION,
                R.transition_model_version_stage,
            ),
            ("DELETE", "model-versions/delete", R.BY_VERSION, R.delete_model_version),
            ("GET", "model-versions/get", R.BY_VERSION, R.get_model_version),
            ("GET", "model-versions/search", R.SEARCH_VERSIONS, R.search_model_versions_response),
            (
                "GET",
                "model-versions/get-download-uri",
                R.BY_VERSION,
                R.get_model_version_download_uri,
            ),
            ("POST", "registered-models/set-tag", R.MODEL_TAG, R.set_registered_model_tag),
            ("POST", "model-versions/set-tag", R.VERSION_TAG, R.set_model_version_tag),
            (
                "DELETE",
                "registered-models/delete-tag",
                R.MODEL_TAG_KEY,
                R.delete_registered_model_tag,
            ),
            ("DELETE", "model-versions/delete-tag", R.VERSION_TAG_KEY, R.delete_model_version_tag),
            ("POST", "registered-models/alias", R.ALIAS, R.set_registered_model_alias),
            ("DELETE", "registered-models/alias", R.ALIAS_NAME, R.delete_registered_model_alias),
            ("GET", "registered-models/alias", R.ALIAS_NAME, R.get_model_version_by_alias),
        )
    ),
    # Logged models (§1.8)
    *(
        (method, f"/2.0/mlflow/logged-models{path}", rpc(fields, handler))
        for method, path, fields, handler in (
            ("POST", "", LM.CREATE, LM.create_logged_model),
            ("POST", "/search", LM.SEARCH, LM.search_logged_models),
            ("PATCH", "/{model_id}", LM.FINALIZE, LM.finalize_logged_model),
            ("GET", "/{model_id}", LM.GET, LM.get_logged_model),
            ("DELETE", "/{model_id}", LM.BY_ID, LM.delete_logged_model),
            ("PATCH", "/{model_id}/tags", LM.SET_TAGS, LM.set_logged_model_tags),
            (
                "DELETE",
                "/{model_id}/tags/{tag_key:path}",
                LM.DELETE_TAG,
                LM.delete_logged_model_tag,
            ),
            ("POST", "/{model_id}/params", LM.LOG_PARAMS, LM.log_logged_model_params),
            (
                "GET",
                "/{model_id}/artifacts/directories",
                MA.LIST_ARTIFACTS,
                MA.list_logged_model_artifacts,
            ),
        )
    ),
    # Server capabilities (§1.21)
    ("GET", "/3.0/mlflow/server-info", meta.server_info),
    # Run artifacts (§1.5)
    (
        "GET",
        "/2.0/mlflow/artifacts/list",
        rpc(run_artifacts.LIST, run_artifacts.list_run_artifacts),
    ),
    (
        "POST",
        "/2.0/mlflow/artifacts/presigned-upload-url",
        rpc(run_artifacts.PRESIGNED_UPLOAD, run_artifacts.presigned_upload_url),
    ),
    (
        "POST",
        "/2.0/mlflow/artifacts/presigned-download-url",
        rpc(run_artifacts.PRESIGNED_DOWNLOAD, run_artifacts.presigned_download_url),
    ),
    # Proxied artifact service (§1.6); paths are relative to --artifacts-destination
    ("GET", "/2.0/mlflow-artifacts/artifacts", artifacts.list_artifacts),
    ("GET", "/2.0/mlflow-artifacts/artifacts/{artifact_path:path}", artifacts.download_artifact),
    ("PUT", "/2.0/mlflow-artifacts/artifacts/{artifact_path:path}", artifacts.upload_artifact),
    ("DELETE", "/2.0/mlflow-artifacts/artifacts/{artifact_path:path}", artifacts.delete_artifact),
    (
        "POST",
        "/2.0/mlflow-artifacts/mpu/create/{artifact_path:path}",
        artifact_multipart.create_multipart_upload,
    ),
    (
        "POST",
        "/2.0/mlflow-artifacts/mpu/complete/{artifact_path:path}",
        artifact_multipart.complete_multipart_upload,
    ),
    (
        "POST",
        "/2.0/mlflow-artifacts/mpu/abort/{artifact_path:path}",
        artifact_multipart.abort_multipart_upload,
    ),
    # runhub extension: part uploads of a multipart upload on a local destination
    (
        "PUT",
        "/2.0/mlflow-artifacts/mpu/parts/{upload_id}/{part_number:int}",
        artifact_multipart.upload_part,
    ),
    ("GET", "/2.0/mlflow-artifacts/presigned/{artifact_path:path}", artifacts.presigned_download),
    # Traces V3 (§1.9); fixed paths before /traces/{trace_id}
    ("POST", "/3.0/mlflow/traces", rpc(traces.START, traces.start_trace_v3)),
    ("GET", "/3.0/mlflow/traces/get", rpc(traces.GET_TRACE, traces.get_trace)),
    ("GET", "/3.0/mlflow/traces/batchGet", rpc(traces.BATCH, traces.batch_get_traces)),
    (
        "POST",
        "/3.0/mlflow/traces/batchGetInfos",
        rpc(traces.BATCH, traces.batch_get_trace_infos),
    ),
    ("POST", "/3.0/mlflow/traces/search", rpc(traces.SEARCH, traces.search_traces_v3)),
    ("POST", "/3.0/mlflow/traces/delete-traces", rpc(traces.DELETE, traces.delete_traces)),
    (
        "POST",
        "/3.0/mlflow/traces/calculate-filter-correlation",
        rpc(trace_metrics.CORRELATION, trace_metrics.calculate_filter_correlation),
    ),
    (
        "POST",
        "/3.0/mlflow/traces/metrics",
        rpc(trace_metrics.QUERY, trace_metrics.query_trace_metrics),
    ),
    ("GET", "/3.0/mlflow/traces/{trace_id}", rpc(traces.BY_TRACE_ID, traces.get_trace_info_v3)),
    ("PATCH", "/3.0/mlflow/traces/{trace_id}/tags", rpc(traces.SET_TAG, traces.set_trace_tag)),
    (
        "DELETE",
        "/3.0/mlflow/traces/{trace_id}/tags",
        rpc(traces.DELETE_TAG, traces.delete_trace_tag),
    ),
    # Assessments (§1.10)
    (
        "POST",
        "/3.0/mlflow/traces/{trace_id}/assessments",
        rpc(assessments.CREATE, assessments.create_assessment),
    ),
    (
        "GET",
        "/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}",
        rpc(assessments.BY_ID, assessments.get_assessment),
    ),
    (
        "PATCH",
        "/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}",
        rpc(assessments.UPDATE, assessments.update_assessment),
    ),
    (
        "DELETE",
        "/3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}",
        rpc(assessments.BY_ID, assessments.delete_assessment),
    ),
    # Traces under /2.0 (§1.11): links, deletes, tags and the legacy V2 API
    (
        "POST",
        "/2.0/mlflow/traces/link-to-run",
        rpc(traces_v2.LINK_TO_RUN, traces_v2.link_traces_to_run),
    ),
    (
        "POST",
        "/2.0/mlflow/traces/link-prompts",
        rpc(traces_v2.LINK_PROMPTS, traces_v2.link_prompts_to_trace),
    ),
    ("POST", "/2.0/mlflow/traces/delete-traces", rpc(traces.DELETE, traces.delete_traces)),
    ("POST", "/2.0/mlflow/traces", rpc(traces_v2.START, traces_v2.start_trace)),
    ("GET", "/2.0/mlflow/traces", rpc(traces_v2.SEARCH, traces_v2.search_traces)),
    ("PATCH", "/2.0/mlflow/traces/{request_id}", rpc(traces_v2.END, traces_v2.end_trace)),
    (
        "GET",
        "/2.0/mlflow/traces/{request_id}/info",
        rpc(traces_v2.BY_REQUEST_ID, traces_v2.get_trace_info),
    ),
    ("PATCH", "/2.0/mlflow/traces/{request_id}/tags", rpc(traces.SET_TAG, traces.set_trace_tag)),
    (
        "DELETE",
        "/2.0/mlflow/traces/{request_id}/tags",
        rpc(traces.DELETE_TAG, traces.delete_trace_tag),
    ),
    # Evaluation datasets (genai §1); fixed paths before /datasets/{dataset_id}
    *(
        (method, f"/3.0/mlflow/datasets{path}", rpc(fields, handler))
        for method, path, fields, handler in (
            ("POST", "/create", ED.CREATE, ED.create_dataset),
            ("POST", "/search", ED.SEARCH, ED.search_datasets),
            ("GET", "/search", ED.SEARCH, ED.search_datasets),
            ("GET", "/{dataset_id}", ED.BY_ID, ED.get_dataset),
            ("DELETE", "/{dataset_id}", ED.BY_ID, ED.delete_dataset),
            ("PATCH", "/{dataset_id}/tags", ED.SET_TAGS, ED.set_dataset_tags),
            ("DELETE", "/{dataset_id}/tags/{key:path}", ED.DELETE_TAG, ED.delete_dataset_tag),
            ("POST", "/{dataset_id}/records", ED.UPSERT, ED.upsert_records),
            ("GET", "/{dataset_id}/records", ED.RECORDS, ED.get_records),
            ("DELETE", "/{dataset_id}/records", ED.DELETE_RECORDS, ED.delete_records),
            ("GET", "/{dataset_id}/experiment-ids", ED.BY_ID, ED.get_experiment_ids),
            ("POST", "/{dataset_id}/add-experiments", ED.LINKS, ED.add_experiments),
            ("POST", "/{dataset_id}/remove-experiments", ED.LINKS, ED.remove_experiments),
        )
    ),
    # Webhooks (§1.12)
    ("POST", "/2.0/mlflow/webhooks", rpc(webhooks.CREATE, webhooks.create_webhook)),
    ("GET", "/2.0/mlflow/webhooks", rpc(webhooks.LIST, webhooks.list_webhooks)),
    ("GET", "/2.0/mlflow/webhooks/{webhook_id}", rpc(webhooks.BY_ID, webhooks.get_webhook)),
    ("PATCH", "/2.0/mlflow/webhooks/{webhook_id}", rpc(webhooks.UPDATE, webhooks.update_webhook)),
    ("DELETE", "/2.0/mlflow/webhooks/{webhook_id}", rpc(webhooks.BY_ID, webhooks.delete_webhook)),
    ("POST", "/2.0/mlflow/webhooks/{webhook_id}/test", rpc(webhooks.TEST, webhooks.test_webhook)),
]

# UI helpers that MLflow serves only under /ajax-api.
AJAX_ONLY: list[tuple[str, str, Endpoint]] = [
    ("POST", "/2.0/mlflow/upload-artifact", run_artifacts.upload_run_artifact),
    (
        "GET",
        "/2.0/mlflow/logged-models/{model_id}/artifacts/files",
        MA.get_logged_model_artifact,
    ),
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


def served_tables() -> list[tuple[str, list[tuple[str, str, Endpoint]]]]:
    """Each table with the prefix it is served under (ROOT, below, at the root)."""
    return [("/api", PROTOCOL), ("/ajax-api", PROTOCOL), ("/ajax-api", AJAX_ONLY), ("", ROOT)]


ROOT: list[tuple[str, str, Endpoint]] = [
    ("GET", "/get-artifact", run_artifacts.get_artifact),
    ("GET", "/model-versions/get-artifact", model_version_artifacts.get_model_version_artifact),
    ("GET", "/health", meta.health),
    ("GET", "/version", meta.version),
    ("POST", "/v1/traces", otlp.export_traces),  # OTLP/HTTP span ingest (§1.9)
    ("POST", "/graphql", graphql.graphql),  # read-only queries for the UI and users (§10)
    # The OpenAPI 3.1 description of every route in this table, generated from it.
    ("GET", "/api/openapi.json", openapi.document_endpoint(served_tables)),
]


def build_routes() -> list[BaseRoute]:
    """Starlette routes for the table above; methods sharing a path share one route."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for prefix, table in served_tables():
        for method, path, endpoint in table:
            by_path.setdefault(prefix + path, {})[method] = endpoint
    server = [_route(path, methods) for path, methods in by_path.items()]
    # The web app comes last: it answers only browser paths that no server route claims.
    return [*server, *ui_routes(server)]


def _route(path: str, methods: dict[str, Endpoint]) -> Route:
    if len(methods) == 1:
        ((method, endpoint),) = methods.items()
        return Route(path, endpoint, methods=[method])

    async def dispatch(request: Request) -> Response:
        endpoint = methods.get(request.method) or methods["GET"]  # HEAD falls back to GET
        return await endpoint(request)

    return Route(path, dispatch, methods=list(methods))
