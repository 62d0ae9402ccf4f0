"""Params, metrics and tags of a run: single calls, log-batch, limits and unicode."""

from __future__ import annotations

import json
import math
import sys
import time

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException

from .rest import Rest

pytestmark = pytest.mark.compat

MAX_FLOAT = sys.float_info.max  # what MLflow's SQL store keeps for ±inf


@pytest.fixture
def run_id(client: MlflowClient, experiment_id: str) -> str:
    return client.create_run(experiment_id).info.run_id


def _is_pos_inf(value: float) -> bool:
    return value == math.inf or value == MAX_FLOAT


def _is_neg_inf(value: float) -> bool:
    return value == -math.inf or value == -MAX_FLOAT


def test_param_is_write_once(client: MlflowClient, run_id: str) -> None:
    client.log_param(run_id, "lr", "0.1")
    client.log_param(run_id, "lr", "0.1")  # the same value again is fine
    with pytest.raises(MlflowException) as info:
        client.log_param(run_id, "lr", "0.2")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert client.get_run(run_id).data.params == {"lr": "0.1"}


def test_param_values_are_strings(client: MlflowClient, run_id: str) -> None:
    client.log_param(run_id, "int", 3)
    client.log_param(run_id, "float", 0.5)
    client.log_param(run_id, "empty", "")
    client.log_param(run_id, "none", None)
    assert client.get_run(run_id).data.params == {
        "int": "3",
        "float": "0.5",
        "empty": "",
        "none": "None",
    }


def test_metric_steps_and_timestamps(client: MlflowClient, run_id: str) -> None:
    for step in range(5):
        client.log_metric(run_id, "loss", 1.0 / (step + 1), timestamp=1_000 + step, step=step)
    history = client.get_metric_history(run_id, "loss")
    assert [(m.step, m.timestamp, m.value) for m in history] == [
        (s, 1_000 + s, 1.0 / (s + 1)) for s in range(5)
    ]
    assert all(m.key == "loss" for m in history)
    latest = client.get_run(run_id).data.metrics
    assert latest == {"loss": 0.2}


def test_metric_default_step_and_timestamp(client: MlflowClient, run_id: str) -> None:
    before = int(time.time() * 1000)
    client.log_metric(run_id, "acc", 0.5)
    (point,) = client.get_metric_history(run_id, "acc")
    assert point.step == 0
    assert before - 5000 <= point.timestamp <= int(time.time() * 1000) + 5000


def test_metric_nan_and_infinities(client: MlflowClient, run_id: str) -> None:
    client.log_metric(run_id, "nan", float("nan"))
    client.log_metric(run_id, "pinf", float("inf"))
    client.log_metric(run_id, "ninf", float("-inf"))
    metrics = client.get_run(run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert _is_pos_inf(metrics["pinf"]), metrics
    assert _is_neg_inf(metrics["ninf"]), metrics
    assert math.isnan(client.get_metric_history(run_id, "nan")[0].value)
    assert _is_pos_inf(client.get_metric_history(run_id, "pinf")[0].value)
    assert _is_neg_inf(client.get_metric_history(run_id, "ninf")[0].value)


def test_run_metric_is_the_latest_value(client: MlflowClient, run_id: str) -> None:
    # Highest step wins, then the latest timestamp, then the largest value.
    for step, timestamp, value in [
        (0, 100, 5.0),
        (2, 50, 1.0),
        (2, 60, 3.0),
        (2, 60, 7.0),
        (2, 60, 6.0),
        (1, 999, 9.0),
    ]:
        client.log_metric(run_id, "x", value, timestamp=timestamp, step=step)
    assert client.get_run(run_id).data.metrics["x"] == 7.0
    assert len(client.get_metric_history(run_id, "x")) == 6


def test_latest_value_ignores_logging_order(client: MlflowClient, run_id: str) -> None:
    client.log_metric(run_id, "y", 1.0, timestamp=500, step=10)
    client.log_metric(run_id, "y", 2.0, timestamp=900, step=3)  # logged later, lower step
    client.log_metric(run_id, "z", 1.0, timestamp=900, step=4)
    client.log_metric(run_id, "z", 2.0, timestamp=800, step=4)  # same step, older timestamp
    assert client.get_run(run_id).data.metrics == {"y": 1.0, "z": 1.0}


def test_set_tag_overwrites_and_delete_tag(client: MlflowClient, run_id: str) -> None:
    client.set_tag(run_id, "stage", "a")
    client.set_tag(run_id, "stage", "b")
    client.set_tag(run_id, "other", 42)
    tags = client.get_run(run_id).data.tags
    assert tags["stage"] == "b"
    assert tags["other"] == "42"
    client.delete_tag(run_id, "stage")
    tags = client.get_run(run_id).data.tags
    assert "stage" not in tags
    assert tags["other"] == "42"


def test_delete_missing_tag_fails(client: MlflowClient, run_id: str) -> None:
    with pytest.raises(MlflowException) as info:
        client.delete_tag(run_id, "never-set")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_logging_to_a_deleted_run_fails(client: MlflowClient, run_id: str) -> None:
    client.delete_run(run_id)
    with pytest.raises(MlflowException) as info:
        client.log_param(run_id, "a", "b")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(MlflowException) as info:
        client.log_metric(run_id, "m", 1.0)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_fluent_batch_calls(client: MlflowClient, experiment_id: str, tracking_uri: str) -> None:
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_params({"a": 1, "b": "two"})
        mlflow.log_metrics({"m1": 0.5, "m2": -1.0}, step=3)
        mlflow.set_tags({"t1": "x", "t2": "y"})
        mlflow.log_param("c", 3.5)
        mlflow.log_metric("m3", 7, step=1)
        mlflow.set_tag("t3", "z")
    data = client.get_run(run.info.run_id).data
    assert data.params == {"a": "1", "b": "two", "c": "3.5"}
    assert data.metrics == {"m1": 0.5, "m2": -1.0, "m3": 7.0}
    assert {k: v for k, v in data.tags.items() if k.startswith("t")} == {
        "t1": "x",
        "t2": "y",
        "t3": "z",
    }
    assert client.get_metric_history(run.info.run_id, "m1")[0].step == 3


def test_client_log_batch_with_entities(client: MlflowClient, run_id: str) -> None:
    client.log_batch(
        run_id,
        metrics=[
            Metric("acc", 0.8, 1_000, 0),
            Metric("acc", 0.9, 2_000, 1),
            Metric("loss", 0.3, 1_000, 0),
        ],
        params=[Param("lr", "0.01"), Param("layers", "4")],
        tags=[RunTag("phase", "train"), RunTag("phase", "eval")],
    )
    data = client.get_run(run_id).data
    assert data.metrics == {"acc": 0.9, "loss": 0.3}
    assert data.params == {"lr": "0.01", "layers": "4"}
    assert data.tags["phase"] == "eval"  # the last write in a batch wins
    assert [m.value for m in client.get_metric_history(run_id, "acc")] == [0.8, 0.9]


def test_client_splits_large_batches(client: MlflowClient, run_id: str) -> None:
    # More than the per-request limits: the client must split them and the server accept each.
    metrics = [Metric("series", float(i), 10_000 + i, i) for i in range(2_500)]
    params = [Param(f"p{i}", str(i)) for i in range(150)]
    tags = [RunTag(f"t{i}", str(i)) for i in range(150)]
    client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
    data = client.get_run(run_id).data
    assert data.metrics["series"] == 2_499.0
    assert len(data.params) == 150
    assert data.params["p149"] == "149"
    assert sum(1 for k in data.tags if k.startswith("t")) == 150
    history = client.get_metric_history(run_id, "series")
    assert [m.step for m in history] == list(range(2_500))


def _metric(key: str, i: int) -> dict:
    return {"key": key, "value": float(i), "timestamp": 1_000 + i, "step": i}


@pytest.mark.parametrize(
    "batch",
    [
        pytest.param({"metrics": [_metric("m", i) for i in range(1_001)]}, id="1001-metrics"),
        pytest.param(
            {"params": [{"key": f"p{i}", "value": "v"} for i in range(101)]}, id="101-params"
        ),
        pytest.param({"tags": [{"key": f"t{i}", "value": "v"} for i in range(101)]}, id="101-tags"),
        pytest.param(
            {
                "metrics": [_metric("m", i) for i in range(950)],
                "params": [{"key": f"p{i}", "value": "v"} for i in range(51)],
            },
            id="1001-entities",
        ),
        pytest.param(
            {
                "metrics": [_metric("m", 1)],
                "params": [{"key": "dup", "value": "1"}, {"key": "dup", "value": "2"}],
                "tags": [{"key": "t", "value": "v"}],
            },
            id="duplicate-param-keys",
        ),
        pytest.param(
            {"metrics": [_metric("m", 1)], "params": [{"key": "bad*key", "value": "1"}]},
            id="invalid-key-in-batch",
        ),
    ],
)
def test_rejected_batch_stores_nothing(
    client: MlflowClient, rest: Rest, run_id: str, batch: dict
) -> None:
    resp = rest.post("/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, **batch})
    rest.assert_error(resp, 400, "INVALID_PARAMETER_VALUE")
    data = client.get_run(run_id).data
    assert data.metrics == {}
    assert data.params == {}
    assert set(data.tags) == {"mlflow.runName"}
    assert client.get_metric_history(run_id, "m") == []


def test_batch_at_the_limits_is_accepted(client: MlflowClient, rest: Rest, run_id: str) -> None:
    batch = {
        "run_id": run_id,
        "metrics": [_metric("m", i) for i in range(800)],
        "params": [{"key": f"p{i}", "value": "v"} for i in range(100)],
        "tags": [{"key": f"t{i}", "value": "v"} for i in range(100)],
    }
    assert rest.ok("POST", "/api/2.0/mlflow/runs/log-batch", json=batch) == {}
    data = client.get_run(run_id).data
    assert data.metrics == {"m": 799.0}
    assert len(data.params) == 100
    assert len(client.get_metric_history(run_id, "m")) == 800


def test_unicode_keys_and_values(client: MlflowClient, run_id: str) -> None:
    client.log_param(run_id, "学習率", "零点一 🚀")
    client.log_metric(run_id, "損失", 0.25)
    client.set_tag(run_id, "タグ", "値 ✅ émoji")
    client.log_param(run_id, "a/b c:d-e.f_g", "punctuation")
    data = client.get_run(run_id).data
    assert data.params == {"学習率": "零点一 🚀", "a/b c:d-e.f_g": "punctuation"}
    assert data.metrics == {"損失": 0.25}
    assert data.tags["タグ"] == "値 ✅ émoji"
    assert client.get_metric_history(run_id, "損失")[0].value == 0.25


def test_key_of_250_chars_is_accepted(client: MlflowClient, run_id: str) -> None:
    key = "k" * 250
    client.log_param(run_id, key, "v")
    client.log_metric(run_id, key, 1.0)
    client.set_tag(run_id, key, "v")
    data = client.get_run(run_id).data
    assert data.params[key] == "v"
    assert data.metrics[key] == 1.0
    assert data.tags[key] == "v"


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("k" * 251, id="251-chars"),
        pytest.param("bad!key", id="bang"),
        pytest.param("a*b", id="star"),
        pytest.param("tab\tkey", id="tab"),
        pytest.param("a/../b", id="dot-dot"),
        pytest.param("/leading-slash", id="leading-slash"),
        pytest.param("a//b", id="double-slash"),
    ],
)
def test_invalid_keys_are_rejected(client: MlflowClient, run_id: str, key: str) -> None:
    for log in (
        lambda: client.log_param(run_id, key, "v"),
        lambda: client.log_metric(run_id, key, 1.0),
        lambda: client.set_tag(run_id, key, "v"),
    ):
        with pytest.raises(MlflowException) as info:
            log()
        assert info.value.error_code == "INVALID_PARAMETER_VALUE", info.value
    data = client.get_run(run_id).data
    assert data.params == {}
    assert data.metrics == {}


def test_long_param_value_is_truncated_to_6000(client: MlflowClient, run_id: str) -> None:
    client.log_param(run_id, "long", "x" * 6_001)
    assert client.get_run(run_id).data.params["long"] == "x" * 6_000
    client.log_param(run_id, "exact", "y" * 6_000)
    assert client.get_run(run_id).data.params["exact"] == "y" * 6_000


def test_long_tag_value_is_truncated_to_8000(client: MlflowClient, run_id: str) -> None:
    client.set_tag(run_id, "long", "z" * 8_001)
    assert client.get_run(run_id).data.tags["long"] == "z" * 8_000


def test_legacy_log_model_stores_history_tag(client: MlflowClient, rest: Rest, run_id: str) -> None:
    model = {
        "artifact_path": "model",
        "flavors": {"python_function": {"loader_module": "mlflow.pyfunc.model"}},
        "utc_time_created": "2024-01-01 00:00:00.000000",
        "run_id": run_id,
    }
    body = rest.ok(
        "POST",
        "/api/2.0/mlflow/runs/log-model",
        json={"run_id": run_id, "model_json": json.dumps(model)},
    )
    assert body == {}
    history = json.loads(client.get_run(run_id).data.tags["mlflow.log-model.history"])
    assert isinstance(history, list) and len(history) == 1
    assert history[0]["artifact_path"] == "model"
    assert history[0]["run_id"] == run_id
    assert history[0]["flavors"] == model["flavors"]


def test_legacy_log_model_requires_its_keys(rest: Rest, run_id: str) -> None:
    resp = rest.post(
        "/api/2.0/mlflow/runs/log-model",
        json={"run_id": run_id, "model_json": json.dumps({"artifact_path": "model"})},
    )
    rest.assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("prefix", ["/api", "/ajax-api"])
def test_single_item_routes_under_both_prefixes(
    client: MlflowClient, rest: Rest, run_id: str, prefix: str
) -> None:
    base = f"{prefix}/2.0/mlflow/runs"
    assert (
        rest.ok("POST", f"{base}/log-parameter", json={"run_id": run_id, "key": "p", "value": "1"})
        == {}
    )
    assert (
        rest.ok(
            "POST",
            f"{base}/log-metric",
            json={"run_id": run_id, "key": "m", "value": 2.5, "timestamp": 123, "step": 4},
        )
        == {}
    )
    assert (
        rest.ok("POST", f"{base}/set-tag", json={"run_id": run_id, "key": "t", "value": "x"}) == {}
    )
    assert rest.ok("POST", f"{base}/delete-tag", json={"run_id": run_id, "key": "t"}) == {}
    data = client.get_run(run_id).data
    assert data.params == {"p": "1"}
    assert data.metrics == {"m": 2.5}
    assert "t" not in data.tags
