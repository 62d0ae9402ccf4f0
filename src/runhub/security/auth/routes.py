"""Routes of the basic-auth app, served under /api and /ajax-api like the protocol routes."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from runhub.security.auth import api
from runhub.security.auth.roles_api import ROLE_TABLE
from runhub.security.auth.signin import SIGNIN_TABLE

_EXPERIMENT = api.legacy_permissions("experiment", "experiment_id")
_MODEL = api.legacy_permissions("registered_model", "name")

# (method, path below /api and /ajax-api, handler)
AUTH_TABLE: list[tuple[str, str, api.Handler]] = [
    ("POST", "/2.0/mlflow/users/create", api.create_user),
    ("GET", "/2.0/mlflow/users/get", api.get_user),
    ("GET", "/2.0/mlflow/users/current", api.current),
    ("GET", "/2.0/mlflow/users/list", api.list_users),
    ("PATCH", "/2.0/mlflow/users/update-password", api.update_password),
    ("POST", "/2.0/runhub/access-tokens/create", api.create_token),
    ("GET", "/2.0/runhub/access-tokens/list", api.list_tokens),
    ("DELETE", "/2.0/runhub/access-tokens/revoke", api.revoke_token),
    ("PATCH", "/2.0/mlflow/users/update-admin", api.update_admin),
    ("DELETE", "/2.0/mlflow/users/delete", api.delete_user),
    ("GET", "/3.0/mlflow/users/current/permissions", api.my_permissions),
    ("GET", "/3.0/mlflow/users/permissions/list", api.user_permissions),
    ("GET", "/3.0/mlflow/users/permissions/get", api.check),
    ("POST", "/3.0/mlflow/users/permissions/grant", api.grant),
    ("POST", "/3.0/mlflow/users/permissions/revoke", api.revoke),
    ("POST", "/2.0/mlflow/experiments/permissions/create", _EXPERIMENT["create"]),
    ("GET", "/2.0/mlflow/experiments/permissions/get", _EXPERIMENT["get"]),
    ("PATCH", "/2.0/mlflow/experiments/permissions/update", _EXPERIMENT["update"]),
    ("DELETE", "/2.0/mlflow/experiments/permissions/delete", _EXPERIMENT["delete"]),
    ("POST", "/2.0/mlflow/registered-models/permissions/create", _MODEL["create"]),
    ("GET", "/2.0/mlflow/registered-models/permissions/get", _MODEL["get"]),
    ("PATCH", "/2.0/mlflow/registered-models/permissions/update", _MODEL["update"]),
    ("DELETE", "/2.0/mlflow/registered-models/permissions/delete", _MODEL["delete"]),
]


def auth_routes() -> list[BaseRoute]:
    """One route per path and prefix (each path here has a single method)."""
    return [
        *(
            Route(prefix + path, api.endpoint(handler), methods=[method])
            for prefix in ("/api", "/ajax-api")
            for method, path, handler in [*AUTH_TABLE, *ROLE_TABLE]
        ),
        *(
            Route(prefix + path, signin_endpoint, methods=[method])
            for prefix in ("/api", "/ajax-api")
            for method, path, signin_endpoint in SIGNIN_TABLE
        ),
    ]
