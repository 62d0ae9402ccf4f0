"""A live runhub with a scikit-learn model logged by the stock mlflow client, and a way to
serve that model with ``runhub models serve`` on a free port."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.fixtures.live_server import LiveServer, free_port, live_process, runhub_server

os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

MODEL_NAME = "iris-scorer"


@dataclass(frozen=True)
class LoggedModel:
    tracking_url: str
    run_id: str
    model_id: str
    artifact_uri: str
    local_path: Path
    frame: pd.DataFrame
    expected: list[int]


def training_frame() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {"sepal": rng.normal(size=40), "petal": rng.normal(size=40), "count": np.arange(40)}
    )
    labels = (frame["sepal"] + frame["petal"] > 0).astype(int).to_numpy()
    return frame, labels


@pytest.fixture(scope="session")
def tracking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("scoring-tracking")
    with runhub_server(tmp, str(tmp / "artifacts")) as server:
        yield server


@pytest.fixture(scope="session")
def logged(tracking: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> LoggedModel:
    import mlflow
    from mlflow import MlflowClient
    from sklearn.linear_model import LogisticRegression

    frame, labels = training_frame()
    model = LogisticRegression().fit(frame, labels)
    mlflow.set_tracking_uri(tracking.url)
    mlflow.set_experiment("scoring")
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(
            model, name="model", input_example=frame.head(3), registered_model_name=MODEL_NAME
        )
    MlflowClient().set_registered_model_alias(MODEL_NAME, "champion", "1")
    local = tmp_path_factory.mktemp("scoring-local") / "model"
    mlflow.sklearn.save_model(model, str(local), input_example=frame.head(3))
    sample = frame.iloc[[0, 5, 11, 23, 38]].reset_index(drop=True)
    return LoggedModel(
        tracking.url,
        run.info.run_id,
        info.model_id,
        MlflowClient().get_logged_model(info.model_id).artifact_location,
        local,
        sample,
        [int(v) for v in model.predict(sample)],
    )


ServeFn = Callable[..., AbstractContextManager[LiveServer]]


@pytest.fixture(scope="session")
def serve(tmp_path_factory: pytest.TempPathFactory, tracking: LiveServer) -> ServeFn:
    """``serve(uri, *options)``: ``runhub models serve`` as a context manager."""

    @contextmanager
    def start(uri: str, *options: str, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
        tmp = tmp_path_factory.mktemp("scoring-serve")
        port = free_port()
        cmd = [sys.executable, "-m", "runhub", "models", "serve", "-m", uri, "--port", str(port)]
        environment = {"MLFLOW_TRACKING_URI": tracking.url, **(env or {})}
        with live_process([*cmd, *options], tmp, port, "/ping", environment) as server:
            yield server

    return start
