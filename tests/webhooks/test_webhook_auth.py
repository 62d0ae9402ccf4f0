"""Under basic auth only admins may manage webhooks."""

from __future__ import annotations

from collections.abc import Callable

from tests.security.conftest import ADMIN, AuthClient

HOOK = {
    "name": "h",
    "url": "https://8.8.8.8/hook",
    "events": [{"entity": "MODEL_VERSION", "action": "CREATED"}],
}


def test_only_admins_manage_webhooks(make_auth_client: Callable[..., AuthClient]) -> None:
    auth = make_auth_client("MANAGE")
    alice = auth.create_user("alice", "alice-password-1234")
    path = "/api/2.0/mlflow/webhooks"
    assert auth.call(alice, "POST", path, HOOK).status_code == 403
    assert auth.call(alice, "GET", path).status_code == 403
    assert auth.call(None, "GET", path).status_code == 401
    created = auth.call(ADMIN, "POST", path, HOOK)
    assert created.status_code == 200, created.text
    hook_id = created.json()["webhook"]["webhook_id"]
    assert auth.call(alice, "DELETE", f"{path}/{hook_id}").status_code == 403
    assert auth.call(alice, "POST", f"{path}/{hook_id}/test", {}).status_code == 403
    assert auth.call(ADMIN, "GET", f"{path}/{hook_id}").status_code == 200
