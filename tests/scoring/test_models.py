"""Model kinds beyond the default sklearn format, the request timeout, and start-up errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import requests

from .conftest import LoggedModel, ServeFn, training_frame

SLOW_MODEL = """
import time


class Doubler:
    def predict(self, data):
        if "sleep" in data.columns:
            time.sleep(float(data["sleep"].iloc[0]))
        if "batch" in data.columns:
            return [len(data)] * len(data)
        return data["x"] * 2


def _load_pyfunc(path):
    return Doubler()
"""


def write_loader_module_model(root: Path) -> Path:
    (root / "code").mkdir(parents=True)
    (root / "code" / "slow_doubler.py").write_text(SLOW_MODEL)
    (root / "MLmodel").write_text(
        textwrap.dedent(
            """\
            flavors:
              python_function:
                loader_module: slow_doubler
                code: code
            mlflow_version: 3.17.2
            model_uuid: abc
            utc_time_created: '2026-01-01 00:00:00'
            """
        )
    )
    return root


def invoke(url: str, body: object) -> requests.Response:
    return requests.post(f"{url}/invocations", json=body, timeout=30)


def test_sklearn_pickle_formats(tmp_path: Path, serve: ServeFn) -> None:
    import mlflow.sklearn
    from sklearn.tree import DecisionTreeClassifier

    frame, labels = training_frame()
    model = DecisionTreeClassifier(random_state=0).fit(frame, labels)
    body = {"dataframe_records": frame.to_dict(orient="records")}

    for fmt in ("cloudpickle", "pickle"):
        mlflow.sklearn.save_model(model, str(tmp_path / fmt), serialization_format=fmt)

    def predict_with(fmt: str) -> list[int]:
        with serve(str(tmp_path / fmt)) as server:
            resp = invoke(server.url, body)
            assert resp.status_code == 200, resp.text
            return list(resp.json()["predictions"])

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(predict_with, ["cloudpickle", "pickle"]))
    assert answers == [model.predict(frame).tolist()] * 2


def test_python_model_with_params(tmp_path: Path, serve: ServeFn) -> None:
    import mlflow.pyfunc
    from mlflow.models import infer_signature

    class Scaler(mlflow.pyfunc.PythonModel):  # type: ignore[misc]
        def predict(self, context, model_input, params=None):  # type: ignore[no-untyped-def]
            return model_input["x"] * params["scale"]

    frame = pd.DataFrame({"x": [1.0, 2.5]})
    signature = infer_signature(frame, np.array([1.0, 2.5]), params={"scale": 2.0})
    mlflow.pyfunc.save_model(str(tmp_path / "m"), python_model=Scaler(), signature=signature)
    with serve(str(tmp_path / "m")) as server:
        body = {"inputs": {"x": [1.0, 2.5]}}
        assert invoke(server.url, body).json()["predictions"] == [2.0, 5.0]
        scaled = invoke(server.url, {**body, "params": {"scale": 10.0}})
        assert scaled.json()["predictions"] == [10.0, 25.0]


def test_loader_module_model_and_the_timeout(tmp_path: Path, serve: ServeFn) -> None:
    model = write_loader_module_model(tmp_path / "m")
    with serve(str(model), "--timeout", "1") as server:
        quick = invoke(server.url, {"dataframe_records": [{"x": 1}, {"x": 4}]})
        assert quick.json() == {"predictions": [2, 8]}
        slow = invoke(server.url, {"dataframe_records": [{"x": 1, "sleep": 3}]})
        assert slow.status_code == 504
        assert slow.json()["error_code"] == "DEADLINE_EXCEEDED"
        failing = invoke(server.url, {"inputs": [[1, 2]]})
        assert failing.status_code == 400
        assert "unexpected error while evaluating the model" in failing.json()["message"]
        assert "stack_trace" in failing.json()


def test_adaptive_batching_merges_concurrent_requests(tmp_path: Path, serve: ServeFn) -> None:
    model = write_loader_module_model(tmp_path / "m")
    metrics_dir = str(tmp_path / "metrics")
    options = ("--max-batch-size", "100", "--max-batch-delay-ms", "300")
    options += ("--expose-prometheus", metrics_dir)
    with serve(str(model), *options) as server, ThreadPoolExecutor(8) as pool:
        sizes = list(pool.map(lambda i: invoke(server.url, {"inputs": {"batch": [i]}}), range(8)))
        assert max(r.json()["predictions"][0] for r in sizes) > 1, [r.text for r in sizes]

        def double(i: int) -> requests.Response:
            return invoke(server.url, {"dataframe_records": [{"x": i}] * (i % 3 + 1)})

        answers = list(pool.map(double, range(8)))
        for i, resp in enumerate(answers):
            assert resp.json() == {"predictions": [2 * i] * (i % 3 + 1)}
        assert invoke(server.url, {"inputs": [[1, 2]]}).status_code == 400
        metrics = requests.get(f"{server.url}/metrics", timeout=10).text
        assert (
            'mlflow_http_request_total{method="POST",route="/invocations",status="200"} 16.0'
            in (metrics)
        )
        assert 'route="/invocations",status="400"' in metrics


def start_up_error(*args: str, env: dict[str, str] | None = None) -> str:
    import os

    result = subprocess.run(
        [sys.executable, "-m", "runhub", "models", "serve", *args, "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_start_up_errors_are_one_line(tmp_path: Path, logged: LoggedModel) -> None:
    torch = tmp_path / "torch"
    torch.mkdir()
    (torch / "MLmodel").write_text(
        "flavors:\n  python_function: {loader_module: mlflow.pytorch}\n  pytorch: {}\n"
    )
    no_pyfunc = tmp_path / "onnx"
    no_pyfunc.mkdir()
    (no_pyfunc / "MLmodel").write_text("flavors:\n  onnx: {}\n")
    tracking = {"MLFLOW_TRACKING_URI": logged.tracking_url}
    # A pandas that cannot be imported stands in for an install without the scoring extra.
    (tmp_path / "shadow" / "pandas").mkdir(parents=True)
    (tmp_path / "shadow" / "pandas" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pandas'\", name='pandas')\n"
    )
    no_extra = {"PYTHONPATH": str(tmp_path / "shadow")}
    cases = [
        (["-m", str(torch)], {}, "'pytorch' flavor cannot be served"),
        (["-m", str(no_pyfunc)], {}, 'does not have the "python_function" flavor (has: onnx)'),
        (["-m", str(tmp_path)], {}, "no MLmodel file"),
        (["-m", str(tmp_path / "absent")], {}, "not a directory"),
        (["-m", str(torch), "--env-manager", "conda"], {}, "not supported yet"),
        (["-m", str(torch)], no_extra, "needs pandas; install the scoring extra"),
        (["-m", "models:/x/1"], {"MLFLOW_TRACKING_URI": ""}, "set MLFLOW_TRACKING_URI"),
        (["-m", "models:/no-such-model/1"], tracking, "name=no-such-model not found"),
        (["-m", "models:/iris-scorer@nobody"], tracking, "alias nobody not found"),
        (["-m", "models:/iris-scorer/Production"], tracking, "stages are not supported"),
    ]
    with ThreadPoolExecutor(4) as pool:
        lines = list(pool.map(lambda case: start_up_error(*case[0], env=case[1]), cases))
    for (args, _, words), line in zip(cases, lines, strict=True):
        assert line.startswith("Error: ") and words in line, (args, line)
