"""The artifact routes and server modes through the real ASGI app (in-process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.cli.server import prepare_database
from runhub.config import Settings
from tests.fixtures.live_server import S3_ENV, LiveServer

SERVICE = "/api/2.0/mlflow-artifacts/artifacts"


def app_client(tmp_path: Path, **options: object) -> Iterator[TestClient]:
    settings = Settings(
        backend_store_uri=f"sqlite:///{tmp_path}/t.db",
        artifacts_destination=str(options.pop("artifacts_destination", tmp_path / "dest")),
        **options,  # type: ignore[arg-type]
    )
    prepare_database(settings)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        yield client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from app_client(tmp_path)


def test_upload_streams_and_lists(client: TestClient, tmp_path: Path) -> None:
    chunks = (bytes([i]) * 300_000 for i in range(10))  # a chunked body, no Content-Length
    assert client.put(f"{SERVICE}/1/r/artifacts/big.bin", content=chunks).json() == {}
    assert (tmp_path / "dest/1/r/artifacts/big.bin").stat().st_size == 3_000_000
    listed = client.get(SERVICE, params={"path": "1/r/artifacts"}).json()
    assert listed == {"files": [{"path": "big.bin", "is_dir": False, "file_size": 3_000_000}]}
    assert client.get(SERVICE, params={"path": "1/none"}).json() == {}


def test_conflicting_paths_are_clear_400s(client: TestClient) -> None:
    client.put(f"{SERVICE}/a/file.txt", content=b"x")
    over_dir = client.put(f"{SERVICE}/a", content=b"y")
    assert over_dir.status_code == 400
    assert over_dir.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    under_file = client.put(f"{SERVICE}/a/file.txt/sub.txt", content=b"y")
    assert under_file.status_code == 400
    download_dir = client.get(f"{SERVICE}/a")
    assert download_dir.status_code == 404
    assert download_dir.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_deleting_the_whole_destination_is_refused(client: TestClient, tmp_path: Path) -> None:
    client.put(f"{SERVICE}/keep.txt", content=b"x")
    resp = client.delete(f"{SERVICE}/")
    assert resp.status_code == 400
    assert (tmp_path / "dest/keep.txt").exists()


def test_active_content_is_served_as_plain_text(client: TestClient) -> None:
    client.put(f"{SERVICE}/page.html", content=b"<script>alert(1)</script>")
    resp = client.get(f"{SERVICE}/page.html")
    assert resp.headers["content-type"].startswith("text/plain")
    assert resp.headers["x-content-type-options"] == "nosniff"
    client.put(f"{SERVICE}/pic.png", content=b"\x89PNG")
    assert client.get(f"{SERVICE}/pic.png").headers["content-type"] == "image/png"


def test_bad_experiment_artifact_location_is_refused(client: TestClient) -> None:
    resp = client.post(
        "/api/2.0/mlflow/experiments/create",
        json={"name": "e", "artifact_location": "mlflow-artifacts:/x/%2e%2e/%2e%2e/etc"},
    )
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_run_outside_the_destination_cannot_be_listed(client: TestClient) -> None:
    exp = client.post(
        "/api/2.0/mlflow/experiments/create",
        json={"name": "elsewhere", "artifact_location": "/srv"},
    ).json()["experiment_id"]
    run_id = client.post("/api/2.0/mlflow/runs/create", json={"experiment_id": exp}).json()["run"][
        "info"
    ]["run_id"]
    resp = client.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run_id})
    assert resp.status_code == 400
    assert "outside this server's artifact destination" in resp.json()["message"]
    missing = client.get("/get-artifact", params={"run_id": "f" * 32, "path": "x"})
    assert missing.status_code == 404


def test_local_presigned_url_points_back_at_the_download_route(client: TestClient) -> None:
    client.put(f"{SERVICE}/p/f.bin", content=b"0123456789")
    signed = client.get("/api/2.0/mlflow-artifacts/presigned/p/f.bin").json()
    assert signed["file_size"] == 10
    assert signed["url"].endswith(f"{SERVICE}/p/f.bin")
    ranged = client.get(signed["url"], headers={"Range": "bytes=2-4"})
    assert (ranged.status_code, ranged.content) == (206, b"234")
    run_scoped = client.post(
        "/api/2.0/mlflow/artifacts/presigned-download-url", json={"run_id": "x", "path": "f"}
    )
    assert run_scoped.status_code == 501


def test_artifacts_only_closes_tracking_routes(tmp_path: Path) -> None:
    for client in app_client(tmp_path, artifacts_only=True):
        closed = client.post("/api/2.0/mlflow/experiments/create", json={"name": "x"})
        assert closed.status_code == 503
        assert "--artifacts-only" in closed.text
        assert client.get("/get-artifact", params={"run_id": "a", "path": "b"}).status_code == 503
        assert client.put(f"{SERVICE}/f.txt", content=b"x").status_code == 200
        assert client.get("/api/3.0/mlflow/server-info").status_code == 200
        assert client.get("/health").status_code == 200


def test_no_serve_artifacts_closes_the_artifact_service(tmp_path: Path) -> None:
    for client in app_client(tmp_path, serve_artifacts=False):
        closed = client.put(f"{SERVICE}/f.txt", content=b"x")
        assert closed.status_code == 503
        assert "--no-serve-artifacts" in closed.text
        info = client.get("/api/3.0/mlflow/server-info").json()
        assert info["artifact_serving_enabled"] is False
        assert info["multipart_uploads_enabled"] is False
        default = client.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": "0"})
        assert default.status_code == 200


def test_server_info_on_local_destination(client: TestClient) -> None:
    info = client.get("/api/3.0/mlflow/server-info").json()
    assert info["artifact_serving_enabled"] is True
    assert info["multipart_uploads_enabled"] is True
    assert info["multipart_downloads_enabled"] is False
    assert info["presigned_upload_run_id_supported"] is False


def test_presigned_only_on_s3(
    tmp_path: Path,
    moto_server: LiveServer,
    bucket: tuple[object, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    _, name = bucket
    for client in app_client(
        tmp_path,
        artifacts_destination=f"s3://{name}/x",
        s3_endpoint_url=moto_server.url,
        artifacts_presigned_only=True,
    ):
        info = client.get("/api/3.0/mlflow/server-info").json()
        assert info["artifacts_presigned_only"] is True
        assert info["multipart_downloads_enabled"] is True
        assert info["presigned_upload_run_id_supported"] is True
        refused = client.put(f"{SERVICE}/f.txt", content=b"x")
        assert refused.status_code == 403
        assert refused.json() == {
            "error_code": "PERMISSION_DENIED",
            "message": refused.json()["message"],
            "sqlstate": "KAM00",
            "error_class": "PERMISSION_DENIED",
            "artifacts_presigned_only": True,
        }
        assert client.get(f"{SERVICE}/f.txt").status_code == 403
        exp = client.post("/api/2.0/mlflow/experiments/create", json={"name": "s"}).json()
        run = client.post(
            "/api/2.0/mlflow/runs/create", json={"experiment_id": exp["experiment_id"]}
        ).json()["run"]["info"]
        up = client.post(
            "/api/2.0/mlflow/artifacts/presigned-upload-url",
            json={"run_id": run["run_id"], "path": "model/m.bin"},
        ).json()
        assert requests.put(up["presigned_url"], data=b"direct", timeout=30).status_code == 200
        down = client.post(
            "/api/2.0/mlflow/artifacts/presigned-download-url",
            json={"run_id": run["run_id"], "path": "model/m.bin"},
        ).json()
        assert down["file_size"] == 6
        assert requests.get(down["presigned_url"], timeout=30).content == b"direct"
        listed = client.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run["run_id"]})
        assert listed.json()["files"] == [{"path": "model", "is_dir": True}]


def test_modes_and_urls_under_a_static_prefix(tmp_path: Path) -> None:
    for client in app_client(tmp_path, artifacts_only=True, static_prefix="/team"):
        closed = client.post("/team/api/2.0/mlflow/experiments/create", json={"name": "x"})
        assert closed.status_code == 503
        assert client.put(f"/team{SERVICE}/a/f.bin", content=b"0123").status_code == 200
        signed = client.get("/team/api/2.0/mlflow-artifacts/presigned/a/f.bin").json()
        assert signed["url"] == f"http://localhost/team{SERVICE}/a/f.bin"
        created = client.post(
            "/team/api/2.0/mlflow-artifacts/mpu/create/a",
            json={"path": "g.bin", "num_parts": 1},
        ).json()
        part_url = created["credentials"][0]["url"]
        assert part_url.startswith("http://localhost/team/api/2.0/mlflow-artifacts/mpu/parts/")


def test_ui_upload_artifact(client: TestClient, tmp_path: Path) -> None:
    exp = client.post("/api/2.0/mlflow/experiments/create", json={"name": "ui"}).json()
    run = client.post(
        "/api/2.0/mlflow/runs/create", json={"experiment_id": exp["experiment_id"]}
    ).json()["run"]["info"]
    url = "/ajax-api/2.0/mlflow/upload-artifact"
    params = {"run_uuid": run["run_id"], "path": "notes/n.txt"}
    assert client.post(url, params=params, content=b"from the ui").json() == {}
    listed = client.get(
        "/api/2.0/mlflow/artifacts/list", params={"run_id": run["run_id"], "path": "notes"}
    ).json()
    assert listed["files"] == [{"path": "notes/n.txt", "is_dir": False, "file_size": 11}]
    too_big = client.post(url, params=params, content=b"x" * (10 * 1024 * 1024 + 1))
    assert too_big.status_code == 400
    assert client.get("/get-artifact", params={**params, "path": "notes/n.txt"}).content == (
        b"from the ui"
    )
    climb = client.post(url, params={**params, "path": "../../x"}, content=b"x")
    assert climb.status_code == 400
