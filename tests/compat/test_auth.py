"""The stock mlflow client and its basic-auth admin client against a live server with auth on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from .conftest import STARTUP_TIMEOUT_S, _free_port, _log_tail, _server_logs, _stop
from .target import ON_MLFLOW

ADMIN = ("admin", "compat-admin-password")
# DENY: the no-access level both MLflow 3.x and runhub accept in a grant.
LEVELS = ["DENY", "READ", "USE", "EDIT", "MANAGE"]


@pytest.fixture(scope="module")
def auth_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A runhub server with ``--app-name basic-auth`` on a free loopback port."""
    tmp = tmp_path_factory.mktemp("compat-auth")
    config = tmp / "auth.ini"
    config.write_text(
        "[mlflow]\ndefault_permission = READ\n"
        f"database_uri = sqlite:///{tmp / 'auth.db'}\n"
        f"admin_username = {ADMIN[0]}\nadmin_password = {ADMIN[1]}\n"
    )
    port = _free_port()
    options = [
        "--backend-store-uri", f"sqlite:///{tmp / 'mlflow.db'}",
        "--artifacts-destination", str(tmp / "mlartifacts"),
        "--host", "127.0.0.1", "--port", str(port),
        "--app-name", "basic-auth",
    ]  # fmt: skip
    env = {
        **os.environ,
        "MLFLOW_AUTH_CONFIG_PATH": str(config),
        "MLFLOW_FLASK_SERVER_SECRET_KEY": "compat-only-secret",  # both servers require it
    }
    if ON_MLFLOW:
        env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
        cmd = [str(Path(sys.executable).parent / "mlflow"), "server", *options, "--workers", "1"]
    else:
        cmd = [sys.executable, "-m", "runhub", "server", *options]
    log = tmp / "server.log"
    _server_logs.append(log)
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"auth server exited with {proc.returncode}:\n{_log_tail(log)}")
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"auth server not healthy:\n{_log_tail(log)}")
            time.sleep(0.2)
        yield url
    finally:
        _stop(proc)


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``login(user, password)``: the credentials every client call sends from now on."""

    def set_user(username: str, password: str) -> None:
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", username)
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)

    return set_user


def _client(url: str) -> Any:
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=url)


def _admin_client(url: str) -> Any:
    from mlflow.server import get_app_client

    return get_app_client("basic-auth", tracking_uri=url)


def test_stock_client_logs_under_auth(auth_url: str, login: Any, tmp_path: Path) -> None:
    login(*ADMIN)
    client = _client(auth_url)
    exp_id = client.create_experiment("auth-compat-logging")
    run = client.create_run(exp_id)
    run_id = run.info.run_id
    client.log_param(run_id, "alpha", "0.5")
    client.log_metric(run_id, "loss", 0.25, step=1)
    client.set_tag(run_id, "team", "ml")
    artifact = tmp_path / "notes.txt"
    artifact.write_text("hello")
    client.log_artifact(run_id, str(artifact))
    client.set_terminated(run_id)
    fetched = client.get_run(run_id)
    assert fetched.data.params == {"alpha": "0.5"}
    assert fetched.data.metrics == {"loss": 0.25}
    assert [f.path for f in client.list_artifacts(run_id)] == ["notes.txt"]
    found = client.search_runs([exp_id])
    assert [r.info.run_id for r in found] == [run_id]


@pytest.mark.runhub_only
def test_access_token_signs_the_stock_client_in(
    auth_url: str, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(*ADMIN)
    created = requests.post(
        f"{auth_url}/api/2.0/runhub/access-tokens/create",
        json={"name": "ci"},
        auth=ADMIN,
        timeout=10,
    )
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME")
    monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", created.json()["token"])
    client = _client(auth_url)
    exp_id = client.create_experiment("auth-compat-token")
    assert client.get_experiment(exp_id).name == "auth-compat-token"


def test_wrong_or_missing_credentials_are_refused(auth_url: str, login: Any) -> None:
    from mlflow.exceptions import MlflowException

    login("admin", "not-the-password")
    with pytest.raises(MlflowException, match="401"):
        _client(auth_url).search_experiments()
    response = requests.get(f"{auth_url}/api/2.0/mlflow/experiments/search", timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="mlflow"'


def test_admin_client_manages_users_and_grants(auth_url: str, login: Any) -> None:
    login(*ADMIN)
    admin = _admin_client(auth_url)
    user = admin.create_user("compat-user", "compat-user-password")
    assert user.username == "compat-user" and user.is_admin is False
    assert admin.get_user("compat-user").id == user.id
    exp_id = _client(auth_url).create_experiment("auth-compat-grants")
    admin.grant_user_permission("compat-user", "experiment", exp_id, "EDIT")
    result = admin.get_user_permission("compat-user", "experiment", exp_id)
    assert (result.permission, result.allowed) == ("EDIT", True)
    admin.revoke_user_permission("compat-user", "experiment", exp_id)
    assert admin.get_user_permission("compat-user", "experiment", exp_id).permission == "READ"
    admin.update_user_password("compat-user", "compat-user-password-2")
    admin.update_user_admin("compat-user", True)
    assert admin.get_user("compat-user").is_admin is True
    login("compat-user", "compat-user-password-2")
    assert _client(auth_url).get_experiment(exp_id).name == "auth-compat-grants"
    login(*ADMIN)
    admin.delete_user("compat-user")
    from mlflow.exceptions import MlflowException

    with pytest.raises(MlflowException):
        admin.get_user("compat-user")


def test_weak_password_is_refused_by_the_admin_client(auth_url: str, login: Any) -> None:
    from mlflow.exceptions import MlflowException

    login(*ADMIN)
    with pytest.raises(MlflowException, match="at least 12"):
        _admin_client(auth_url).create_user("weak-user", "short")


@pytest.mark.parametrize("level", LEVELS)
def test_permission_matrix(auth_url: str, login: Any, level: str) -> None:
    from mlflow.exceptions import MlflowException

    login(*ADMIN)
    admin_client = _client(auth_url)
    exp_id = admin_client.create_experiment(f"auth-matrix-{level}")
    run_id = admin_client.create_run(exp_id).info.run_id
    username = f"matrix-{level.lower()}"
    _admin_client(auth_url).create_user(username, "matrix-user-password")
    _admin_client(auth_url).grant_user_permission(username, "experiment", exp_id, level)

    login(username, "matrix-user-password")
    client = _client(auth_url)

    def allowed(action: Any) -> bool:
        try:
            action()
        except MlflowException as exc:
            assert "403" in str(exc) or "PERMISSION_DENIED" in str(exc), exc
            return False
        return True

    can_read = level != "DENY"
    assert allowed(lambda: client.get_experiment(exp_id)) is can_read
    assert allowed(lambda: client.get_run(run_id)) is can_read
    can_update = level in ("EDIT", "MANAGE")
    assert allowed(lambda: client.log_metric(run_id, "m", 1.0)) is can_update
    assert allowed(lambda: client.set_experiment_tag(exp_id, "k", "v")) is can_update
    assert allowed(lambda: client.create_run(exp_id)) is can_update
    can_delete = level == "MANAGE"
    assert allowed(lambda: client.delete_run(run_id)) is can_delete
    assert allowed(lambda: client.delete_experiment(exp_id)) is can_delete
    visible = {e.experiment_id for e in client.search_experiments()}
    assert (exp_id in visible) is (can_read and not can_delete)


def test_roles_grant_through_patterns(auth_url: str, login: Any) -> None:
    from mlflow.exceptions import MlflowException

    login(*ADMIN)
    admin = _admin_client(auth_url)
    exp_id = _client(auth_url).create_experiment("auth-compat-roles")
    admin.create_user("role-user", "role-user-password")
    role = admin.create_role("default", "compat-writers", description="can write one experiment")
    permission = admin.add_role_permission(role.id, "experiment", exp_id, "EDIT")
    assert (permission.resource_pattern, permission.permission) == (exp_id, "EDIT")
    admin.assign_role("role-user", role.id)
    assert [r.name for r in admin.list_user_roles("role-user")] == ["compat-writers"]
    assert [a.role_id for a in admin.list_role_users(role.id)] == [role.id]

    login("role-user", "role-user-password")
    assert _client(auth_url).create_run(exp_id).info.experiment_id == exp_id

    login(*ADMIN)
    admin.update_role_permission(permission.id, "READ")
    assert [p.permission for p in admin.list_role_permissions(role.id)] == ["READ"]
    login("role-user", "role-user-password")
    with pytest.raises(MlflowException, match=r"403|PERMISSION_DENIED"):
        _client(auth_url).create_run(exp_id)

    login(*ADMIN)
    admin.add_role_permission(role.id, "experiment", "*", "DENY")
    login("role-user", "role-user-password")
    with pytest.raises(MlflowException, match=r"403|PERMISSION_DENIED"):
        _client(auth_url).get_experiment(exp_id)
    assert exp_id not in {e.experiment_id for e in _client(auth_url).search_experiments()}

    login(*ADMIN)
    admin.unassign_role("role-user", role.id)
    admin.delete_role(role.id)
    login("role-user", "role-user-password")
    assert _client(auth_url).get_experiment(exp_id).name == "auth-compat-roles"


def _allowed(action: Any) -> bool:
    """Whether the stock client's call went through; a refusal must be a permission error."""
    from mlflow.exceptions import MlflowException

    try:
        action()
    except (MlflowException, requests.HTTPError) as exc:  # artifact uploads raise the latter
        assert "403" in str(exc) or "PERMISSION_DENIED" in str(exc), exc
        return False
    return True


def _user_at(auth_url: str, login: Any, name: str) -> tuple[str, str]:
    login(*ADMIN)
    who = (name, "matrix-user-password")
    _admin_client(auth_url).create_user(*who)
    return who


@pytest.mark.parametrize("level", LEVELS)
def test_registered_model_permission_matrix(auth_url: str, login: Any, level: str) -> None:
    who = _user_at(auth_url, login, f"model-matrix-{level.lower()}")
    admin = _client(auth_url)
    exp_id = admin.create_experiment(f"model-matrix-{level}")
    run_id = admin.create_run(exp_id).info.run_id
    name = f"matrix-model-{level}"
    admin.create_registered_model(name)
    admin.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)
    admin.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)
    admin.set_registered_model_alias(name, "champion", "1")
    _admin_client(auth_url).grant_user_permission(who[0], "registered_model", name, level)

    login(*who)
    client = _client(auth_url)
    can_read = level != "DENY"
    assert _allowed(lambda: client.get_registered_model(name)) is can_read
    assert _allowed(lambda: client.get_model_version(name, "1")) is can_read
    assert _allowed(lambda: client.get_model_version_by_alias(name, "champion")) is can_read
    assert _allowed(lambda: client.get_model_version_download_uri(name, "1")) is can_read
    can_update = level in ("EDIT", "MANAGE")
    assert _allowed(lambda: client.update_registered_model(name, "new words")) is can_update
    assert _allowed(lambda: client.set_registered_model_tag(name, "k", "v")) is can_update
    assert _allowed(lambda: client.set_model_version_tag(name, "1", "k", "v")) is can_update
    assert _allowed(lambda: client.set_registered_model_alias(name, "next", "2")) is can_update
    source = f"runs:/{run_id}/model"
    assert _allowed(lambda: client.create_model_version(name, source, run_id=run_id)) is (
        can_update
    )
    can_delete = level == "MANAGE"
    assert _allowed(lambda: client.delete_model_version(name, "1")) is can_delete
    assert _allowed(lambda: client.delete_registered_model(name)) is can_delete
    login(*ADMIN)
    remaining = [m.name for m in _client(auth_url).search_registered_models(f"name = '{name}'")]
    assert remaining == ([] if can_delete else [name])


@pytest.mark.parametrize("level", LEVELS)
def test_trace_permission_matrix(auth_url: str, login: Any, level: str) -> None:
    import mlflow

    who = _user_at(auth_url, login, f"trace-matrix-{level.lower()}")
    admin = _client(auth_url)
    exp_id = admin.create_experiment(f"trace-matrix-{level}")
    mlflow.set_tracking_uri(auth_url)
    mlflow.set_experiment(experiment_id=exp_id)
    with mlflow.start_span("admin-span") as span:
        span.set_inputs({"q": "hi"})
    mlflow.flush_trace_async_logging()
    trace_id = span.trace_id
    _admin_client(auth_url).grant_user_permission(who[0], "experiment", exp_id, level)

    login(*who)
    client = _client(auth_url)
    can_read = level != "DENY"
    assert _allowed(lambda: client.get_trace(trace_id)) is can_read
    assert _allowed(lambda: client.search_traces(locations=[exp_id])) is can_read
    can_update = level in ("EDIT", "MANAGE")
    assert _allowed(lambda: client.set_trace_tag(trace_id, "reviewed", "yes")) is can_update
    assert _allowed(lambda: client.delete_trace_tag(trace_id, "reviewed")) is can_update
    can_delete = level == "MANAGE"
    assert _allowed(lambda: client.delete_traces(exp_id, trace_ids=[trace_id])) is can_delete
    login(*ADMIN)
    left = _client(auth_url).search_traces(locations=[exp_id])
    assert len(left) == (0 if can_delete else 1)


@pytest.mark.parametrize("level", LEVELS)
def test_artifact_permission_matrix(auth_url: str, login: Any, level: str, tmp_path: Path) -> None:
    who = _user_at(auth_url, login, f"artifact-matrix-{level.lower()}")
    admin = _client(auth_url)
    exp_id = admin.create_experiment(f"artifact-matrix-{level}")
    run = admin.create_run(exp_id)
    run_id = run.info.run_id
    admin.log_text(run_id, "kept by the admin", "notes/admin.txt")
    _admin_client(auth_url).grant_user_permission(who[0], "experiment", exp_id, level)

    login(*who)
    client = _client(auth_url)
    can_read = level != "DENY"
    assert _allowed(lambda: client.list_artifacts(run_id, "notes")) is can_read
    target = tmp_path / "download"
    target.mkdir()
    assert _allowed(lambda: client.download_artifacts(run_id, "notes", str(target))) is can_read
    assert (target / "notes" / "admin.txt").is_file() is can_read
    can_update = level in ("EDIT", "MANAGE")
    assert _allowed(lambda: client.log_text(run_id, "by the user", "user.txt")) is can_update
    # The stock client cannot delete artifacts: the proxied route it would use, over REST.
    root = run.info.artifact_uri.removeprefix("mlflow-artifacts:").lstrip("/")
    deleted = requests.delete(
        f"{auth_url}/api/2.0/mlflow-artifacts/artifacts/{root}/notes/admin.txt",
        auth=who,
        timeout=30,
    )
    assert deleted.status_code == (200 if level == "MANAGE" else 403), deleted.text
    login(*ADMIN)
    listed = [f.path for f in _client(auth_url).list_artifacts(run_id, "notes")]
    assert listed == ([] if level == "MANAGE" else ["notes/admin.txt"])
