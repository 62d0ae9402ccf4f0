"""Models behind a basic-auth tracking server are fetched with the client's credentials."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.fixtures.live_server import runhub_server
from tests.security.conftest import ADMIN, SECRET_KEY, write_auth_config

from .conftest import LoggedModel, ServeFn
from .test_models import start_up_error


def test_credentials_from_the_environment(
    logged: LoggedModel, serve: ServeFn, tmp_path: Path
) -> None:
    config = write_auth_config(tmp_path)
    auth_env = {
        "MLFLOW_AUTH_CONFIG_PATH": str(config),
        "MLFLOW_FLASK_SERVER_SECRET_KEY": SECRET_KEY,
    }
    artifacts = str(tmp_path / "artifacts")
    with runhub_server(tmp_path, artifacts, "--app-name", "basic-auth", env=auth_env) as server:
        for file in logged.local_path.iterdir():
            url = f"{server.url}/api/2.0/mlflow-artifacts/artifacts/secured/{file.name}"
            assert requests.put(url, data=file.read_bytes(), auth=ADMIN, timeout=30).ok
        uri = "mlflow-artifacts:/secured"
        anonymous = start_up_error("-m", uri, env={"MLFLOW_TRACKING_URI": server.url})
        assert "failed with 401" in anonymous
        env = {
            "MLFLOW_TRACKING_URI": server.url,
            "MLFLOW_TRACKING_USERNAME": ADMIN[0],
            "MLFLOW_TRACKING_PASSWORD": ADMIN[1],
        }
        with serve(uri, env=env) as scoring:
            body = {"dataframe_records": logged.frame.to_dict(orient="records")}
            resp = requests.post(f"{scoring.url}/invocations", json=body, timeout=30)
            assert resp.json() == {"predictions": logged.expected}
