"""Path traversal through every artifact route of a live server, in every encoding.

Each attack gets 400 INVALID_PARAMETER_VALUE, and the files outside the artifact root (a
sentinel beside it, a directory a symlink inside the root points to) are never read, written
or deleted.
"""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.live_server import LiveServer, runhub_server

SECRET = b"do not leak"
SERVICE = "/api/2.0/mlflow-artifacts/artifacts"

# Each one, placed after the service prefix, names something outside the root.
ATTACKS = {
    "dotdot": "../sentinel.txt",
    "dotdot-deep": "inside/../../sentinel.txt",
    "encoded-dots": "%2e%2e/sentinel.txt",
    "encoded-dots-upper-slash": "%2E%2E%2Fsentinel.txt",
    "double-encoded": "%252e%252e%252fsentinel.txt",
    "triple-encoded": "%25252e%25252e/sentinel.txt",
    "backslash": "..%5csentinel.txt",
    "raw-backslash": "..\\sentinel.txt",
    "semicolon": "inside/..;/..;/sentinel.txt",
    "absolute": "/{outside}/secret.txt",
    "encoded-absolute": "%2f{outside}%2fsecret.txt",
    "nul": "inside/ok.txt%00.png",
    "symlink": "link/secret.txt",
    "drive": "C:/Windows/win.ini",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    tmp = tmp_path_factory.mktemp("traversal")
    (tmp / "sentinel.txt").write_bytes(SECRET)
    (tmp / "outside").mkdir()
    (tmp / "outside" / "secret.txt").write_bytes(SECRET)
    dest = tmp / "dest"
    (dest / "inside").mkdir(parents=True)
    (dest / "inside" / "ok.txt").write_bytes(b"ok")
    os.symlink(tmp / "outside", dest / "link")
    with runhub_server(tmp, str(dest)) as server:
        yield server, tmp


def raw_request(
    server: LiveServer, method: str, target: str, body: bytes | None = None
) -> tuple[int, bytes]:
    """Send ``target`` exactly as written: no client-side normalisation of the path."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def assert_outside_untouched(tmp: Path) -> None:
    assert (tmp / "sentinel.txt").read_bytes() == SECRET
    assert sorted(os.listdir(tmp / "outside")) == ["secret.txt"]
    assert (tmp / "outside" / "secret.txt").read_bytes() == SECRET
    assert not (tmp / "evil.txt").exists()


def assert_refused(status: int, body: bytes) -> None:
    assert status == 400, body[:300]
    assert SECRET not in body
    error = json.loads(body)
    assert error["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Invalid path" in error["message"]


def _attack(name: str, tmp: Path) -> str:
    return ATTACKS[name].format(outside=str(tmp / "outside").lstrip("/"))


@pytest.mark.parametrize("name", ATTACKS)
def test_download_is_refused(site: tuple[LiveServer, Path], name: str) -> None:
    server, tmp = site
    status, body = raw_request(server, "GET", f"{SERVICE}/{_attack(name, tmp)}")
    assert_refused(status, body)
    assert_outside_untouched(tmp)


@pytest.mark.parametrize("name", ATTACKS)
def test_upload_is_refused(site: tuple[LiveServer, Path], name: str) -> None:
    server, tmp = site
    target = _attack(name, tmp).replace("sentinel.txt", "evil.txt").replace("secret", "evil")
    status, body = raw_request(server, "PUT", f"{SERVICE}/{target}", b"pwned")
    assert_refused(status, body)
    assert_outside_untouched(tmp)


@pytest.mark.parametrize("name", ATTACKS)
def test_delete_is_refused(site: tuple[LiveServer, Path], name: str) -> None:
    server, tmp = site
    status, body = raw_request(server, "DELETE", f"{SERVICE}/{_attack(name, tmp)}")
    assert_refused(status, body)
    assert_outside_untouched(tmp)


@pytest.mark.parametrize("name", ATTACKS)
def test_list_is_refused(site: tuple[LiveServer, Path], name: str) -> None:
    server, tmp = site
    # Listing the attack as a directory: a query string is decoded once more on the way in.
    status, body = raw_request(server, "GET", f"{SERVICE}?path={_attack(name, tmp)}")
    assert_refused(status, body)
    assert_outside_untouched(tmp)


@pytest.mark.parametrize(
    "route", ["/api/2.0/mlflow-artifacts/mpu/create/", "/api/2.0/mlflow-artifacts/presigned/"]
)
def test_other_routes_are_refused(site: tuple[LiveServer, Path], route: str) -> None:
    server, tmp = site
    body = json.dumps({"path": "x.bin", "num_parts": 1}).encode()
    method = "POST" if "mpu" in route else "GET"
    status, resp = raw_request(server, method, f"{route}%2e%2e/link", body)
    assert_refused(status, resp)
    assert_outside_untouched(tmp)


def test_multipart_file_name_cannot_climb(site: tuple[LiveServer, Path]) -> None:
    server, tmp = site
    body = json.dumps({"path": "..", "num_parts": 1}).encode()
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(
        "POST",
        "/api/2.0/mlflow-artifacts/mpu/create/inside",
        body,
        {"Content-Type": "application/json"},
    )
    resp = conn.getresponse()
    assert resp.status == 400, resp.read()
    assert_outside_untouched(tmp)


def test_legitimate_paths_still_work(site: tuple[LiveServer, Path]) -> None:
    server, tmp = site
    assert raw_request(server, "GET", f"{SERVICE}/inside/ok.txt") == (200, b"ok")
    assert raw_request(server, "GET", f"{SERVICE}/inside/%6fk.txt") == (200, b"ok")
    status, _ = raw_request(server, "PUT", f"{SERVICE}/inside/new%20file.txt", b"new")
    assert status == 200
    assert (tmp / "dest" / "inside" / "new file.txt").read_bytes() == b"new"
    assert_outside_untouched(tmp)
