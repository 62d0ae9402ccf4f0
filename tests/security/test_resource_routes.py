"""Routes beyond runs and experiments carry their experiment's permissions: proxied artifacts,
logged models and traces."""

from __future__ import annotations

from .conftest import ADMIN, AuthClient

API = "/api/2.0/mlflow/"
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


def _setup(auth: AuthClient, level: str) -> tuple[tuple[str, str], str, str]:
    exp_id = auth.call(ADMIN, "POST", API + "experiments/create", {"name": f"res-{level}"}).json()[
        "experiment_id"
    ]
    run_id = auth.call(ADMIN, "POST", API + "runs/create", {"experiment_id": exp_id}).json()["run"][
        "info"
    ]["run_id"]
    user = auth.create_user(f"res-{level.lower()}", "resource-password")
    auth.grant(user[0], exp_id, level)
    return user, exp_id, run_id


def test_proxied_artifacts_follow_the_experiment(auth: AuthClient) -> None:
    reader, exp_id, run_id = _setup(auth, "READ")
    path = f"{ARTIFACTS}/{exp_id}/{run_id}/artifacts/notes.txt"
    admin = auth.admin()
    assert admin.put(path, content=b"secret notes").status_code == 200
    client = auth.as_user(*reader)
    assert client.get(path).content == b"secret notes"
    assert client.get(ARTIFACTS, params={"path": f"{exp_id}/{run_id}/artifacts"}).status_code == 200
    assert client.put(path, content=b"overwritten").status_code == 403
    assert client.delete(path).status_code == 403
    assert auth.admin().get(path).content == b"secret notes"
    # Outside any experiment (the destination's root): admins only.
    assert auth.as_user(*reader).get(ARTIFACTS).status_code == 403
    assert auth.as_user(*reader).get(f"{ARTIFACTS}/not-an-experiment/x").status_code == 403


def test_no_permission_means_no_artifact_bytes(auth: AuthClient) -> None:
    outsider, exp_id, run_id = _setup(auth, "NO_PERMISSIONS")
    path = f"{ARTIFACTS}/{exp_id}/{run_id}/artifacts/model.pkl"
    assert auth.admin().put(path, content=b"weights").status_code == 200
    client = auth.as_user(*outsider)
    response = client.get(path)
    assert response.status_code == 403 and b"weights" not in response.content
    listing = client.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run_id})
    assert listing.status_code == 403


def test_logged_models_follow_their_experiment(auth: AuthClient) -> None:
    reader, exp_id, _run = _setup(auth, "READ")
    created = auth.call(ADMIN, "POST", API + "logged-models", {"experiment_id": exp_id})
    model_id = created.json()["model"]["info"]["model_id"]
    assert auth.call(reader, "GET", API + f"logged-models/{model_id}").status_code == 200
    tags = {"tags": [{"key": "k", "value": "v"}]}
    assert (
        auth.call(reader, "PATCH", API + f"logged-models/{model_id}/tags", tags).status_code == 403
    )
    assert auth.call(reader, "DELETE", API + f"logged-models/{model_id}").status_code == 403
    assert (
        auth.call(reader, "POST", API + "logged-models", {"experiment_id": exp_id}).status_code
        == 403
    )
    missing = auth.call(reader, "GET", API + "logged-models/m-0000")
    assert missing.status_code == 404


def test_otlp_ingest_needs_edit_on_the_header_experiment(auth: AuthClient) -> None:
    reader, exp_id, _run = _setup(auth, "READ")
    client = auth.as_user(*reader)
    response = client.post(
        "/v1/traces",
        content=b"{}",
        headers={"content-type": "application/json", "x-mlflow-experiment-id": exp_id},
    )
    assert response.status_code == 403
    no_header = client.post(
        "/v1/traces", content=b"{}", headers={"content-type": "application/json"}
    )
    assert no_header.status_code == 403
