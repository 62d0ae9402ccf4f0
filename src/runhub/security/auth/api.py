"""The users and permissions endpoints of the basic-auth app (mlflow-api.md §7.2).

Who may call each route is in ``policy``; these handlers add the checks that depend on the
target (yourself or someone else, MANAGE on the resource being granted).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.endpoint import json_response
from runhub.api.json_body import decode_json
from runhub.errors import AlreadyExists, BadRequest, InvalidParameter, NotFound, PermissionDenied
from runhub.security.auth.authenticate import forget_credentials
from runhub.security.auth.middleware import current_user
from runhub.security.auth.service import AuthService
from runhub.security.auth.store import User, check_resource_type
from runhub.security.permissions import Level, parse_level

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[AuthService, User, dict[str, Any]], dict[str, Any]]


async def _message(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        return dict(request.query_params)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise InvalidParameter("Bad Request. Content-Type must be 'application/json'.")
    data = decode_json(await request.body())
    return dict(data)


def endpoint(handler: Handler) -> Endpoint:
    """An HTTP endpoint running ``handler(service, caller, message)`` off the event loop."""

    async def run(request: Request) -> Response:
        message = await _message(request)
        service: AuthService = request.app.state.auth
        result = await run_in_threadpool(handler, service, current_user(request.scope), message)
        return json_response(result)

    run.__name__ = handler.__name__
    return run


def text_field(message: dict[str, Any], name: str) -> str:
    value = message.get(name)
    if value is None or value == "":
        raise InvalidParameter(f"Missing value for required parameter '{name}'.")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise InvalidParameter(f"Invalid value for parameter '{name}': expected a string.")
    return str(value)


def _flag(message: dict[str, Any], name: str) -> bool:
    value = message.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidParameter(f"Invalid value for parameter '{name}': expected true or false.")


def level_field(message: dict[str, Any]) -> Level:
    try:
        return parse_level(text_field(message, "permission"))
    except ValueError as exc:
        raise InvalidParameter(str(exc)) from None


def _self_or_admin(caller: User, username: str) -> None:
    if not caller.is_admin and caller.username != username:
        raise PermissionDenied("Permission denied")


def _require_manage(service: AuthService, caller: User, resource_type: str, ident: str) -> None:
    if service.level(caller, resource_type, ident) < Level.MANAGE:
        raise PermissionDenied("Permission denied")


# Users --------------------------------------------------------------------------------------


def create_user(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    password = msg.get("password")
    if not isinstance(password, str):
        raise InvalidParameter("Missing value for required parameter 'password'.")
    user = service.store.create_user(text_field(msg, "username"), password)
    return {"user": user.to_json()}


def get_user(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    username = text_field(msg, "username")
    _self_or_admin(caller, username)
    user = service.store.get_user(username)
    grants = service.store.all_grants_of(user.id)
    return {
        "user": {
            **user.to_json(),
            "experiment_permissions": [
                {
                    "experiment_id": g.resource_id,
                    "user_id": user.id,
                    "permission": g.permission.name,
                }
                for g in grants
                if g.resource_type == "experiment"
            ],
            "registered_model_permissions": [
                {"name": g.resource_id, "user_id": user.id, "permission": g.permission.name}
                for g in grants
                if g.resource_type == "registered_model"
            ],
        }
    }


def current(_service: AuthService, caller: User, _msg: dict[str, Any]) -> dict[str, Any]:
    return {"user": caller.to_json(), "is_basic_auth": True}


def list_users(service: AuthService, _caller: User, _msg: dict[str, Any]) -> dict[str, Any]:
    return {"users": [{**u.to_json(), "roles": []} for u in service.store.list_users()]}


def create_token(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    """A personal access token for the caller, shown once (use as ``MLFLOW_TRACKING_TOKEN``)."""
    name = str(msg.get("name") or "token")[:255]
    return {"token": service.store.create_token(caller.id, name), "name": name}


def list_tokens(service: AuthService, caller: User, _msg: dict[str, Any]) -> dict[str, Any]:
    return {"tokens": service.store.list_tokens(caller.id)}


def revoke_token(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    token_id = text_field(msg, "id")
    if not token_id.isdigit():
        raise InvalidParameter("Invalid value for parameter 'id': expected an integer.")
    service.store.revoke_token(caller.id, int(token_id))
    return {}


def update_password(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    username = text_field(msg, "username")
    _self_or_admin(caller, username)
    password = msg.get("password")
    if not isinstance(password, str):
        raise InvalidParameter("Missing value for required parameter 'password'.")
    if caller.username == username:
        current_password = msg.get("current_password")
        if not isinstance(current_password, str) or not current_password:
            raise InvalidParameter("Changing your own password needs 'current_password'.")
        if service.store.check_password(username, current_password) is None:
            raise PermissionDenied("The current password is not correct.")
    target = service.store.get_user(username)
    service.store.update_password(username, password)
    forget_credentials(target.id)
    return {}


def update_admin(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    username = text_field(msg, "username")
    is_admin = _flag(msg, "is_admin")
    if username == caller.username and not is_admin:
        raise BadRequest("You cannot remove your own admin status.")
    service.store.set_admin(username, is_admin)
    return {}


def delete_user(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    username = text_field(msg, "username")
    if username == caller.username:
        raise BadRequest("You cannot delete yourself.")
    target = service.store.get_user(username)
    service.store.delete_user(username)
    forget_credentials(target.id)
    return {}


# Unified per-user grants (3.x client) --------------------------------------------------------


def _target(service: AuthService, msg: dict[str, Any]) -> tuple[User, str, str]:
    user = service.store.get_user(text_field(msg, "username"))
    return (
        user,
        check_resource_type(text_field(msg, "resource_type")),
        text_field(msg, "resource_id"),
    )


def grant(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    user, resource_type, ident = _target(service, msg)
    level = level_field(msg)
    _require_manage(service, caller, resource_type, ident)
    service.store.set_grant(user.id, resource_type, ident, level)
    return {}


def revoke(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    user, resource_type, ident = _target(service, msg)
    _require_manage(service, caller, resource_type, ident)
    service.store.delete_grant(user.id, resource_type, ident)
    return {}


def check(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    user, resource_type, ident = _target(service, msg)
    if caller.username != user.username:
        _require_manage(service, caller, resource_type, ident)
    level = service.level(user, resource_type, ident)
    return {"allowed": level >= Level.USE, "permission": level.name}


def _permission_rows(service: AuthService, user: User) -> dict[str, Any]:
    role = f"__user_{user.id}__"
    return {
        "is_admin": user.is_admin,
        "permissions": [
            {
                "role_id": None,
                "role_name": role,
                "workspace": "default",
                "resource_type": g.resource_type,
                "resource_pattern": g.resource_id,
                "permission": g.permission.name,
            }
            for g in service.store.all_grants_of(user.id)
        ],
    }


def my_permissions(service: AuthService, caller: User, _msg: dict[str, Any]) -> dict[str, Any]:
    return _permission_rows(service, caller)


def user_permissions(service: AuthService, caller: User, msg: dict[str, Any]) -> dict[str, Any]:
    username = text_field(msg, "username")
    _self_or_admin(caller, username)
    return _permission_rows(service, service.store.get_user(username))


# Legacy per-resource endpoints (clients up to MLflow 3.12) ------------------------------------


def legacy_permissions(resource_type: str, id_field: str) -> dict[str, Handler]:
    """create/get/update/delete handlers for ``experiments`` or ``registered-models``."""
    key = (
        "experiment_permission"
        if resource_type == "experiment"
        else ("registered_model_permission")
    )

    def shape(ident: str, user: User, level: Level) -> dict[str, Any]:
        return {key: {id_field: ident, "user_id": user.id, "permission": level.name}}

    def create(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
        ident, user, level = (
            text_field(msg, id_field),
            service.store.get_user(text_field(msg, "username")),
            level_field(msg),
        )
        if service.store.grant_of(user.id, resource_type, ident) is not None:
            raise AlreadyExists(f"Permission for {user.username} on {ident} already exists.")
        service.store.set_grant(user.id, resource_type, ident, level)
        return shape(ident, user, level)

    def get(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
        ident, user = text_field(msg, id_field), service.store.get_user(text_field(msg, "username"))
        level = service.store.grant_of(user.id, resource_type, ident)
        if level is None:
            raise NotFound(f"No permission for {user.username} on {ident}.")
        return shape(ident, user, level)

    def update(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
        ident, user, level = (
            text_field(msg, id_field),
            service.store.get_user(text_field(msg, "username")),
            level_field(msg),
        )
        if service.store.grant_of(user.id, resource_type, ident) is None:
            raise NotFound(f"No permission for {user.username} on {ident}.")
        service.store.set_grant(user.id, resource_type, ident, level)
        return {}

    def delete(service: AuthService, _caller: User, msg: dict[str, Any]) -> dict[str, Any]:
        ident, user = text_field(msg, id_field), service.store.get_user(text_field(msg, "username"))
        if not service.store.delete_grant(user.id, resource_type, ident):
            raise NotFound(f"No permission for {user.username} on {ident}.")
        return {}

    return {"create": create, "get": get, "update": update, "delete": delete}
