"""Serving the built web app: deep links, cache headers, and no shadowing of server routes."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient

from runhub.ui.serve import IMMUTABLE, ui_routes


async def ok(_request: Request) -> Response:
    return PlainTextResponse("server")


def make_app(dist: Path) -> TestClient:
    server: list[BaseRoute] = [
        Route("/health", ok, methods=["GET"]),
        Route("/api/2.0/mlflow/runs/create", ok, methods=["POST"]),
        Route("/get-artifact", ok, methods=["GET"]),
    ]
    return TestClient(Starlette(routes=[*server, *ui_routes(server, dist)]))


@pytest.fixture
def built(tmp_path: Path) -> Path:
    (tmp_path / "static-files").mkdir()
    (tmp_path / "index.html").write_text('<div id="root"></div>')
    (tmp_path / "static-files" / "index-abc123.js").write_text("console.log(1)")
    return tmp_path


def test_every_browser_path_gets_the_app(built: Path) -> None:
    client = make_app(built)
    for path in (
        "/",
        "/experiments/1",
        "/experiments/1/runs/abc?sel=a,b",
        "/compare",
        "/experiments/1/traces/tr-abc",
        "/models/clf/versions/1",
        "/runs/abc",
    ):
        resp = client.get(path)
        assert resp.status_code == 200
        assert resp.text == '<div id="root"></div>'
        assert resp.headers["cache-control"] == "no-cache"
    assert client.head("/experiments").status_code == 200


def test_assets_are_immutable(built: Path) -> None:
    client = make_app(built)
    resp = client.get("/static-files/index-abc123.js")
    assert resp.status_code == 200
    assert resp.headers["cache-control"] == IMMUTABLE
    assert client.get("/static-files/missing.js").status_code == 404


def test_server_routes_are_not_shadowed(built: Path) -> None:
    client = make_app(built)
    assert client.get("/health").text == "server"
    assert client.get("/get-artifact").text == "server"
    # A known path with the wrong method stays a 405, an unknown API path a 404.
    assert client.get("/api/2.0/mlflow/runs/create").status_code == 405
    assert client.get("/api/2.0/mlflow/nope").status_code == 404
    assert client.get("/ajax-api/2.0/mlflow/nope").status_code == 404
    assert client.post("/experiments").status_code == 404


def test_without_a_build_the_page_says_how_to_build(tmp_path: Path) -> None:
    client = make_app(tmp_path / "absent")
    resp = client.get("/experiments")
    assert resp.status_code == 200
    assert "make install" in resp.text
    assert client.get("/static-files/index-abc123.js").status_code == 404


def test_under_a_static_prefix(built: Path) -> None:
    server: list[BaseRoute] = [Route("/health", ok, methods=["GET"])]
    app = Starlette(routes=[Mount("/mlflow", routes=[*server, *ui_routes(server, built)])])
    client = TestClient(app)
    page = client.get("/mlflow/experiments/1")
    assert page.status_code == 200
    assert page.text == '<div id="root"></div>'  # no <head> to put the base in
    assert client.get("/mlflow/health").text == "server"
    assert client.get("/mlflow/api/2.0/mlflow/nope").status_code == 404
    assert client.get("/mlflow/static-files/index-abc123.js").status_code == 200
    assert client.get("/experiments").status_code == 404


def test_the_base_names_the_mount_point(built: Path) -> None:
    (built / "index.html").write_text("<html><head><title>t</title></head></html>")
    assert '<head><base href="/">' in make_app(built).get("/").text
    app = Starlette(routes=[Mount("/ml", routes=ui_routes([], built))])
    assert '<head><base href="/ml/">' in TestClient(app).get("/ml/runs").text
