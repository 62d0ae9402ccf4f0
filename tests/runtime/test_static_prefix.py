"""``--static-prefix``: every route lives under the prefix, nothing answers outside it."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from runhub.app import create_app
from runhub.cli.server import prepare_database
from runhub.config import Settings
from tests.runtime.live import running


def test_every_route_moves_under_the_prefix(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(
        backend_store_uri=sqlite_url,
        artifacts_destination=str(tmp_path / "art"),
        static_prefix="/mlflow",
    )
    prepare_database(settings)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        assert client.get("/mlflow/health").text == "OK"
        created = client.post("/mlflow/api/2.0/mlflow/experiments/create", json={"name": "p"})
        assert created.status_code == 200, created.text
        found = client.get(
            "/mlflow/ajax-api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": "p"}
        )
        assert found.json()["experiment"]["experiment_id"] == created.json()["experiment_id"]
        for outside in ("/health", "/api/2.0/mlflow/experiments/search", "/mlflowx/health"):
            response = client.get(outside)
            assert response.status_code == 404, outside
            assert response.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_the_cli_serves_under_the_prefix(tmp_path: Path) -> None:
    with running(tmp_path, "--static-prefix", "/tracking", prefix="/tracking") as server:
        assert server.get("/health") == (200, b"OK")
        assert server.get("/api/2.0/mlflow/experiments/get?experiment_id=0")[0] == 200
        server.prefix = ""
        assert server.get("/health")[0] == 404
