"""Artifacts through the proxied artifact service, with the stock mlflow client.

Every test runs twice: against the session server (a local artifact destination) and against a
server whose destination is ``s3://`` on a real S3-compatible server (moto on loopback).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import Run
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

from tests.fixtures.live_server import S3_ENV, moto_s3, runhub_server, s3_client

from .rest import Rest
from .target import ON_MLFLOW

pytestmark = pytest.mark.compat

MB = 1024 * 1024
BUCKET = "runhub-compat"


@pytest.fixture(scope="module")
def s3_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A runhub server whose artifact destination is a bucket prefix on a moto S3 server."""
    if ON_MLFLOW:
        pytest.skip("the S3 variant starts runhub only")
    tmp = tmp_path_factory.mktemp("s3-compat")
    with moto_s3(tmp) as moto:
        s3: Any = s3_client(moto.url)
        s3.create_bucket(Bucket=BUCKET)
        env = {**S3_ENV, "MLFLOW_S3_ENDPOINT_URL": moto.url}
        with runhub_server(tmp, f"s3://{BUCKET}/team", env=env) as server:
            yield server.url


@pytest.fixture(params=["local", "s3"])
def artifact_server(request: pytest.FixtureRequest, tracking_uri: str) -> Iterator[str]:
    """The server under test; the fluent API points at it for the test's duration."""
    url = tracking_uri if request.param == "local" else request.getfixturevalue("s3_server_url")
    mlflow.set_tracking_uri(url)
    try:
        yield url
    finally:
        mlflow.set_tracking_uri(tracking_uri)


@pytest.fixture
def run(artifact_server: str, unique_name: str) -> Iterator[Run]:
    experiment_id = MlflowClient(artifact_server).create_experiment(unique_name)
    with mlflow.start_run(experiment_id=experiment_id) as active:
        yield active


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(MB):
            digest.update(chunk)
    return digest.hexdigest()


def _write_pseudo_random(path: Path, size: int) -> None:
    """A file of ``size`` bytes that does not compress, written a block at a time."""
    block = os.urandom(MB)
    with path.open("wb") as f:
        for i in range(size // MB):
            f.write(block[i % 251 :] + block[: i % 251])
        f.write(os.urandom(size % MB))


def test_log_artifact_list_and_download(run: Run, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello artifacts")
    (tmp_path / "weights.bin").write_bytes(os.urandom(4096))
    mlflow.log_artifact(str(tmp_path / "notes.txt"))
    mlflow.log_artifact(str(tmp_path / "weights.bin"), artifact_path="model/data")

    uri = run.info.artifact_uri
    assert uri.startswith("mlflow-artifacts:/")
    root = get_artifact_repository(uri).list_artifacts()
    assert [(f.path, f.is_dir) for f in root] == [("model", True), ("notes.txt", False)]
    assert root[1].file_size == len("hello artifacts")
    listed = MlflowClient().list_artifacts(run.info.run_id)
    assert [f.path for f in listed] == ["model", "notes.txt"]
    nested = get_artifact_repository(uri).list_artifacts("model/data")
    assert [(f.path, f.file_size) for f in nested] == [("model/data/weights.bin", 4096)]

    out = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(tmp_path / "d")))
    assert (out / "notes.txt").read_text() == "hello artifacts"
    assert (out / "model" / "data" / "weights.bin").read_bytes() == (
        tmp_path / "weights.bin"
    ).read_bytes()


def test_log_artifacts_keeps_nested_directories(run: Run, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "a" / "b" / "c").mkdir(parents=True)
    (src / "top.txt").write_text("top")
    (src / "a" / "one.json").write_text('{"one": 1}')
    (src / "a" / "b" / "c" / "deep.bin").write_bytes(b"\x00\x01" * 500)
    mlflow.log_artifacts(str(src), artifact_path="bundle")

    out = mlflow.artifacts.download_artifacts(
        artifact_uri=f"{run.info.artifact_uri}/bundle", dst_path=str(tmp_path / "out")
    )
    assert _tree(Path(out)) == _tree(src)


def test_log_text_and_dict_load_back(run: Run) -> None:
    mlflow.log_text("line one\nline two\n", "texts/readme.txt")
    mlflow.log_dict({"lr": 0.1, "layers": [64, 32]}, "config.json")
    mlflow.log_dict({"name": "x"}, "config.yaml")
    uri = run.info.artifact_uri
    assert mlflow.artifacts.load_text(f"{uri}/texts/readme.txt") == "line one\nline two\n"
    assert mlflow.artifacts.load_dict(f"{uri}/config.json") == {"lr": 0.1, "layers": [64, 32]}
    assert mlflow.artifacts.load_text(f"{uri}/config.yaml").strip() == "name: x"


def test_log_image_round_trips(run: Run) -> None:
    np = pytest.importorskip("numpy")
    pytest.importorskip("PIL")
    image = (np.arange(48, dtype=np.uint8).reshape(4, 4, 3) * 5).astype(np.uint8)
    mlflow.log_image(image, "plots/tiny.png")
    loaded = mlflow.artifacts.load_image(f"{run.info.artifact_uri}/plots/tiny.png")
    assert np.array_equal(np.asarray(loaded), image)


def test_large_file_round_trip_keeps_its_checksum(
    run: Run, artifact_server: str, tmp_path: Path
) -> None:
    size = 200 * MB
    big = tmp_path / "large.bin"
    _write_pseudo_random(big, size)
    mlflow.log_artifact(str(big), artifact_path="large")
    out = mlflow.artifacts.download_artifacts(
        artifact_uri=f"{run.info.artifact_uri}/large/large.bin", dst_path=str(tmp_path / "out")
    )
    assert os.path.getsize(out) == size
    assert _sha256(Path(out)) == _sha256(big)


def test_client_multipart_upload_and_download(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(MB))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * MB))
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_DOWNLOAD_CHUNK_SIZE", str(3 * MB))
    big = tmp_path / "parts.bin"
    _write_pseudo_random(big, 12 * MB + 12345)  # three upload parts, five download ranges
    mlflow.log_artifact(str(big), artifact_path="mp")
    out = mlflow.artifacts.download_artifacts(
        artifact_uri=f"{run.info.artifact_uri}/mp/parts.bin", dst_path=str(tmp_path / "out")
    )
    assert _sha256(Path(out)) == _sha256(big)


@pytest.mark.runhub_only
def test_server_takes_the_multipart_path(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # MLflow answers 501 on a local destination and the client silently falls back to one PUT;
    # calling the client's multipart step directly proves the server really took the parts.
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * MB))
    big = tmp_path / "direct.bin"
    _write_pseudo_random(big, 11 * MB)
    repo = get_artifact_repository(run.info.artifact_uri)
    repo._try_multipart_upload(str(big), "direct")
    out = mlflow.artifacts.download_artifacts(
        artifact_uri=f"{run.info.artifact_uri}/direct/direct.bin", dst_path=str(tmp_path / "o")
    )
    assert _sha256(Path(out)) == _sha256(big)


def test_delete_artifacts(run: Run) -> None:
    mlflow.log_text("keep", "keep.txt")
    mlflow.log_text("a", "gone/a.txt")
    mlflow.log_text("b", "gone/deeper/b.txt")
    repo = get_artifact_repository(run.info.artifact_uri)
    repo.delete_artifacts("gone")
    assert [f.path for f in repo.list_artifacts()] == ["keep.txt"]


def _service_path(run: Run, name: str) -> str:
    tail = run.info.artifact_uri.removeprefix("mlflow-artifacts:")
    return f"/api/2.0/mlflow-artifacts/artifacts{tail}/{name}"


def test_download_headers_and_ranges(run: Run, artifact_server: str) -> None:
    body = b"0123456789abcdef" * 300
    mlflow.log_text(body.decode(), "r/data.txt")
    rest = Rest(artifact_server)
    path = _service_path(run, "r/data.txt")

    whole = rest.get(path)
    assert whole.status_code == 200
    assert whole.content == body
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    assert whole.headers["Content-Disposition"].startswith("attachment;")
    assert "data.txt" in whole.headers["Content-Disposition"]
    assert whole.headers["Content-Type"].startswith("text/plain")

    part = rest.get(path, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == body[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(body)}"
    tail = rest.get(path, headers={"Range": "bytes=-5"})
    assert (tail.status_code, tail.content) == (206, body[-5:])
    beyond = rest.get(path, headers={"Range": f"bytes={len(body) + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(body)}"
    if not ON_MLFLOW:  # runhub keeps the API's one error shape here; MLflow does not
        Rest.assert_error(beyond, 416, "INVALID_PARAMETER_VALUE")


def test_missing_file_is_404_in_the_error_shape(run: Run, artifact_server: str) -> None:
    rest = Rest(artifact_server)
    Rest.assert_error(rest.get(_service_path(run, "nope.txt")), 404, "RESOURCE_DOES_NOT_EXIST")


def test_run_scoped_listing_and_get_artifact(run: Run, artifact_server: str) -> None:
    mlflow.log_text("x" * 7, "dir/seven.txt")
    mlflow.log_text("y", "one.txt")
    rest = Rest(artifact_server)
    run_id = run.info.run_id
    for prefix in ("/api", "/ajax-api"):
        top = rest.ok("GET", f"{prefix}/2.0/mlflow/artifacts/list", params={"run_id": run_id})
        assert top["root_uri"] == run.info.artifact_uri
        assert top["files"] == [
            {"path": "dir", "is_dir": True},
            {"path": "one.txt", "is_dir": False, "file_size": 1},
        ]
    sub = rest.ok("GET", "/api/2.0/mlflow/artifacts/list", params={"run_id": run_id, "path": "dir"})
    assert sub["files"] == [{"path": "dir/seven.txt", "is_dir": False, "file_size": 7}]
    got = rest.get("/get-artifact", params={"run_id": run_id, "path": "dir/seven.txt"})
    assert (got.status_code, got.content) == (200, b"x" * 7)
    assert got.headers["Content-Disposition"].startswith("attachment;")
    bad = rest.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run_id, "path": "../.."})
    Rest.assert_error(bad, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.runhub_only
def test_server_info_advertises_artifact_support(artifact_server: str) -> None:
    info = Rest(artifact_server).ok("GET", "/api/3.0/mlflow/server-info")
    assert info["artifact_serving_enabled"] is True
    assert info["multipart_uploads_enabled"] is True
    assert info["artifacts_presigned_only"] is False


@pytest.mark.runhub_only
def test_multipart_protocol_by_hand(run: Run, artifact_server: str) -> None:
    rest = Rest(artifact_server)
    directory = run.info.artifact_uri.removeprefix("mlflow-artifacts:").strip("/")
    created = rest.ok(
        "POST",
        f"/api/2.0/mlflow-artifacts/mpu/create/{directory}/hand",
        json={"path": "/home/someone/model.bin", "num_parts": 2},
    )
    assert len(created["credentials"]) == 2
    chunks = [os.urandom(5 * MB), os.urandom(10)]
    parts = []
    for credential, chunk in zip(created["credentials"], chunks, strict=True):
        put = requests.put(credential["url"], data=chunk, headers=credential["headers"], timeout=60)
        assert put.status_code == 200, put.text
        parts.append({"part_number": credential["part_number"], "etag": put.headers["ETag"]})
    body = {"path": "model.bin", "upload_id": created["upload_id"], "parts": parts}
    rest.ok("POST", f"/api/2.0/mlflow-artifacts/mpu/complete/{directory}/hand", json=body)
    got = rest.get(_service_path(run, "hand/model.bin"))
    assert got.content == b"".join(chunks)

    again = rest.ok(
        "POST",
        f"/api/2.0/mlflow-artifacts/mpu/create/{directory}/hand",
        json={"path": "other.bin", "num_parts": 1},
    )
    abort = {"path": "other.bin", "upload_id": again["upload_id"]}
    assert (
        rest.ok("POST", f"/api/2.0/mlflow-artifacts/mpu/abort/{directory}/hand", json=abort) == {}
    )
    listed = rest.ok(
        "GET", "/api/2.0/mlflow-artifacts/artifacts", params={"path": f"{directory}/hand"}
    )
    assert [f["path"] for f in listed["files"]] == ["model.bin"]
    too_many = rest.post(
        f"/api/2.0/mlflow-artifacts/mpu/create/{directory}", json={"path": "x", "num_parts": 0}
    )
    Rest.assert_error(too_many, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.database_only("the model registry needs a database backend")
def test_model_version_get_artifact(run: Run, artifact_server: str, unique_name: str) -> None:
    mlflow.log_text("flavors: {}\n", "model/MLmodel")
    client = MlflowClient(artifact_server)
    client.create_registered_model(unique_name)
    version = client.create_model_version(
        unique_name, f"{run.info.artifact_uri}/model", run_id=run.info.run_id
    )
    rest = Rest(artifact_server)
    params = {"name": unique_name, "version": version.version, "path": "MLmodel"}
    got = rest.get("/model-versions/get-artifact", params=params)
    assert (got.status_code, got.content) == (200, b"flavors: {}\n")
    assert got.headers["Content-Disposition"].startswith("attachment;")
    climb = rest.get("/model-versions/get-artifact", params={**params, "path": "../../x"})
    Rest.assert_error(climb, 400, "INVALID_PARAMETER_VALUE")


def test_runs_uri_reads_through_the_client(run: Run, tmp_path: Path) -> None:
    mlflow.log_text("via runs", "deep/er/file.txt")
    run_id = run.info.run_id
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/deep/er/file.txt") == "via runs"
    listed = MlflowClient().list_artifacts(run_id, "deep")
    assert [(f.path, f.is_dir) for f in listed] == [("deep/er", True)]
    out = mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / "o"))
    assert (Path(out) / "deep" / "er" / "file.txt").read_text() == "via runs"
