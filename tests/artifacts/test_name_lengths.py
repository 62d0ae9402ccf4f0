"""Artifact paths longer than storage holds: 400 on every artifact route, never a 500.

A name (one path segment) may have at most 255 UTF-8 bytes, a whole path at most 4095 once
joined to the artifact root, an S3 key at most 1024. Each route is tried with each kind of
too-long path and must answer 400 INVALID_PARAMETER_VALUE naming the limit, writing nothing.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.artifacts.guard import NameLengthGuard
from runhub.artifacts.paths import clean_path
from runhub.artifacts.store import FileEntry, MultipartUpload, PresignedUrl, UploadedPart
from runhub.cli.server import prepare_database
from runhub.config import Settings
from runhub.errors import InvalidParameter
from tests.fixtures.live_server import S3_ENV, LiveServer, s3_client

SERVICE = "/api/2.0/mlflow-artifacts"

# Each with the limit its message must name.
TOO_LONG = {
    "name-256-ascii": ("d/" + "n" * 256, "255 bytes"),
    "name-256-utf8-bytes": ("d/" + "é" * 128, "255 bytes"),  # 128 characters, 256 bytes
    "path-over-4095": ("/".join(["p" * 250] * 17), "4095 bytes"),
    # Under 4095 bytes by itself, over once joined to the artifact root.
    "path-over-4095-under-root": ("/".join(["p" * 250] * 16) + "/" + "q" * 74, "4095 bytes"),
}


@dataclass(frozen=True)
class Site:
    client: TestClient
    dest: Path
    run_id: str
    model_id: str


def _json(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _site(client: TestClient, dest: Path) -> Site:
    exp = _json(client.post("/api/2.0/mlflow/experiments/create", json={"name": "lengths"}))
    exp_id = exp["experiment_id"]
    run = _json(client.post("/api/2.0/mlflow/runs/create", json={"experiment_id": exp_id}))
    model = _json(client.post("/api/2.0/mlflow/logged-models", json={"experiment_id": exp_id}))
    model_id = model["model"]["info"]["model_id"]
    _json(client.post("/api/2.0/mlflow/registered-models/create", json={"name": "lengths"}))
    version = {"name": "lengths", "source": f"models:/{model_id}"}
    _json(client.post("/api/2.0/mlflow/model-versions/create", json=version))
    return Site(client, dest, run["run"]["info"]["run_id"], model_id)


def _app(tmp: Path, destination: str, **options: Any) -> Iterator[TestClient]:
    settings = Settings(
        backend_store_uri=f"sqlite:///{tmp / 'runhub.db'}",
        artifacts_destination=destination,
        **options,
    )
    prepare_database(settings)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        yield client


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("lengths")
    for client in _app(tmp, str(tmp / "dest")):
        yield _site(client, tmp / "dest")


def _send(site: Site, route: str, path: str) -> Any:
    """Call ``route`` with ``path`` where that route takes an artifact path."""
    c, run_id, model_id = site.client, site.run_id, site.model_id
    quoted = quote(path)
    if route == "list":
        return c.get(f"{SERVICE}/artifacts", params={"path": path})
    if route == "download":
        return c.get(f"{SERVICE}/artifacts/{quoted}")
    if route == "upload":
        return c.put(f"{SERVICE}/artifacts/{quoted}", content=b"x")
    if route == "delete":
        return c.delete(f"{SERVICE}/artifacts/{quoted}")
    if route == "presigned":
        return c.get(f"{SERVICE}/presigned/{quoted}")
    if route == "multipart-create":
        return c.post(f"{SERVICE}/mpu/create/{quoted}", json={"path": "f.bin", "num_parts": 1})
    if route in ("multipart-complete", "multipart-abort"):
        body = {"path": "f.bin", "upload_id": "0" * 32, "parts": []}
        return c.post(f"{SERVICE}/mpu/{route.split('-')[1]}/{quoted}", json=body)
    if route in ("presigned-upload-url", "presigned-download-url"):
        url = f"/api/2.0/mlflow/artifacts/{route}"
        return c.post(url, json={"run_id": run_id, "path": path})
    if route == "run-list":
        return c.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run_id, "path": path})
    if route == "get-artifact":
        return c.get("/get-artifact", params={"run_id": run_id, "path": path})
    if route == "ui-upload":
        params = {"run_uuid": run_id, "path": path}
        return c.post("/ajax-api/2.0/mlflow/upload-artifact", params=params, content=b"x")
    if route == "logged-model-list":
        return c.get(
            f"/api/2.0/mlflow/logged-models/{model_id}/artifacts/directories",
            params={"artifact_directory_path": path},
        )
    if route == "logged-model-file":
        return c.get(
            f"/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files",
            params={"artifact_file_path": path},
        )
    assert route == "model-version-file"
    params = {"name": "lengths", "version": "1", "path": path}
    return c.get("/model-versions/get-artifact", params=params)


ROUTES = [
    "list",
    "download",
    "upload",
    "delete",
    "presigned",
    "multipart-create",
    "multipart-complete",
    "multipart-abort",
    "run-list",
    "get-artifact",
    "ui-upload",
    "logged-model-list",
    "logged-model-file",
    "model-version-file",
]


def assert_too_long(response: Any, limit: str) -> None:
    assert response.status_code == 400, response.text[:300]
    body = response.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Invalid path" in body["message"] and limit in body["message"], body["message"]


def _files(root: Path) -> list[str]:
    return sorted(
        str(Path(d, f).relative_to(root))
        for d, _, names in os.walk(root)
        for f in names
        if ".runhub-staging" not in d
    )


@pytest.mark.parametrize("case", TOO_LONG)
@pytest.mark.parametrize("route", ROUTES)
def test_too_long_paths_are_400_on_local_storage(local: Site, route: str, case: str) -> None:
    path, limit = TOO_LONG[case]
    before = _files(local.dest)
    response = _send(local, route, path)
    if route == "multipart-abort" and case == "path-over-4095-under-root":
        # Looked up by id before the path is used: no upload for it can have been created.
        assert response.status_code == 404, response.text
    else:
        assert_too_long(response, limit)
    assert _files(local.dest) == before


def test_a_too_long_multipart_file_name_is_400(local: Site) -> None:
    body = {"path": "/home/me/" + "f" * 256, "num_parts": 1}
    refused = local.client.post(f"{SERVICE}/mpu/create/d", json=body)
    assert_too_long(refused, "255 bytes")


def test_a_link_that_makes_the_path_too_long_is_400(local: Site) -> None:
    # A short path through a link inside the root whose target is long: caught after resolving.
    deep = local.dest / "/".join(["l" * 250] * 16)
    (local.dest / "short").symlink_to(deep)
    try:
        for route in ("download", "upload", "list", "delete"):
            assert_too_long(_send(local, route, "short/" + "f" * 250), "4095 bytes")
    finally:
        (local.dest / "short").unlink()


def test_names_at_the_limit_still_work(local: Site) -> None:
    name = "é" * 127 + "x"  # 255 bytes
    assert _send(local, "upload", f"ok/{name}").status_code == 200
    got = _send(local, "download", f"ok/{name}")
    assert got.status_code == 200 and got.content == b"x"
    listed = _json(_send(local, "list", "ok"))
    assert listed["files"] == [{"path": name, "is_dir": False, "file_size": 1}]
    assert _send(local, "delete", f"ok/{name}").status_code == 200


class _TooLongStore:
    """A store whose every call fails as a file system with short names would."""

    uri = "/fake"
    presigns = False

    def _fail(self, path: str) -> NoReturn:
        raise OSError(errno.ENAMETOOLONG, "File name too long", path)

    def list_dir(self, path: str) -> list[FileEntry]:
        return self._fail(path)

    def stat(self, path: str) -> FileEntry | None:
        return self._fail(path)

    def read(self, path: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        yield self._fail(path)

    def writer(self, path: str) -> Any:
        return self._fail(path)

    def delete(self, path: str) -> None:
        self._fail(path)

    def create_multipart(self, path: str, num_parts: int) -> MultipartUpload:
        return self._fail(path)

    def part_writer(self, upload_id: str, part_number: int) -> Any:
        return self._fail(upload_id)

    def complete_multipart(self, path: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        self._fail(path)

    def abort_multipart(self, path: str, upload_id: str) -> None:
        self._fail(path)

    def presign_download(self, path: str) -> PresignedUrl:
        return self._fail(path)

    def presign_upload(self, path: str) -> PresignedUrl:
        return self._fail(path)


def test_the_guard_turns_the_os_error_into_a_400() -> None:
    store = NameLengthGuard(_TooLongStore())
    calls = [
        lambda: store.list_dir("a"),
        lambda: store.stat("a"),
        lambda: list(store.read("a")),
        lambda: store.writer("a"),
        lambda: store.delete("a"),
        lambda: store.create_multipart("a", 1),
        lambda: store.complete_multipart("a", "u", []),
        lambda: store.abort_multipart("a", "u"),
        lambda: store.presign_download("a"),
        lambda: store.presign_upload("a"),
    ]
    for call in calls:
        with pytest.raises(InvalidParameter, match="longer than the artifact storage accepts"):
            call()


@pytest.fixture(scope="module")
def on_s3(tmp_path_factory: pytest.TempPathFactory, moto_server: LiveServer) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("lengths-s3")
    boto: Any = s3_client(moto_server.url)
    boto.create_bucket(Bucket="lengths")
    with pytest.MonkeyPatch.context() as env:
        for key, value in S3_ENV.items():
            env.setenv(key, value)
        for client in _app(tmp, "s3://lengths/root", s3_endpoint_url=moto_server.url):
            yield _site(client, tmp)


# Over 1024 bytes as a key, each name and the path well within the file-system limits.
S3_TOO_LONG = "/".join(["k" * 200] * 6)


@pytest.mark.parametrize("route", [*ROUTES, "presigned-upload-url", "presigned-download-url"])
def test_keys_over_1024_bytes_are_400_on_s3(on_s3: Site, route: str) -> None:
    assert_too_long(_send(on_s3, route, S3_TOO_LONG), "1024 bytes")


@pytest.mark.parametrize(
    ("raw", "refused"),
    [
        ("a" * 255, False),
        ("a" * 256, True),
        ("é" * 127 + "x", False),  # 255 bytes
        ("é" * 128, True),  # 256 bytes
        ("%C3%A9" * 128, True),  # counted once decoded
        ("/".join(["p" * 255] * 16), False),  # 4095 bytes
        ("/".join(["p" * 255] * 16) + "x", True),
        ("a/\ud800", True),  # a lone surrogate has no UTF-8 bytes to count
    ],
)
def test_clean_path_counts_utf8_bytes(raw: str, refused: bool) -> None:
    if refused:
        with pytest.raises(InvalidParameter, match="Invalid path"):
            clean_path(raw)
    else:
        assert clean_path(raw) == raw
