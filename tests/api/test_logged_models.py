"""Logged models (MLflow 3) on every backend: lifecycle, tags, params, metrics, search."""

from __future__ import annotations

import re
import time

from tests.api.conftest import Api
from tests.api.registry_client import experiment, logged_model, run, send


def test_create_finalize_get_delete(api: Api) -> None:
    exp_id = experiment(api)
    info = run(api, exp_id)
    model = logged_model(
        api,
        exp_id,
        name="model",
        model_type="sklearn",
        source_run_id=info["run_id"],
        params=[{"key": "alpha", "value": "0.5"}],
        tags=[{"key": "t", "value": "1"}],
    )
    i = model["info"]
    assert re.fullmatch(r"m-[0-9a-f]{32}", i["model_id"])
    assert i["status"] == "LOGGED_MODEL_PENDING" and i["name"] == "model"
    assert i["artifact_uri"] == f"mlflow-artifacts:/{exp_id}/models/{i['model_id']}/artifacts"
    assert (i["experiment_id"], i["model_type"], i["source_run_id"]) == (
        exp_id,
        "sklearn",
        info["run_id"],
    )
    assert i["tags"] == [{"key": "t", "value": "1"}]
    assert model["data"]["params"] == [{"key": "alpha", "value": "0.5"}]
    model_id = i["model_id"]
    done = send(api, "PATCH", f"logged-models/{model_id}", {"status": "LOGGED_MODEL_READY"})
    assert done["model"]["info"]["status"] == "LOGGED_MODEL_READY"
    by_number = send(api, "PATCH", f"logged-models/{model_id}", {"status": 3})
    assert by_number["model"]["info"]["status"] == "LOGGED_MODEL_UPLOAD_FAILED"
    bad = send(api, "PATCH", f"logged-models/{model_id}", {"status": "LOGGED_MODEL_PENDING"}, 400)
    assert bad["error_code"] == "INVALID_PARAMETER_VALUE"
    send(api, "PATCH", f"logged-models/{model_id}", {"status": "NOPE"}, 400)
    got = api.get(f"logged-models/{model_id}")["model"]
    assert got["info"]["model_id"] == model_id
    unnamed = logged_model(api, exp_id)["info"]
    assert unnamed["name"]  # a random name, like runs get
    send(api, "DELETE", f"logged-models/{model_id}")
    gone = api.get(f"logged-models/{model_id}", status=404)
    assert gone["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert api.get(f"logged-models/{model_id}", {"allow_deleted": "true"})["model"]
    api.post("logged-models", {"experiment_id": "999"}, status=404)
    api.post("logged-models", {}, status=400)
    api.get("logged-models/m-ffffffffffffffffffffffffffffffff", status=404)


def test_tags_params_and_metrics(api: Api) -> None:
    exp_id = experiment(api)
    info = run(api, exp_id)
    model_id = logged_model(api, exp_id, source_run_id=info["run_id"])["info"]["model_id"]
    tagged = send(
        api,
        "PATCH",
        f"logged-models/{model_id}/tags",
        {"tags": [{"key": "a", "value": "1"}, {"key": "b.c", "value": "2"}]},
    )
    assert tagged == {}
    tags = api.get(f"logged-models/{model_id}")["model"]["info"]["tags"]
    assert {t["key"] for t in tags} == {"a", "b.c"}
    send(api, "DELETE", f"logged-models/{model_id}/tags/b.c")
    send(api, "DELETE", f"logged-models/{model_id}/tags/b.c", status=404)
    api.post(f"logged-models/{model_id}/params", {"params": [{"key": "p", "value": "x"}]})
    now = int(time.time() * 1000)
    api.post(
        "runs/log-metric",
        {
            "run_id": info["run_id"],
            "key": "acc",
            "value": 0.9,
            "timestamp": now,
            "step": 1,
            "model_id": model_id,
            "dataset_name": "val",
            "dataset_digest": "abc",
        },
    )
    api.post(
        "runs/log-batch",
        {
            "run_id": info["run_id"],
            "metrics": [
                {"key": "loss", "value": 0.1, "timestamp": now, "step": 2, "model_id": model_id}
            ],
        },
    )
    model = api.get(f"logged-models/{model_id}")["model"]
    assert model["info"]["tags"] == [{"key": "a", "value": "1"}]
    assert model["data"]["params"] == [{"key": "p", "value": "x"}]
    metrics = {m["key"]: m for m in model["data"]["metrics"]}
    assert metrics["acc"]["value"] == 0.9 and metrics["acc"]["dataset_name"] == "val"
    assert metrics["acc"]["run_id"] == info["run_id"] and metrics["acc"]["model_id"] == model_id
    assert metrics["loss"]["step"] == 2
    # The run still has its own metrics.
    run_metrics = api.get("runs/get", {"run_id": info["run_id"]})["run"]["data"]["metrics"]
    assert {m["key"] for m in run_metrics} == {"acc", "loss"}
    missing = {"run_id": info["run_id"], "key": "x", "value": 1, "timestamp": now}
    api.post("runs/log-metric", {**missing, "model_id": "m-nope"}, status=404)


def test_search_filters_order_and_paging(api: Api) -> None:
    exp_id = experiment(api)
    info = run(api, exp_id)
    now = int(time.time() * 1000)
    ids = []
    for i in range(5):
        model_id = logged_model(
            api, exp_id, name=f"model-{i}", params=[{"key": "i", "value": str(i)}]
        )["info"]["model_id"]
        ids.append(model_id)
        status = "LOGGED_MODEL_READY" if i % 2 == 0 else "LOGGED_MODEL_UPLOAD_FAILED"
        send(api, "PATCH", f"logged-models/{model_id}", {"status": status})
        for dataset, value in (("train", 0.5 + i / 10), ("val", 1 - i / 10)):
            api.post(
                "runs/log-metric",
                {
                    "run_id": info["run_id"],
                    "key": "acc",
                    "value": value,
                    "timestamp": now,
                    "model_id": model_id,
                    "dataset_name": dataset,
                },
            )

    def search(**body: object) -> list[str]:
        found = api.post("logged-models/search", {"experiment_ids": [exp_id], **body})
        return [m["info"]["name"] for m in found.get("models", [])]

    assert search() == [f"model-{i}" for i in reversed(range(5))]  # newest first
    assert search(filter="status = 'READY'") == ["model-4", "model-2", "model-0"]
    assert search(filter="name = 'model-3'") == ["model-3"]
    assert search(filter="params.i IN ('1', '2')") == ["model-2", "model-1"]
    assert search(filter="metrics.acc > 0.85") == ["model-4", "model-1", "model-0"]
    val = [{"dataset_name": "val"}]
    assert search(filter="metrics.acc > 0.85", datasets=val) == ["model-1", "model-0"]
    ordered = search(order_by=[{"field_name": "metrics.acc", "dataset_name": "train"}])
    assert ordered == [f"model-{i}" for i in range(5)]
    by_name = search(order_by=[{"field_name": "name", "ascending": False}])
    assert by_name == [f"model-{i}" for i in reversed(range(5))]
    page = api.post(
        "logged-models/search",
        {"experiment_ids": [exp_id], "max_results": 2, "order_by": [{"field_name": "name"}]},
    )
    names = [m["info"]["name"] for m in page["models"]]
    while "next_page_token" in page:
        page = api.post(
            "logged-models/search",
            {
                "experiment_ids": [exp_id],
                "max_results": 2,
                "order_by": [{"field_name": "name"}],
                "page_token": page["next_page_token"],
            },
        )
        names += [m["info"]["name"] for m in page["models"]]
    assert names == [f"model-{i}" for i in range(5)]
    send(api, "DELETE", f"logged-models/{ids[0]}")
    assert "model-0" not in search()
    for bad in ("status = 'LOGGED_MODEL_READY'", "metrics.acc > 'x'", "bogus.x = '1'"):
        body = api.post(
            "logged-models/search", {"experiment_ids": [exp_id], "filter": bad}, status=400
        )
        assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    api.post(
        "logged-models/search",
        {"experiment_ids": [exp_id], "order_by": [{"field_name": "params.i"}]},
        status=400,
    )
    api.post("logged-models/search", {"experiment_ids": [exp_id], "page_token": "x"}, status=400)
    api.post("logged-models/search", {}, status=400)
    too_many = {"experiment_ids": [exp_id], "max_results": 2**62}
    api.post("logged-models/search", too_many, status=400)


def test_list_model_artifacts(sqlite_api: Api) -> None:
    api = sqlite_api
    exp_id = experiment(api)
    model = logged_model(api, exp_id)["info"]
    path = model["artifact_uri"].removeprefix("mlflow-artifacts:/")
    response = api.client.put(f"/api/2.0/mlflow-artifacts/artifacts/{path}/MLmodel", content=b"x")
    assert response.status_code == 200, response.text
    listing = api.get(f"logged-models/{model['model_id']}/artifacts/directories")
    assert listing["root_uri"] == model["artifact_uri"]
    assert listing["files"] == [{"path": "MLmodel", "is_dir": False, "file_size": 1}]
    file = api.client.get(
        f"/ajax-api/2.0/mlflow/logged-models/{model['model_id']}/artifacts/files",
        params={"artifact_file_path": "MLmodel"},
    )
    assert file.status_code == 200 and file.content == b"x"


def test_model_version_artifact_download(sqlite_api: Api) -> None:
    api = sqlite_api
    exp_id = experiment(api)
    model = logged_model(api, exp_id)["info"]
    path = model["artifact_uri"].removeprefix("mlflow-artifacts:/")
    api.client.put(f"/api/2.0/mlflow-artifacts/artifacts/{path}/sub/model.pkl", content=b"abc")
    api.post("registered-models/create", {"name": "dl"})
    api.post("model-versions/create", {"name": "dl", "source": f"models:/{model['model_id']}"})
    got = api.client.get(
        "/model-versions/get-artifact",
        params={"name": "dl", "version": "1", "path": "sub/model.pkl"},
    )
    assert got.status_code == 200 and got.content == b"abc"
    for bad in ("../../../etc/passwd", "%2e%2e/x", ""):
        refused = api.client.get(
            "/model-versions/get-artifact", params={"name": "dl", "version": "1", "path": bad}
        )
        assert refused.status_code in (400, 404), refused.text
        assert refused.json()["error_code"]


def test_run_uri_versions_download_the_runs_logged_model(sqlite_api: Api) -> None:
    api = sqlite_api
    exp_id = experiment(api)
    info = run(api, exp_id)
    model = logged_model(api, exp_id, name="clf", source_run_id=info["run_id"])["info"]
    path = model["artifact_uri"].removeprefix("mlflow-artifacts:/")
    api.client.put(f"/api/2.0/mlflow-artifacts/artifacts/{path}/MLmodel", content=b"flavors")
    api.post("registered-models/create", {"name": "via-run"})
    body = {"name": "via-run", "source": f"runs:/{info['run_id']}/clf", "run_id": info["run_id"]}
    api.post("model-versions/create", body)
    got = api.client.get(
        "/model-versions/get-artifact",
        params={"name": "via-run", "version": "1", "path": "MLmodel"},
    )
    assert got.status_code == 200 and got.content == b"flavors"
