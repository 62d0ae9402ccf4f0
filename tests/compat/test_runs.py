"""The six run routes, through ``MlflowClient`` and the fluent ``start_run``/``end_run``."""

from __future__ import annotations

import time

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import RunStatus, ViewType
from mlflow.exceptions import MlflowException

from .rest import Rest

pytestmark = pytest.mark.compat


def _now_ms() -> int:
    return int(time.time() * 1000)


def test_create_without_name_generates_one(client: MlflowClient, experiment_id: str) -> None:
    before = _now_ms()
    run = client.create_run(experiment_id)
    info = run.info
    assert info.run_name, "the server must generate a run name"
    assert run.data.tags["mlflow.runName"] == info.run_name
    assert info.experiment_id == experiment_id
    assert info.status == "RUNNING"
    assert info.lifecycle_stage == "active"
    assert info.end_time is None
    assert before - 5000 <= info.start_time <= _now_ms() + 5000
    assert info.artifact_uri.endswith(f"/{info.run_id}/artifacts")

    fetched = client.get_run(info.run_id)
    assert fetched.info.run_name == info.run_name
    assert fetched.data.tags["mlflow.runName"] == info.run_name


def test_generated_names_differ(client: MlflowClient, experiment_id: str) -> None:
    names = {client.create_run(experiment_id).info.run_name for _ in range(5)}
    assert len(names) == 5


def test_create_with_name_start_time_and_tags(client: MlflowClient, experiment_id: str) -> None:
    run = client.create_run(
        experiment_id,
        start_time=1_700_000_000_123,
        tags={"team": "nlp", "説明": "テスト 🧪"},
        run_name="named-run",
    )
    got = client.get_run(run.info.run_id)
    assert got.info.run_name == "named-run"
    assert got.info.start_time == 1_700_000_000_123
    assert got.data.tags["team"] == "nlp"
    assert got.data.tags["説明"] == "テスト 🧪"
    assert got.data.tags["mlflow.runName"] == "named-run"
    assert got.data.metrics == {}
    assert got.data.params == {}


def test_create_in_unknown_experiment_fails(client: MlflowClient) -> None:
    with pytest.raises(MlflowException) as info:
        client.create_run("987654321")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_update_status_end_time_and_name(client: MlflowClient, experiment_id: str) -> None:
    run_id = client.create_run(experiment_id, run_name="before").info.run_id

    client.update_run(run_id, name="after")
    got = client.get_run(run_id)
    assert got.info.run_name == "after"
    assert got.data.tags["mlflow.runName"] == "after"
    assert got.info.status == "RUNNING"

    client.set_terminated(run_id, status="FINISHED", end_time=1_800_000_000_000)
    got = client.get_run(run_id)
    assert got.info.status == "FINISHED"
    assert got.info.end_time == 1_800_000_000_000
    assert got.info.run_name == "after"

    client.update_run(run_id, status="KILLED")
    assert client.get_run(run_id).info.status == "KILLED"


def test_delete_and_restore(client: MlflowClient, experiment_id: str) -> None:
    keep = client.create_run(experiment_id).info.run_id
    gone = client.create_run(experiment_id).info.run_id
    client.delete_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "deleted"

    def ids(view: int) -> set[str]:
        return {r.info.run_id for r in client.search_runs([experiment_id], run_view_type=view)}

    assert ids(ViewType.ACTIVE_ONLY) == {keep}
    assert ids(ViewType.DELETED_ONLY) == {gone}
    assert ids(ViewType.ALL) == {keep, gone}

    client.restore_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "active"
    assert ids(ViewType.ACTIVE_ONLY) == {keep, gone}


def test_get_unknown_run_is_404(client: MlflowClient) -> None:
    with pytest.raises(MlflowException) as info:
        client.get_run("0123456789abcdef0123456789abcdef")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert info.value.get_http_status_code() == 404


def test_delete_unknown_run_fails(client: MlflowClient) -> None:
    with pytest.raises(MlflowException) as info:
        client.delete_run("0123456789abcdef0123456789abcdef")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_run_name_contradicting_its_tag_is_rejected(rest: Rest, experiment_id: str) -> None:
    resp = rest.post(
        "/api/2.0/mlflow/runs/create",
        json={
            "experiment_id": experiment_id,
            "run_name": "one",
            "tags": [{"key": "mlflow.runName", "value": "two"}],
        },
    )
    rest.assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_start_run_and_end_run(client: MlflowClient, experiment_id: str, tracking_uri: str) -> None:
    run = mlflow.start_run(experiment_id=experiment_id, run_name="fluent", tags={"k": "v"})
    run_id = run.info.run_id
    assert mlflow.active_run().info.run_id == run_id
    mlflow.end_run()
    assert mlflow.active_run() is None

    got = client.get_run(run_id)
    assert got.info.status == "FINISHED"
    assert got.info.end_time is not None and got.info.end_time >= got.info.start_time
    assert got.info.run_name == "fluent"
    assert got.data.tags["k"] == "v"
    # The fluent API records who and what started the run.
    assert "mlflow.user" in got.data.tags
    assert "mlflow.source.name" in got.data.tags


def test_nested_runs_carry_the_parent_id(
    client: MlflowClient, experiment_id: str, tracking_uri: str
) -> None:
    with mlflow.start_run(experiment_id=experiment_id) as parent:
        with mlflow.start_run(experiment_id=experiment_id, nested=True) as child_a:
            pass
        with mlflow.start_run(experiment_id=experiment_id, nested=True) as child_b:
            pass
    parent_id = parent.info.run_id
    for child in (child_a, child_b):
        got = client.get_run(child.info.run_id)
        assert got.data.tags["mlflow.parentRunId"] == parent_id
        assert got.info.status == "FINISHED"
    assert "mlflow.parentRunId" not in client.get_run(parent_id).data.tags

    children = client.search_runs(
        [experiment_id], filter_string=f"tags.mlflow.parentRunId = '{parent_id}'"
    )
    assert {r.info.run_id for r in children} == {child_a.info.run_id, child_b.info.run_id}
    assert client.get_parent_run(child_a.info.run_id).info.run_id == parent_id


def test_exception_in_context_marks_run_failed(
    client: MlflowClient, experiment_id: str, tracking_uri: str
) -> None:
    with pytest.raises(ZeroDivisionError), mlflow.start_run(experiment_id=experiment_id) as run:
        _ = 1 / 0
    got = client.get_run(run.info.run_id)
    assert got.info.status == RunStatus.to_string(RunStatus.FAILED)
    assert got.info.end_time is not None


def test_update_run_raw_response_has_run_info(rest: Rest, experiment_id: str) -> None:
    run = rest.ok("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": experiment_id})
    run_id = run["run"]["info"]["run_id"]
    body = rest.ok(
        "POST",
        "/api/2.0/mlflow/runs/update",
        json={"run_id": run_id, "status": "FINISHED", "end_time": 1_800_000_000_001},
    )
    info = body["run_info"]
    assert info["run_id"] == run_id
    assert info["status"] == "FINISHED"
    assert info["end_time"] == 1_800_000_000_001


@pytest.mark.parametrize("prefix", ["/api", "/ajax-api"])
def test_run_routes_under_both_prefixes(rest: Rest, experiment_id: str, prefix: str) -> None:
    base = f"{prefix}/2.0/mlflow/runs"
    created = rest.ok(
        "POST",
        f"{base}/create",
        json={"experiment_id": experiment_id, "run_name": "raw", "start_time": 1_700_000_000_000},
    )["run"]
    run_id = created["info"]["run_id"]
    assert created["info"]["run_name"] == "raw"
    assert created["data"]["tags"] == [{"key": "mlflow.runName", "value": "raw"}]

    got = rest.ok("GET", f"{base}/get", params={"run_id": run_id})["run"]
    assert got["info"]["start_time"] == 1_700_000_000_000
    assert rest.ok("POST", f"{base}/delete", json={"run_id": run_id}) == {}
    assert (
        rest.ok("GET", f"{base}/get", params={"run_id": run_id})["run"]["info"]["lifecycle_stage"]
        == "deleted"
    )
    assert rest.ok("POST", f"{base}/restore", json={"run_id": run_id}) == {}
    found = rest.ok("POST", f"{base}/search", json={"experiment_ids": [experiment_id]})
    assert [r["info"]["run_id"] for r in found["runs"]] == [run_id]
