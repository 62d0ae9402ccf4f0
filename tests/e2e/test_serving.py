"""The built app is served at ``/`` without shadowing any server route."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from .conftest import live_server
from .seed import Seeded


def test_index_for_deep_links(server_url: str) -> None:
    for path in ("/", "/experiments", "/experiments/1/runs/abc", "/compare?runs=a,b"):
        resp = requests.get(server_url + path, timeout=10)
        assert resp.status_code == 200, path
        assert resp.headers["content-type"].startswith("text/html")
        assert resp.headers["cache-control"] == "no-cache"
        assert '<div id="root">' in resp.text


def test_hashed_assets_are_cached_for_a_year(server_url: str) -> None:
    index = requests.get(server_url + "/", timeout=10).text
    assert '<base href="/">' in index
    assets = re.findall(r'(?:src|href)="\./(static-files/[^"]+)"', index)
    assert assets, index
    for asset in assets:
        resp = requests.get(f"{server_url}/{asset}", timeout=10)
        assert resp.status_code == 200
        assert resp.headers["cache-control"] == "public, max-age=31536000, immutable"
    missing = requests.get(server_url + "/static-files/nope-123.js", timeout=10)
    assert missing.status_code == 404


def test_server_routes_keep_their_answers(server_url: str, seeded: Seeded) -> None:
    assert requests.get(server_url + "/health", timeout=10).text == "OK"
    assert (
        requests.get(server_url + "/version", timeout=10)
        .headers["content-type"]
        .startswith("text/plain")
    )
    for prefix in ("/api", "/ajax-api"):
        unknown = requests.get(f"{server_url}{prefix}/2.0/mlflow/no-such-route", timeout=10)
        assert unknown.status_code == 404
        assert unknown.json()["error_code"] == "ENDPOINT_NOT_FOUND"
        wrong_method = requests.get(f"{server_url}{prefix}/2.0/mlflow/runs/create", timeout=10)
        assert wrong_method.status_code == 405
    got = requests.get(
        f"{server_url}/ajax-api/2.0/mlflow/experiments/get",
        params={"experiment_id": seeded.vision},
        timeout=10,
    )
    assert got.json()["experiment"]["name"] == "vision-resnet"
    # Only browser reads fall back to the app; other methods on unknown paths stay 404.
    assert requests.post(server_url + "/experiments", json={}, timeout=10).status_code == 404
    assert requests.post(server_url + "/health", timeout=10).status_code == 405


def test_app_under_a_static_prefix(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    tmp = tmp_path_factory.mktemp("prefixed-server")
    with live_server(tmp, "--static-prefix", "/mlflow") as url:
        assert requests.get(f"{url}/mlflow/health", timeout=10).text == "OK"
        context = browser.new_context(base_url=url)
        try:
            page = context.new_page()
            page.goto("/mlflow/experiments")
            page.get_by_role("link", name="Default").click()
            page.wait_for_url("**/mlflow/experiments/0")
            page.get_by_role("heading", name="Default").wait_for()
            page.get_by_text("No runs match.").wait_for()
        finally:
            context.close()
