"""The permission rule of every route, deny by default (product.md §5).

Each (method, path template) the app serves maps to a :class:`Rule`. A route without a rule is
refused under authentication, and a test fails when one exists. Protocol paths are written
below ``/api`` and ``/ajax-api`` and apply under both; path parameters are written ``{}``.

Levels follow MLflow: reading needs READ, changing needs EDIT, deleting, restoring and
managing permissions need MANAGE. Where a request names no single resource (creating an
experiment, searching) it needs an authenticated user, and searches are filtered by permission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from runhub.security.permissions import Level


class Access(Enum):
    PUBLIC = "public"  # no credentials needed
    AUTHENTICATED = "authenticated"  # any signed-in user
    ADMIN = "admin"  # admins only
    RESOURCE = "resource"  # a permission level on the resource the request names


class Locate(Enum):
    """Where the resource a request acts on is named, and what kind it is."""

    EXPERIMENT = "experiment_id field"
    EXPERIMENT_NAME = "experiment_name field"
    EXPERIMENT_IDS = "experiment_ids list field"
    EXPERIMENT_HEADER = "x-mlflow-experiment-id header"
    EXPERIMENT_IN_TRACE_LOCATIONS = "locations[].mlflow_experiment.experiment_id"
    RUN = "run_id or run_uuid field"
    RUN_IDS = "repeated run_id field"
    TRACE = "trace_id, request_id, trace_ids or request_ids fields"
    TRACE_PATH = "first path parameter: a trace id"
    TRACE_IN_BODY = "trace.trace_info.trace_location experiment, or experiment_id"
    LOGGED_MODEL_PATH = "first path parameter: a logged model id"
    LOGGED_MODEL_SOURCE = "experiment_id field of a new logged model"
    ARTIFACT_PATH = "first segment of the artifact path: an experiment id"
    ARTIFACT_PATH_QUERY = "first segment of the path query field: an experiment id"
    MODEL = "name field: a registered model"
    DATASET_PATH = "first path parameter: an evaluation dataset, via its linked experiments"
    DATASET_PATH_AND_EXPERIMENT_IDS = "an evaluation dataset's experiments and experiment_ids"


@dataclass(frozen=True)
class Rule:
    access: Access
    level: Level = Level.NO_PERMISSIONS
    locate: Locate | None = None

    @property
    def resource_type(self) -> str | None:
        """``experiment`` or ``registered_model`` for resource rules."""
        if self.locate is None:
            return None
        return "registered_model" if self.locate.name.startswith("MODEL") else "experiment"


PUBLIC = Rule(Access.PUBLIC)
SIGNED_IN = Rule(Access.AUTHENTICATED)
ADMIN = Rule(Access.ADMIN)


def on(locate: Locate, level: Level) -> Rule:
    return Rule(Access.RESOURCE, level, locate)


R, E, M = Level.READ, Level.EDIT, Level.MANAGE
L = Locate

# Below /api and /ajax-api.
PROTOCOL_RULES: dict[tuple[str, str], Rule] = {
    # Experiments
    ("GET", "/2.0/mlflow/experiments/get-by-name"): on(L.EXPERIMENT_NAME, R),
    ("POST", "/2.0/mlflow/experiments/create"): SIGNED_IN,
    ("POST", "/2.0/mlflow/experiments/search"): SIGNED_IN,
    ("GET", "/2.0/mlflow/experiments/search"): SIGNED_IN,
    ("GET", "/2.0/mlflow/experiments/get"): on(L.EXPERIMENT, R),
    ("POST", "/2.0/mlflow/experiments/delete"): on(L.EXPERIMENT, M),
    ("POST", "/2.0/mlflow/experiments/restore"): on(L.EXPERIMENT, M),
    ("POST", "/2.0/mlflow/experiments/update"): on(L.EXPERIMENT, E),
    ("POST", "/2.0/mlflow/experiments/set-experiment-tag"): on(L.EXPERIMENT, E),
    ("POST", "/2.0/mlflow/experiments/delete-experiment-tag"): on(L.EXPERIMENT, E),
    ("POST", "/2.0/mlflow/experiments/search-datasets"): on(L.EXPERIMENT_IDS, R),
    # Runs and run data
    ("POST", "/2.0/mlflow/runs/create"): on(L.EXPERIMENT, E),
    ("POST", "/2.0/mlflow/runs/update"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/runs/delete"): on(L.RUN, M),
    ("POST", "/2.0/mlflow/runs/restore"): on(L.RUN, M),
    ("POST", "/2.0/mlflow/runs/purge"): on(L.RUN, M),
    ("POST", "/2.0/mlflow/experiments/purge"): on(L.EXPERIMENT, M),
    ("GET", "/2.0/mlflow/runs/get"): on(L.RUN, R),
    ("POST", "/2.0/mlflow/runs/search"): SIGNED_IN,
    ("POST", "/2.0/mlflow/runs/log-metric"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/runs/log-parameter"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/runs/set-tag"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/runs/delete-tag"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/runs/log-batch"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/runs/log-model"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/runs/log-inputs"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/runs/outputs"): on(L.RUN, E),
    ("GET", "/2.0/mlflow/metrics/get-history"): on(L.RUN, R),
    ("GET", "/2.0/mlflow/metrics/get-history-bulk"): on(L.RUN_IDS, R),
    ("GET", "/2.0/mlflow/metrics/get-history-bulk-interval"): on(L.RUN_IDS, R),
    # Run artifacts (tracking service) and UI helpers
    ("GET", "/2.0/mlflow/artifacts/list"): on(L.RUN, R),
    ("POST", "/2.0/mlflow/artifacts/presigned-upload-url"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/artifacts/presigned-download-url"): on(L.RUN, R),
    ("POST", "/2.0/mlflow/upload-artifact"): on(L.RUN, E),
    ("GET", "/2.0/mlflow/get-trace-artifact"): on(L.TRACE, R),
    ("GET", "/3.0/mlflow/get-trace-artifact"): on(L.TRACE, R),
    # Proxied artifacts: the path starts with the experiment id (mlflow-artifacts:/<exp>/...)
    ("GET", "/2.0/mlflow-artifacts/artifacts/{}"): on(L.ARTIFACT_PATH, R),
    ("PUT", "/2.0/mlflow-artifacts/artifacts/{}"): on(L.ARTIFACT_PATH, E),
    ("DELETE", "/2.0/mlflow-artifacts/artifacts/{}"): on(L.ARTIFACT_PATH, M),
    ("GET", "/2.0/mlflow-artifacts/artifacts"): on(L.ARTIFACT_PATH_QUERY, R),
    ("POST", "/2.0/mlflow-artifacts/mpu/create/{}"): on(L.ARTIFACT_PATH, E),
    ("POST", "/2.0/mlflow-artifacts/mpu/complete/{}"): on(L.ARTIFACT_PATH, E),
    ("POST", "/2.0/mlflow-artifacts/mpu/abort/{}"): on(L.ARTIFACT_PATH, E),
    ("GET", "/2.0/mlflow-artifacts/presigned/{}"): on(L.ARTIFACT_PATH, R),
    # Part uploads of a local multipart upload: the random upload id is the credential, like a
    # presigned URL (clients send parts without auth headers); mpu/complete checks EDIT again.
    ("PUT", "/2.0/mlflow-artifacts/mpu/parts/{}/{}"): PUBLIC,
    # Model registry: permissions on the registered model, by name
    ("POST", "/2.0/mlflow/registered-models/create"): SIGNED_IN,
    ("POST", "/2.0/mlflow/registered-models/rename"): on(L.MODEL, M),
    ("PATCH", "/2.0/mlflow/registered-models/update"): on(L.MODEL, E),
    ("DELETE", "/2.0/mlflow/registered-models/delete"): on(L.MODEL, M),
    ("GET", "/2.0/mlflow/registered-models/get"): on(L.MODEL, R),
    ("GET", "/2.0/mlflow/registered-models/search"): SIGNED_IN,
    ("POST", "/2.0/mlflow/registered-models/get-latest-versions"): on(L.MODEL, R),
    ("GET", "/2.0/mlflow/registered-models/get-latest-versions"): on(L.MODEL, R),
    ("POST", "/2.0/mlflow/registered-models/set-tag"): on(L.MODEL, E),
    ("DELETE", "/2.0/mlflow/registered-models/delete-tag"): on(L.MODEL, E),
    ("POST", "/2.0/mlflow/registered-models/alias"): on(L.MODEL, E),
    ("DELETE", "/2.0/mlflow/registered-models/alias"): on(L.MODEL, E),
    ("GET", "/2.0/mlflow/registered-models/alias"): on(L.MODEL, R),
    ("POST", "/2.0/mlflow/model-versions/create"): on(L.MODEL, E),
    ("PATCH", "/2.0/mlflow/model-versions/update"): on(L.MODEL, E),
    ("POST", "/2.0/mlflow/model-versions/transition-stage"): on(L.MODEL, E),
    ("DELETE", "/2.0/mlflow/model-versions/delete"): on(L.MODEL, M),
    ("GET", "/2.0/mlflow/model-versions/get"): on(L.MODEL, R),
    ("GET", "/2.0/mlflow/model-versions/search"): SIGNED_IN,
    ("GET", "/2.0/mlflow/model-versions/get-download-uri"): on(L.MODEL, R),
    ("POST", "/2.0/mlflow/model-versions/set-tag"): on(L.MODEL, E),
    ("DELETE", "/2.0/mlflow/model-versions/delete-tag"): on(L.MODEL, E),
    # Logged models: permissions of their experiment
    ("POST", "/2.0/mlflow/logged-models"): on(L.LOGGED_MODEL_SOURCE, E),
    ("POST", "/2.0/mlflow/logged-models/search"): on(L.EXPERIMENT_IDS, R),
    ("GET", "/2.0/mlflow/logged-models/{}"): on(L.LOGGED_MODEL_PATH, R),
    ("PATCH", "/2.0/mlflow/logged-models/{}"): on(L.LOGGED_MODEL_PATH, E),
    ("DELETE", "/2.0/mlflow/logged-models/{}"): on(L.LOGGED_MODEL_PATH, M),
    ("PATCH", "/2.0/mlflow/logged-models/{}/tags"): on(L.LOGGED_MODEL_PATH, E),
    ("DELETE", "/2.0/mlflow/logged-models/{}/tags/{}"): on(L.LOGGED_MODEL_PATH, E),
    ("POST", "/2.0/mlflow/logged-models/{}/params"): on(L.LOGGED_MODEL_PATH, E),
    ("GET", "/2.0/mlflow/logged-models/{}/artifacts/directories"): on(L.LOGGED_MODEL_PATH, R),
    ("GET", "/2.0/mlflow/logged-models/{}/artifacts/files"): on(L.LOGGED_MODEL_PATH, R),
    # Traces V3 and assessments: permissions of the trace's experiment
    ("POST", "/3.0/mlflow/traces"): on(L.TRACE_IN_BODY, E),
    ("GET", "/3.0/mlflow/traces/get"): on(L.TRACE, R),
    ("GET", "/3.0/mlflow/traces/batchGet"): on(L.TRACE, R),
    ("POST", "/3.0/mlflow/traces/batchGetInfos"): on(L.TRACE, R),
    ("POST", "/3.0/mlflow/traces/search"): on(L.EXPERIMENT_IN_TRACE_LOCATIONS, R),
    ("POST", "/3.0/mlflow/traces/delete-traces"): on(L.EXPERIMENT, M),
    ("POST", "/3.0/mlflow/traces/calculate-filter-correlation"): on(L.EXPERIMENT_IDS, R),
    ("POST", "/3.0/mlflow/traces/metrics"): on(L.EXPERIMENT_IDS, R),
    ("GET", "/3.0/mlflow/traces/{}"): on(L.TRACE_PATH, R),
    ("PATCH", "/3.0/mlflow/traces/{}/tags"): on(L.TRACE_PATH, E),
    ("DELETE", "/3.0/mlflow/traces/{}/tags"): on(L.TRACE_PATH, E),
    ("POST", "/3.0/mlflow/traces/{}/assessments"): on(L.TRACE_PATH, E),
    ("GET", "/3.0/mlflow/traces/{}/assessments/{}"): on(L.TRACE_PATH, R),
    ("PATCH", "/3.0/mlflow/traces/{}/assessments/{}"): on(L.TRACE_PATH, E),
    ("DELETE", "/3.0/mlflow/traces/{}/assessments/{}"): on(L.TRACE_PATH, E),
    # Traces, 2.0 routes
    ("POST", "/2.0/mlflow/traces"): on(L.EXPERIMENT, E),
    ("GET", "/2.0/mlflow/traces"): on(L.EXPERIMENT_IDS, R),
    ("PATCH", "/2.0/mlflow/traces/{}"): on(L.TRACE_PATH, E),
    ("GET", "/2.0/mlflow/traces/{}/info"): on(L.TRACE_PATH, R),
    ("PATCH", "/2.0/mlflow/traces/{}/tags"): on(L.TRACE_PATH, E),
    ("DELETE", "/2.0/mlflow/traces/{}/tags"): on(L.TRACE_PATH, E),
    ("POST", "/2.0/mlflow/traces/link-to-run"): on(L.RUN, E),
    ("POST", "/2.0/mlflow/traces/link-prompts"): on(L.TRACE, E),
    ("POST", "/2.0/mlflow/traces/delete-traces"): on(L.EXPERIMENT, M),
    # Evaluation datasets: permissions of every experiment the dataset is linked to (one
    # without links is for admins); linking needs EDIT on the experiments named as well.
    ("POST", "/3.0/mlflow/datasets/create"): on(L.EXPERIMENT_IDS, E),
    ("POST", "/3.0/mlflow/datasets/search"): SIGNED_IN,  # filtered by READ
    ("GET", "/3.0/mlflow/datasets/search"): SIGNED_IN,
    ("GET", "/3.0/mlflow/datasets/{}"): on(L.DATASET_PATH, R),
    ("DELETE", "/3.0/mlflow/datasets/{}"): on(L.DATASET_PATH, M),
    ("PATCH", "/3.0/mlflow/datasets/{}/tags"): on(L.DATASET_PATH, E),
    ("DELETE", "/3.0/mlflow/datasets/{}/tags/{}"): on(L.DATASET_PATH, E),
    ("POST", "/3.0/mlflow/datasets/{}/records"): on(L.DATASET_PATH, E),
    ("GET", "/3.0/mlflow/datasets/{}/records"): on(L.DATASET_PATH, R),
    ("DELETE", "/3.0/mlflow/datasets/{}/records"): on(L.DATASET_PATH, E),
    ("GET", "/3.0/mlflow/datasets/{}/experiment-ids"): on(L.DATASET_PATH, R),
    ("POST", "/3.0/mlflow/datasets/{}/add-experiments"): on(L.DATASET_PATH_AND_EXPERIMENT_IDS, E),
    ("POST", "/3.0/mlflow/datasets/{}/remove-experiments"): on(
        L.DATASET_PATH_AND_EXPERIMENT_IDS, E
    ),
    # Webhooks are server-wide: admins only (as in MLflow)
    ("POST", "/2.0/mlflow/webhooks"): ADMIN,
    ("GET", "/2.0/mlflow/webhooks"): ADMIN,
    ("GET", "/2.0/mlflow/webhooks/{}"): ADMIN,
    ("PATCH", "/2.0/mlflow/webhooks/{}"): ADMIN,
    ("DELETE", "/2.0/mlflow/webhooks/{}"): ADMIN,
    ("POST", "/2.0/mlflow/webhooks/{}/test"): ADMIN,
    # Server capabilities: public, as in MLflow (clients read it before uploading)
    ("GET", "/3.0/mlflow/server-info"): PUBLIC,
    # Users and permissions (the auth app); each handler checks who may act on whom
    ("POST", "/2.0/mlflow/users/create"): ADMIN,
    ("GET", "/2.0/mlflow/users/get"): SIGNED_IN,
    ("GET", "/2.0/mlflow/users/current"): SIGNED_IN,
    ("GET", "/2.0/mlflow/users/list"): ADMIN,
    ("PATCH", "/2.0/mlflow/users/update-password"): SIGNED_IN,
    ("POST", "/2.0/runhub/access-tokens/create"): SIGNED_IN,  # the caller's own tokens
    ("GET", "/2.0/runhub/access-tokens/list"): SIGNED_IN,
    ("DELETE", "/2.0/runhub/access-tokens/revoke"): SIGNED_IN,
    ("PATCH", "/2.0/mlflow/users/update-admin"): ADMIN,
    ("DELETE", "/2.0/mlflow/users/delete"): ADMIN,
    ("GET", "/3.0/mlflow/users/current/permissions"): SIGNED_IN,
    ("GET", "/3.0/mlflow/users/permissions/list"): SIGNED_IN,
    ("GET", "/3.0/mlflow/users/permissions/get"): SIGNED_IN,
    ("POST", "/3.0/mlflow/users/permissions/grant"): SIGNED_IN,
    ("POST", "/3.0/mlflow/users/permissions/revoke"): SIGNED_IN,
    ("POST", "/2.0/mlflow/experiments/permissions/create"): on(L.EXPERIMENT, M),
    ("GET", "/2.0/mlflow/experiments/permissions/get"): on(L.EXPERIMENT, M),
    ("PATCH", "/2.0/mlflow/experiments/permissions/update"): on(L.EXPERIMENT, M),
    ("DELETE", "/2.0/mlflow/experiments/permissions/delete"): on(L.EXPERIMENT, M),
    ("POST", "/2.0/mlflow/registered-models/permissions/create"): on(L.MODEL, M),
    ("GET", "/2.0/mlflow/registered-models/permissions/get"): on(L.MODEL, M),
    ("PATCH", "/2.0/mlflow/registered-models/permissions/update"): on(L.MODEL, M),
    ("DELETE", "/2.0/mlflow/registered-models/permissions/delete"): on(L.MODEL, M),
    ("POST", "/3.0/mlflow/roles/create"): ADMIN,
    ("GET", "/3.0/mlflow/roles/get"): ADMIN,
    ("GET", "/3.0/mlflow/roles/list"): ADMIN,
    ("PATCH", "/3.0/mlflow/roles/update"): ADMIN,
    ("DELETE", "/3.0/mlflow/roles/delete"): ADMIN,
    ("POST", "/3.0/mlflow/roles/permissions/add"): ADMIN,
    ("DELETE", "/3.0/mlflow/roles/permissions/remove"): ADMIN,
    ("GET", "/3.0/mlflow/roles/permissions/list"): ADMIN,
    ("PATCH", "/3.0/mlflow/roles/permissions/update"): ADMIN,
    ("POST", "/3.0/mlflow/roles/assign"): ADMIN,
    ("DELETE", "/3.0/mlflow/roles/unassign"): ADMIN,
    ("GET", "/3.0/mlflow/users/roles/list"): ADMIN,
    ("GET", "/3.0/mlflow/roles/users/list"): ADMIN,
    # The web UI's sign-in form: checks the password itself, under the login lock-out.
    ("POST", "/2.0/runhub/auth/sign-in"): PUBLIC,
    ("POST", "/2.0/runhub/auth/sign-out"): PUBLIC,  # only removes the caller's cookie
    ("GET", "/2.0/runhub/auth/status"): SIGNED_IN,
}

# At the root, outside /api and /ajax-api.
ROOT_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/version"): SIGNED_IN,  # MLflow answers 401 here too
    ("POST", "/v1/traces"): on(L.EXPERIMENT_HEADER, E),
    ("GET", "/get-artifact"): on(L.RUN, R),
    ("GET", "/model-versions/get-artifact"): on(L.MODEL, R),
    ("GET", "/metrics"): SIGNED_IN,
    # Each GraphQL field checks READ on what it reads; searches are filtered like REST.
    ("POST", "/graphql"): SIGNED_IN,
    # The API's OpenAPI description: no data, but like /version it needs a signed-in user.
    ("GET", "/api/openapi.json"): SIGNED_IN,
    # The web app: its page and assets hold no data; it shows its sign-in form when the API
    # answers 401 (no browser Basic prompt).
    ("GET", "/static-files/{}"): PUBLIC,
    ("GET", "/favicon.ico"): PUBLIC,
    ("GET", "/"): PUBLIC,
    ("GET", "<AppFallback>"): PUBLIC,
}

_PARAM = re.compile(r"\{[^}]*\}")
_PREFIXES = ("/api", "/ajax-api")


def template_key(path: str) -> str:
    """A route path with its parameters written ``{}``: ``/traces/{trace_id}`` → ``/traces/{}``."""
    return _PARAM.sub("{}", path)


def rule_for(method: str, path_template: str, static_prefix: str = "") -> Rule | None:
    """The rule of a route, or None when the route has none (refused: deny by default)."""
    method = "GET" if method == "HEAD" else method
    key = template_key(path_template)
    if static_prefix and key.startswith(static_prefix + "/"):
        key = key[len(static_prefix) :]
    for prefix in _PREFIXES:
        if key.startswith(prefix + "/"):
            rule = PROTOCOL_RULES.get((method, key[len(prefix) :]))
            if rule is not None:
                return rule
    return ROOT_RULES.get((method, key))
