"""Grants that follow what a request did: creators get MANAGE on what they create, and grants
on a registered model follow its rename and go with its deletion.

A created resource starts with no grants but its creator's: a grant left on a purged
experiment's id, or on a deleted model's name, never carries over to a new resource that
reuses the id or the name (SQLite may hand out a purged experiment's id again, and
``runhub gc`` runs without the auth database)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Scope, Send

from runhub.security.auth.service import AuthService
from runhub.security.auth.store import User
from runhub.security.permissions import Level

# path suffix → (resource type, how to find the new resource's id in the response)
CREATES = {
    "/2.0/mlflow/experiments/create": ("experiment", ("experiment_id",)),
    "/2.0/mlflow/registered-models/create": ("registered_model", ("registered_model", "name")),
}
RENAME_MODEL = "/2.0/mlflow/registered-models/rename"
DELETE_MODEL = "/2.0/mlflow/registered-models/delete"
PURGE_EXPERIMENT = "/2.0/mlflow/experiments/purge"


def _dig(data: Any, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return None if data is None else str(data)


def _text(request: Mapping[str, Any], key: str) -> str | None:
    value = request.get(key)
    return value if isinstance(value, str) and value else None


def follow_up(
    service: AuthService, scope: Scope, send: Send, user: User, request: Mapping[str, Any]
) -> Send:
    """``send``, or for a create/rename/delete route a send that updates grants first.

    The grants change before the response leaves, so the client's next request (say,
    creating a run in the experiment it just made) already sees them. ``request`` is the
    parsed JSON body when the middleware read it.
    """
    path, method = scope["path"], scope["method"]
    created = next((w for s, w in CREATES.items() if path.endswith(s)), None)
    if method == "POST" and created is not None:
        resource_type, keys = created

        def apply(response: Any) -> None:
            ident = _dig(response, keys)
            if ident is not None:
                service.store.forget_resource(resource_type, ident)
                service.store.set_grant(user.id, resource_type, ident, Level.MANAGE)

    elif method == "POST" and path.endswith(RENAME_MODEL):
        old, new = _text(request, "name"), _text(request, "new_name")

        def apply(response: Any) -> None:
            if old and new:
                service.store.rename_resource("registered_model", old, new)

    elif method == "DELETE" and path.endswith(DELETE_MODEL):
        name = _text(request, "name")

        def apply(response: Any) -> None:
            if name:
                service.store.forget_resource("registered_model", name)

    elif method == "POST" and path.endswith(PURGE_EXPERIMENT):
        experiment_id = request.get("experiment_id")

        def apply(response: Any) -> None:
            if isinstance(experiment_id, str | int) and str(experiment_id):
                service.store.forget_resource("experiment", str(experiment_id))

    else:
        return send
    held: list[Message] = []

    async def send_after_update(message: Message) -> None:
        held.append(message)
        if message["type"] != "http.response.body" or message.get("more_body", False):
            return
        if held[0].get("status") == 200:
            body = b"".join(m.get("body", b"") for m in held[1:])
            try:
                response = orjson.loads(body) if body else {}
            except orjson.JSONDecodeError:
                response = None
            await run_in_threadpool(apply, response)
        for item in held:
            await send(item)
        held.clear()

    return send_after_update
