"""Wire rules of spec §2.0, sent as raw HTTP: what clients of any vintage may put on the wire."""

from __future__ import annotations

import json
import math
import sys

import pytest
from mlflow import MlflowClient

from .rest import Rest
from .target import ON_MLFLOW

pytestmark = pytest.mark.compat

R = "/api/2.0/mlflow/runs"
E = "/api/2.0/mlflow/experiments"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def run_id(client: MlflowClient, experiment_id: str) -> str:
    return client.create_run(experiment_id).info.run_id


def _get_run(rest: Rest, run_id: str) -> dict:
    return rest.ok("GET", f"{R}/get", params={"run_id": run_id})["run"]


def test_camel_case_field_names(client: MlflowClient, rest: Rest, experiment_id: str) -> None:
    created = rest.ok(
        "POST",
        f"{R}/create",
        json={"experimentId": experiment_id, "runName": "camel", "startTime": 1_700_000_000_000},
    )["run"]["info"]
    run_id = created["run_id"]
    assert created["experiment_id"] == experiment_id
    assert created["run_name"] == "camel"
    assert created["start_time"] == 1_700_000_000_000

    rest.ok("POST", f"{R}/update", json={"run_id": run_id, "status": "FINISHED", "endTime": 9})
    assert client.get_run(run_id).info.end_time == 9
    found = rest.ok(
        "POST",
        f"{R}/search",
        json={
            "experimentIds": [experiment_id],
            "maxResults": 5,
            "runViewType": "ALL",
            "orderBy": ["start_time DESC"],
        },
    )
    assert [r["info"]["run_id"] for r in found["runs"]] == [run_id]
    experiments = rest.ok("POST", f"{E}/search", json={"maxResults": 1, "viewType": "ALL"})
    assert len(experiments["experiments"]) == 1


@pytest.mark.skipif(
    ON_MLFLOW,
    reason="MLflow checks required fields against the raw JSON names, so runId is 'missing' there",
)
def test_camel_case_required_fields(client: MlflowClient, rest: Rest, experiment_id: str) -> None:
    run_id = client.create_run(experiment_id).info.run_id
    rest.ok(
        "POST", f"{R}/log-metric", json={"runId": run_id, "key": "m", "value": 1.5, "timestamp": 7}
    )
    rest.ok("POST", f"{R}/log-parameter", json={"runId": run_id, "key": "p", "value": "v"})
    rest.ok("POST", f"{R}/set-tag", json={"runId": run_id, "key": "t", "value": "x"})
    rest.ok("POST", f"{R}/set-tag", json={"runId": run_id, "key": "gone", "value": "x"})
    rest.ok("POST", f"{R}/delete-tag", json={"runId": run_id, "key": "gone"})
    rest.ok(
        "POST", f"{R}/log-batch", json={"runId": run_id, "params": [{"key": "q", "value": "2"}]}
    )
    rest.ok("POST", f"{R}/update", json={"runId": run_id, "status": "FINISHED", "endTime": 9})
    rest.ok(
        "POST",
        f"{E}/set-experiment-tag",
        json={"experimentId": experiment_id, "key": "k", "value": "v"},
    )

    run = client.get_run(run_id)
    assert run.data.metrics == {"m": 1.5}
    assert run.data.params == {"p": "v", "q": "2"}
    assert run.data.tags["t"] == "x"
    assert "gone" not in run.data.tags
    assert run.info.status == "FINISHED"
    assert run.info.end_time == 9
    assert client.get_experiment(experiment_id).tags == {"k": "v"}

    rest.ok("POST", f"{R}/delete", json={"runId": run_id})
    assert client.get_run(run_id).info.lifecycle_stage == "deleted"
    rest.ok("POST", f"{R}/restore", json={"runId": run_id})
    assert client.get_run(run_id).info.lifecycle_stage == "active"


def test_run_uuid_is_accepted_for_run_id(rest: Rest, run_id: str) -> None:
    got = rest.ok("GET", f"{R}/get", params={"run_uuid": run_id})["run"]
    assert got["info"]["run_id"] == run_id
    rest.ok("POST", f"{R}/log-parameter", json={"run_uuid": run_id, "key": "p", "value": "1"})
    # the client sends both names with the same value
    rest.ok(
        "POST",
        f"{R}/log-metric",
        json={"run_uuid": run_id, "run_id": run_id, "key": "m", "value": 2.0, "timestamp": 3},
    )
    data = _get_run(rest, run_id)["data"]
    assert data["params"] == [{"key": "p", "value": "1"}]
    assert data["metrics"] == [{"key": "m", "value": 2.0, "timestamp": 3, "step": 0}]


def test_get_repeated_keys(rest: Rest, client: MlflowClient, unique_name: str) -> None:
    ids = [client.create_experiment(f"{unique_name}-{s}") for s in "ab"]
    body = rest.ok(
        "GET",
        f"{E}/search",
        params=[
            ("max_results", "10"),
            ("filter", f"name LIKE '{unique_name}%'"),
            ("order_by", "name DESC"),
            ("order_by", "creation_time ASC"),
        ],
    )
    assert [e["experiment_id"] for e in body["experiments"]] == ids[::-1]


def test_enums_by_name_or_number(rest: Rest, client: MlflowClient, experiment_id: str) -> None:
    run_id = client.create_run(experiment_id).info.run_id
    client.delete_run(run_id)
    for view in ("DELETED_ONLY", 2):
        body = rest.ok(
            "POST", f"{R}/search", json={"experiment_ids": [experiment_id], "run_view_type": view}
        )
        assert [r["info"]["run_id"] for r in body["runs"]] == [run_id]
    rest.ok("POST", f"{R}/restore", json={"run_id": run_id})
    rest.ok("POST", f"{R}/update", json={"run_id": run_id, "status": 5})  # 5 = KILLED
    assert _get_run(rest, run_id)["info"]["status"] == "KILLED"


def test_int64_as_numeric_strings(rest: Rest, experiment_id: str) -> None:
    info = rest.ok(
        "POST",
        f"{R}/create",
        json={"experiment_id": experiment_id, "start_time": "1700000000000"},
    )["run"]["info"]
    run_id = info["run_id"]
    rest.ok(
        "POST",
        f"{R}/log-metric",
        json={
            "run_id": run_id,
            "key": "m",
            "value": "0.25",
            "timestamp": "1700000000001",
            "step": "3",
        },
    )
    run = _get_run(rest, run_id)
    # int64 fields come back as JSON numbers, ids as strings
    assert run["info"]["start_time"] == 1_700_000_000_000
    assert isinstance(run["info"]["start_time"], int)
    assert isinstance(run["info"]["experiment_id"], str)
    (metric,) = run["data"]["metrics"]
    assert metric == {"key": "m", "value": 0.25, "timestamp": 1_700_000_000_001, "step": 3}
    assert isinstance(metric["timestamp"], int) and isinstance(metric["step"], int)


def _is_pos_inf(value: object) -> bool:
    return value in ("Infinity", math.inf, sys.float_info.max)


def _is_neg_inf(value: object) -> bool:
    return value in ("-Infinity", -math.inf, -sys.float_info.max)


def test_nan_and_infinity_strings(client: MlflowClient, rest: Rest, run_id: str) -> None:
    for key, value in (("nan", "NaN"), ("pinf", "Infinity"), ("ninf", "-Infinity")):
        rest.ok(
            "POST",
            f"{R}/log-metric",
            json={"run_id": run_id, "key": key, "value": value, "timestamp": 1},
        )
    rest.ok(
        "POST",
        f"{R}/log-batch",
        json={
            "run_id": run_id,
            "metrics": [{"key": "batch-nan", "value": "NaN", "timestamp": 1, "step": 0}],
        },
    )
    wire = {m["key"]: m["value"] for m in _get_run(rest, run_id)["data"]["metrics"]}
    assert wire["nan"] == "NaN"
    assert wire["batch-nan"] == "NaN"
    assert _is_pos_inf(wire["pinf"]), wire
    assert _is_neg_inf(wire["ninf"]), wire

    metrics = client.get_run(run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert _is_pos_inf(metrics["pinf"])
    assert _is_neg_inf(metrics["ninf"])


def test_empty_bodies(rest: Rest) -> None:
    assert rest.ok("POST", f"{R}/search", json={}).get("runs", []) == []
    resp = rest.session.post(rest.url(f"{R}/search"), data=b"", headers=JSON, timeout=60)
    assert resp.status_code == 200, resp.text
    assert resp.json().get("runs", []) == []
    # an empty body is {} too, so a required field is reported missing
    resp = rest.session.post(rest.url(f"{E}/create"), data=b"", headers=JSON, timeout=60)
    rest.assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_content_type_parameters_are_ignored(rest: Rest, unique_name: str) -> None:
    resp = rest.session.post(
        rest.url(f"{E}/create"),
        data=json.dumps({"name": unique_name}),
        headers={"Content-Type": "application/json; charset=utf-8"},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    assert isinstance(resp.json()["experiment_id"], str)


def test_get_without_query_reads_json_body(rest: Rest, run_id: str) -> None:
    resp = rest.session.get(
        rest.url(f"{R}/get"), data=json.dumps({"run_id": run_id}), headers=JSON, timeout=60
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["run"]["info"]["run_id"] == run_id


def test_double_encoded_json_body(rest: Rest, experiment_id: str) -> None:
    inner = json.dumps({"experiment_id": experiment_id, "run_name": "legacy"})
    resp = rest.session.post(
        rest.url(f"{R}/create"), data=json.dumps(inner), headers=JSON, timeout=60
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["run"]["info"]["run_name"] == "legacy"


def test_unknown_fields_are_ignored(rest: Rest, experiment_id: str) -> None:
    body = rest.ok(
        "POST",
        f"{R}/create",
        json={"experiment_id": experiment_id, "run_name": "x", "from_the_future": {"a": 1}},
    )
    assert body["run"]["info"]["run_name"] == "x"


def test_empty_fields_are_omitted(rest: Rest, unique_name: str) -> None:
    exp_id = rest.ok("POST", f"{E}/create", json={"name": unique_name})["experiment_id"]
    experiment = rest.ok("GET", f"{E}/get", params={"experiment_id": exp_id})["experiment"]
    assert "tags" not in experiment
    assert experiment["experiment_id"] == exp_id

    created = rest.ok("POST", f"{R}/create", json={"experiment_id": exp_id})["run"]
    run_id = created["info"]["run_id"]
    run = _get_run(rest, run_id)
    info, data = run["info"], run["data"]
    assert info["status"] == "RUNNING"
    assert "end_time" not in info
    assert "metrics" not in data
    assert "params" not in data
    assert data["tags"] == [{"key": "mlflow.runName", "value": info["run_name"]}]
    assert run.get("inputs", {}) == {}
    assert run.get("outputs", {}) == {}

    rest.ok("POST", f"{R}/update", json={"run_id": run_id, "status": "FINISHED", "end_time": 5})
    assert _get_run(rest, run_id)["info"]["end_time"] == 5


def test_run_info_shape(rest: Rest, experiment_id: str) -> None:
    info = rest.ok(
        "POST", f"{R}/create", json={"experiment_id": experiment_id, "start_time": 1_000}
    )["run"]["info"]
    assert info["run_uuid"] == info["run_id"]
    assert info["experiment_id"] == experiment_id
    assert info["status"] == "RUNNING"
    assert info["lifecycle_stage"] == "active"
    assert info["start_time"] == 1_000
    assert info["artifact_uri"] == f"mlflow-artifacts:/{experiment_id}/{info['run_id']}/artifacts"
    assert isinstance(info["run_name"], str) and info["run_name"]


def test_responses_are_json(rest: Rest, run_id: str) -> None:
    resp = rest.get(f"{R}/get", params={"run_id": run_id})
    assert resp.headers["Content-Type"].startswith("application/json")
    resp = rest.post(f"{R}/set-tag", json={"run_id": run_id, "key": "k", "value": "v"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {}
