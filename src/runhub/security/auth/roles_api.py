"""The role endpoints of the basic-auth app (``/api/3.0/mlflow/roles/*``); admins only."""

from __future__ import annotations

from typing import Any

from runhub.errors import InvalidParameter
from runhub.security.auth.api import Handler, level_field, text_field
from runhub.security.auth.roles import RoleStore
from runhub.security.auth.service import AuthService
from runhub.security.auth.store import User


def _roles(service: AuthService) -> RoleStore:
    return RoleStore(service.store.db)


def _int(msg: dict[str, Any], name: str) -> int:
    text = text_field(msg, name)
    if not text.isdigit():
        raise InvalidParameter(f"Invalid value for parameter '{name}': expected an integer.")
    return int(text)


def _optional(msg: dict[str, Any], name: str) -> str | None:
    value = msg.get(name)
    return None if value is None else str(value)


def create(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    workspace = _optional(msg, "workspace") or "default"
    role = _roles(service).create(text_field(msg, "name"), workspace, _optional(msg, "description"))
    return {"role": role}


def get(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    return {"role": _roles(service).get(_int(msg, "role_id"))}


def list_roles(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    return {"roles": _roles(service).roles(workspace=_optional(msg, "workspace"))}


def update(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    role = _roles(service).update(
        _int(msg, "role_id"), _optional(msg, "name"), _optional(msg, "description")
    )
    return {"role": role}


def delete(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    _roles(service).delete(_int(msg, "role_id"))
    return {}


def add_permission(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    permission = _roles(service).add_permission(
        _int(msg, "role_id"),
        text_field(msg, "resource_type"),
        text_field(msg, "resource_pattern"),
        level_field(msg),
    )
    return {"role_permission": permission}


def remove_permission(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    _roles(service).remove_permission(_int(msg, "role_permission_id"))
    return {}


def list_permissions(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    return {"role_permissions": _roles(service).permissions(_int(msg, "role_id"))}


def update_permission(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    permission = _roles(service).update_permission(
        _int(msg, "role_permission_id"), level_field(msg)
    )
    return {"role_permission": permission}


def assign(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    user = service.store.get_user(text_field(msg, "username"))
    return {"assignment": _roles(service).assign(user.id, _int(msg, "role_id"))}


def unassign(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    user = service.store.get_user(text_field(msg, "username"))
    _roles(service).unassign(user.id, _int(msg, "role_id"))
    return {}


def user_roles(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    user = service.store.get_user(text_field(msg, "username"))
    return {"roles": _roles(service).roles(user_id=user.id)}


def role_users(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    return {"assignments": _roles(service).members(_int(msg, "role_id"))}


ROLE_TABLE: list[tuple[str, str, Handler]] = [
    ("POST", "/3.0/mlflow/roles/create", create),
    ("GET", "/3.0/mlflow/roles/get", get),
    ("GET", "/3.0/mlflow/roles/list", list_roles),
    ("PATCH", "/3.0/mlflow/roles/update", update),
    ("DELETE", "/3.0/mlflow/roles/delete", delete),
    ("POST", "/3.0/mlflow/roles/permissions/add", add_permission),
    ("DELETE", "/3.0/mlflow/roles/permissions/remove", remove_permission),
    ("GET", "/3.0/mlflow/roles/permissions/list", list_permissions),
    ("PATCH", "/3.0/mlflow/roles/permissions/update", update_permission),
    ("POST", "/3.0/mlflow/roles/assign", assign),
    ("DELETE", "/3.0/mlflow/roles/unassign", unassign),
    ("GET", "/3.0/mlflow/users/roles/list", user_roles),
    ("GET", "/3.0/mlflow/roles/users/list", role_users),
]
