"""Tracking API behaviour on every backend: experiments, runs, run data, history, lineage."""

from __future__ import annotations

import math

from tests.api.conftest import Api


def _experiment(api: Api, name: str = "exp") -> str:
    return str(api.post("experiments/create", {"name": name})["experiment_id"])


def _run(api: Api, exp_id: str, **extra: object) -> str:
    return str(api.post("runs/create", {"experiment_id": exp_id, **extra})["run"]["info"]["run_id"])


def test_default_experiment_exists(api: Api) -> None:
    exp = api.get("experiments/get", {"experiment_id": "0"})["experiment"]
    assert exp["name"] == "Default"
    assert exp["lifecycle_stage"] == "active"
    assert exp["artifact_location"] == "mlflow-artifacts:/0"


def test_experiment_lifecycle(api: Api) -> None:
    exp_id = _experiment(api, "Lifecycle")
    assert exp_id == "1"
    api.post("experiments/set-experiment-tag", {"experiment_id": exp_id, "key": "k", "value": "v"})
    exp = api.get("experiments/get-by-name", {"experiment_name": "Lifecycle"})["experiment"]
    assert exp["tags"] == [{"key": "k", "value": "v"}]
    assert exp["artifact_location"] == f"mlflow-artifacts:/{exp_id}"
    # Names compare case-sensitively: a differently cased name is another experiment.
    assert _experiment(api, "lifecycle") == "2"
    dup = api.post("experiments/create", {"name": "Lifecycle"}, status=400)
    assert dup["error_code"] == "RESOURCE_ALREADY_EXISTS"
    api.post("experiments/update", {"experiment_id": exp_id, "new_name": "Renamed"})
    api.post("experiments/delete", {"experiment_id": exp_id})
    deleted = api.get("experiments/get", {"experiment_id": exp_id})["experiment"]
    assert (deleted["name"], deleted["lifecycle_stage"]) == ("Renamed", "deleted")
    api.post("experiments/restore", {"experiment_id": exp_id})
    api.post("experiments/delete-experiment-tag", {"experiment_id": exp_id, "key": "k"})
    restored = api.get("experiments/get", {"experiment_id": exp_id})["experiment"]
    assert restored["lifecycle_stage"] == "active" and "tags" not in restored
    missing = api.get("experiments/get-by-name", {"experiment_name": "nope"}, status=404)
    assert missing["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_create_run_names_and_tags(api: Api) -> None:
    exp_id = _experiment(api)
    run = api.post(
        "runs/create",
        {
            "experiment_id": exp_id,
            "start_time": 1700000000000,
            "tags": [{"key": "mlflow.user", "value": "ada"}],
        },
    )["run"]
    info = run["info"]
    assert info["run_name"] and info["run_uuid"] == info["run_id"]
    assert info["user_id"] == "ada" and info["status"] == "RUNNING"
    assert "end_time" not in info
    assert info["artifact_uri"] == f"mlflow-artifacts:/{exp_id}/{info['run_id']}/artifacts"
    assert {"key": "mlflow.runName", "value": info["run_name"]} in run["data"]["tags"]
    clash = api.post(
        "runs/create",
        {
            "experiment_id": exp_id,
            "run_name": "a",
            "tags": [{"key": "mlflow.runName", "value": "b"}],
        },
        status=400,
    )
    assert clash["error_code"] == "INVALID_PARAMETER_VALUE"
    missing = api.post("runs/create", {"experiment_id": "999"}, status=404)
    assert missing["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_update_delete_restore_run(api: Api) -> None:
    run_id = _run(api, _experiment(api), run_name="first")
    info = api.post(
        "runs/update",
        {"run_id": run_id, "status": "FINISHED", "end_time": 42, "run_name": "second"},
    )["run_info"]
    assert (info["status"], info["end_time"], info["run_name"]) == ("FINISHED", 42, "second")
    tags = api.get("runs/get", {"run_id": run_id})["run"]["data"]["tags"]
    assert {"key": "mlflow.runName", "value": "second"} in tags
    api.post("runs/delete", {"run_id": run_id})
    assert api.get("runs/get", {"run_id": run_id})["run"]["info"]["lifecycle_stage"] == "deleted"
    refused = api.post("runs/log-parameter", {"run_id": run_id, "key": "a", "value": "1"}, 400)
    assert "active" in refused["message"]
    api.post("runs/restore", {"run_id": run_id})
    api.post("runs/log-parameter", {"run_id": run_id, "key": "a", "value": "1"})


def test_params_are_write_once(api: Api) -> None:
    run_id = _run(api, _experiment(api))
    api.post("runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.1"})
    api.post("runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.1"})
    err = api.post("runs/log-parameter", {"run_id": run_id, "key": "lr", "value": "0.2"}, 400)
    assert "Changing param values is not allowed" in err["message"]
    params = api.get("runs/get", {"run_id": run_id})["run"]["data"]["params"]
    assert params == [{"key": "lr", "value": "0.1"}]


def test_log_batch_is_all_or_nothing(api: Api) -> None:
    run_id = _run(api, _experiment(api))
    api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "old"})
    body = {
        "run_id": run_id,
        "metrics": [{"key": "m", "value": 1.0, "timestamp": 1, "step": 0}],
        "params": [{"key": "q", "value": "1"}, {"key": "p", "value": "new"}],
        "tags": [{"key": "t", "value": "x"}],
    }
    api.post("runs/log-batch", body, status=400)
    data = api.get("runs/get", {"run_id": run_id})["run"]["data"]
    assert "metrics" not in data
    assert data["params"] == [{"key": "p", "value": "old"}]
    assert all(t["key"] != "t" for t in data["tags"])
    too_many = {"run_id": run_id, "params": [{"key": f"k{i}", "value": "v"} for i in range(101)]}
    assert "at most 100 params" in api.post("runs/log-batch", too_many, status=400)["message"]
    dupes = {"run_id": run_id, "params": [{"key": "d", "value": "1"}, {"key": "d", "value": "2"}]}
    assert "Duplicate parameter keys" in api.post("runs/log-batch", dupes, status=400)["message"]


def test_latest_metric_rule_and_special_values(api: Api) -> None:
    run_id = _run(api, _experiment(api))
    metrics = [
        {"key": "m", "value": 5.0, "timestamp": 10, "step": 1},
        {"key": "m", "value": 3.0, "timestamp": 5, "step": 2},  # highest step wins
        {"key": "m", "value": 9.0, "timestamp": 1, "step": 0},
        {"key": "t", "value": 1.0, "timestamp": 7, "step": 0},
        {"key": "t", "value": 2.0, "timestamp": 7, "step": 0},  # same step/time: larger value
        {"key": "nan", "value": "NaN", "timestamp": 1, "step": 0},
        {"key": "inf", "value": "Infinity", "timestamp": 1, "step": 0},
        {"key": "ninf", "value": "-Infinity", "timestamp": 1, "step": 0},
    ]
    api.post("runs/log-batch", {"run_id": run_id, "metrics": metrics})
    got = {m["key"]: m for m in api.get("runs/get", {"run_id": run_id})["run"]["data"]["metrics"]}
    assert (got["m"]["value"], got["m"]["step"]) == (3.0, 2)
    assert got["t"]["value"] == 2.0
    assert got["nan"]["value"] == "NaN"
    assert got["inf"]["value"] == 1.7976931348623157e308
    assert got["ninf"]["value"] == -1.7976931348623157e308
    api.post(
        "runs/log-metric", {"run_id": run_id, "key": "m", "value": 0.5, "timestamp": 99, "step": 2}
    )
    latest = {
        m["key"]: m for m in api.get("runs/get", {"run_id": run_id})["run"]["data"]["metrics"]
    }
    assert latest["m"]["value"] == 0.5


def test_metric_history_paged_and_streamed(api: Api) -> None:
    run_id = _run(api, _experiment(api))
    for start in range(0, 2500, 1000):
        batch = [
            {"key": "loss", "value": i / 10, "timestamp": 1000 + i, "step": i}
            for i in range(start, min(start + 1000, 2500))
        ]
        api.post("runs/log-batch", {"run_id": run_id, "metrics": batch})
    whole = api.get("metrics/get-history", {"run_id": run_id, "metric_key": "loss"})["metrics"]
    assert [m["step"] for m in whole] == list(range(2500))
    assert whole[7] == {"key": "loss", "value": 0.7, "timestamp": 1007, "step": 7}
    paged, token = [], None
    while True:
        params = {"run_id": run_id, "metric_key": "loss", "max_results": 700}
        if token:
            params["page_token"] = token
        page = api.get("metrics/get-history", params)
        paged += page["metrics"]
        token = page.get("next_page_token")
        if not token:
            break
    assert paged == whole
    empty = api.get("metrics/get-history", {"run_id": run_id, "metric_key": "nope"})
    assert empty == {}
    bad = api.get(
        "metrics/get-history",
        {"run_id": run_id, "metric_key": "loss", "max_results": 5, "page_token": "%%%"},
        status=400,
    )
    assert bad["error_code"] == "INVALID_PARAMETER_VALUE"


def test_bulk_interval_sampling(api: Api) -> None:
    exp_id = _experiment(api)
    runs = [_run(api, exp_id) for _ in range(2)]
    for run_id in runs:
        batch = [
            {"key": "acc", "value": float(i), "timestamp": i, "step": i * 3} for i in range(1000)
        ]
        api.post("runs/log-batch", {"run_id": run_id, "metrics": batch})
    sample = api.client.get(
        "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval",
        params=[
            ("run_ids", runs[0]),
            ("run_ids", runs[1]),
            ("metric_key", "acc"),
            ("max_results", "50"),
        ],
    ).json()["metrics"]
    for run_id in runs:
        steps = [m["step"] for m in sample if m["run_id"] == run_id]
        assert steps == sorted(set(steps)) and len(steps) == 50
        assert steps[0] == 0 and steps[-1] == 2997
    window = api.get(
        "metrics/get-history-bulk-interval",
        {
            "run_ids": runs[0],
            "metric_key": "acc",
            "start_step": 300,
            "end_step": 600,
            "max_results": 10,
        },
    )["metrics"]
    assert window[0]["step"] == 300 and window[-1]["step"] == 600
    too_many = api.get(
        "metrics/get-history-bulk-interval",
        [("run_ids", str(i)) for i in range(101)] + [("metric_key", "acc")],
        status=400,
    )
    assert "at most 100" in too_many["message"]


def test_lineage_inputs_outputs_and_dataset_search(api: Api) -> None:
    exp_id = _experiment(api)
    run_id = _run(api, exp_id)
    dataset = {
        "name": "iris",
        "digest": "abc123",
        "source_type": "local",
        "source": '{"uri": "/data/iris.csv"}',
        "schema": '{"cols": []}',
    }
    api.post(
        "runs/log-inputs",
        {
            "run_id": run_id,
            "datasets": [
                {"dataset": dataset, "tags": [{"key": "mlflow.data.context", "value": "training"}]}
            ],
            "models": [{"model_id": "m-0123"}],
        },
    )
    api.post("runs/outputs", {"run_id": run_id, "models": [{"model_id": "m-0456", "step": 3}]})
    run = api.get("runs/get", {"run_id": run_id})["run"]
    assert run["inputs"]["dataset_inputs"][0]["dataset"]["name"] == "iris"
    assert run["inputs"]["dataset_inputs"][0]["tags"] == [
        {"key": "mlflow.data.context", "value": "training"}
    ]
    assert run["inputs"]["model_inputs"] == [{"model_id": "m-0123"}]
    assert run["outputs"]["model_outputs"] == [{"model_id": "m-0456", "step": 3}]
    summaries = api.client.post(
        "/ajax-api/2.0/mlflow/experiments/search-datasets", json={"experiment_ids": [exp_id]}
    ).json()
    assert summaries["dataset_summaries"] == [
        {"experiment_id": exp_id, "name": "iris", "digest": "abc123", "context": "training"}
    ]


def test_unicode_keys_and_values(api: Api) -> None:
    run_id = _run(api, _experiment(api, "実験 🧪"))
    api.post(
        "runs/log-batch",
        {
            "run_id": run_id,
            "params": [{"key": "学習率", "value": "値 ✓"}],
            "tags": [{"key": "tag.ü", "value": "🚀" * 10}],
            "metrics": [{"key": "精度", "value": 0.5, "timestamp": 1}],
        },
    )
    data = api.get("runs/get", {"run_id": run_id})["run"]["data"]
    assert {"key": "学習率", "value": "値 ✓"} in data["params"]
    assert {"key": "tag.ü", "value": "🚀" * 10} in data["tags"]
    assert data["metrics"][0]["key"] == "精度"
    assert not math.isnan(data["metrics"][0]["value"])
