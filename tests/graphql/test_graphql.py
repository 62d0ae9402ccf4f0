"""GraphQL queries through the front door: the UI's operations, errors, limits, permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from tests.api.conftest import Api
from tests.api.registry_client import experiment, run
from tests.security.conftest import AuthClient

GET_RUN = """
query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetRun(input: $data) {
    apiError { code message }
    run {
      info { runId runName experimentId status startTime artifactUri lifecycleStage }
      experiment { experimentId name artifactLocation tags { key value } }
      modelVersions { name version status source }
      data { metrics { key value step timestamp } params { key value } tags { key value } }
      inputs { datasetInputs { dataset { name digest } } modelInputs { modelId } }
      outputs { modelOutputs { modelId step } }
    }
  }
}
"""
SEARCH_RUNS = """
query SearchRuns($data: MlflowSearchRunsInput!) {
  mlflowSearchRuns(input: $data) {
    apiError { code message }
    nextPageToken
    runs { info { runId } experiment { name } data { metrics { key value } } }
  }
}
"""


def gql(client: TestClient, query: str, variables: Any = None, status: int = 200) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == status, response.text
    return response.json()


def _run_with_data(api: Api) -> tuple[str, str]:
    exp_id = experiment(api, "exp")
    run_id = run(api, exp_id)["run_id"]
    metrics = [
        {"key": "loss", "value": v, "timestamp": 1700000000000 + i, "step": i}
        for i, v in enumerate([0.5, 0.25, "NaN"])
    ]
    body = {"run_id": run_id, "metrics": metrics, "params": [{"key": "lr", "value": "0.1"}]}
    api.post("runs/log-batch", body)
    return exp_id, run_id


def test_get_run_in_one_round_trip(api: Api) -> None:
    exp_id, run_id = _run_with_data(api)
    api.post("registered-models/create", {"name": "m"})
    source = f"runs:/{run_id}/model"
    api.post("model-versions/create", {"name": "m", "source": source, "run_id": run_id})

    answer = gql(api.client, GET_RUN, {"data": {"runId": run_id}})
    assert answer["errors"] is None
    got = answer["data"]["mlflowGetRun"]
    assert got["apiError"] is None
    found = got["run"]
    assert found["info"]["runId"] == run_id and found["info"]["experimentId"] == exp_id
    assert isinstance(found["info"]["startTime"], str)  # int64 as LongString
    assert found["experiment"]["name"] == "exp"
    assert found["modelVersions"] == [
        {"name": "m", "version": "1", "status": "READY", "source": source}
    ]
    assert found["data"]["params"] == [{"key": "lr", "value": "0.1"}]
    assert found["data"]["metrics"] == [
        {"key": "loss", "value": None, "step": "2", "timestamp": "1700000000002"}
    ]  # the latest value is NaN: null, as MLflow answers

    missing = gql(api.client, GET_RUN, {"data": {"runId": "f" * 32}})["data"]["mlflowGetRun"]
    assert missing["run"] is None
    assert missing["apiError"]["code"] == "RESOURCE_DOES_NOT_EXIST"


def test_search_runs_pages_and_reports_bad_filters(api: Api) -> None:
    exp_id, _ = _run_with_data(api)
    run(api, exp_id)
    data = {"experimentIds": [exp_id], "maxResults": 1, "orderBy": ["start_time DESC"]}
    first = gql(api.client, SEARCH_RUNS, {"data": data})["data"]["mlflowSearchRuns"]
    assert len(first["runs"]) == 1 and first["nextPageToken"]
    assert first["runs"][0]["experiment"] == {"name": "exp"}
    data["pageToken"] = first["nextPageToken"]
    second = gql(api.client, SEARCH_RUNS, {"data": data})["data"]["mlflowSearchRuns"]
    assert len(second["runs"]) == 1 and second["runs"][0] != first["runs"][0]

    filtered = {"experimentIds": [exp_id], "filter": "params.lr = '0.1'", "maxResults": 10}
    found = gql(api.client, SEARCH_RUNS, {"data": filtered})["data"]["mlflowSearchRuns"]
    assert [m["key"] for m in found["runs"][0]["data"]["metrics"]] == ["loss"]

    bad = {"experimentIds": [exp_id], "filter": "metrics.loss <<< 1", "maxResults": 10}
    error = gql(api.client, SEARCH_RUNS, {"data": bad})["data"]["mlflowSearchRuns"]
    assert error["apiError"]["code"] == "INVALID_PARAMETER_VALUE" and error["runs"] is None

    # MLflow also serves the search as a (read-only) mutation.
    mutation = SEARCH_RUNS.replace("query SearchRuns", "mutation SearchRuns")
    assert gql(api.client, mutation, {"data": filtered})["data"]["mlflowSearchRuns"]["runs"]


def test_experiment_metric_intervals_artifacts_and_model_versions(api: Api) -> None:
    exp_id, run_id = _run_with_data(api)
    query = """
    query Q($exp: MlflowGetExperimentInput!, $bulk: MlflowGetMetricHistoryBulkIntervalInput,
            $files: MlflowListArtifactsInput) {
      mlflowGetExperiment(input: $exp) { experiment { experimentId name lifecycleStage } }
      mlflowGetMetricHistoryBulkInterval(input: $bulk) { metrics { runId key value step } }
      mlflowListArtifacts(input: $files) { rootUri files { path isDir } apiError { code } }
      mlflowSearchModelVersions(input: {filter: "name = 'none'"}) { modelVersions { name } }
      test(inputString: "ping") { output }
    }"""
    variables = {
        "exp": {"experimentId": exp_id},
        "bulk": {"runIds": [run_id], "metricKey": "loss", "maxResults": 10},
        "files": {"runId": run_id},
    }
    answer = gql(api.client, query, variables)
    assert answer["errors"] is None
    data = answer["data"]
    assert data["mlflowGetExperiment"]["experiment"] == {
        "experimentId": exp_id,
        "name": "exp",
        "lifecycleStage": "active",
    }
    points = data["mlflowGetMetricHistoryBulkInterval"]["metrics"]
    assert [(p["runId"], p["step"], p["value"]) for p in points] == [
        (run_id, "0", 0.5),
        (run_id, "1", 0.25),
        (run_id, "2", None),
    ]
    assert data["mlflowListArtifacts"]["rootUri"].endswith("/artifacts")
    assert data["mlflowSearchModelVersions"]["modelVersions"] is None
    assert data["test"] == {"output": "ping"}


def test_limits_and_malformed_requests(api: Api) -> None:
    roots = "query { " + 'test(inputString: "a") { output } ' * 11 + "}"
    assert gql(api.client, roots) == {
        "data": None,
        "errors": ["GraphQL queries should have at most 10 root fields."],
    }
    aliases = " ".join(f"a{i}: output" for i in range(11))
    many = gql(api.client, f'query {{ test(inputString: "a") {{ {aliases} }} }}')
    assert many["errors"] == ["GraphQL queries should have at most 10 aliases per level."]
    # 11 levels: the root field, run, then nine nested selections (fragments count too).
    deep = (
        "fragment Deep on MlflowRunInfo { runId }\n"
        "query { mlflowGetRun(input: {}) { run { experiment { tags { key } } "
        + "info { ...Deep } " * 1
        + "} } }"
    )
    assert gql(api.client, deep)["errors"] is None  # within the limits
    level = "{ key }"
    for _ in range(10):
        level = "{ __typename ... on MlflowExperimentTag " + level + " }"
    too_deep = gql(
        api.client, "query { mlflowGetExperiment(input: {}) { experiment { tags " + level + " } } }"
    )
    assert too_deep == {
        "data": None,
        "errors": ["GraphQL queries should have at most 10 levels of nesting."],
    }
    wide = 'query { test(inputString: "a") { ' + "output " * 1001 + "} }"
    assert gql(api.client, wide)["errors"] == [
        "GraphQL queries should have at most 1000 selections."
    ]

    batch = api.client.post("/graphql", json=[{"query": "{ test { output } }"}] * 2)
    assert batch.status_code == 200 and "batching" in batch.json()["errors"][0]
    garbage = api.client.post("/graphql", content=b"{nope", headers={"content-type": "text/x"})
    assert garbage.status_code == 200 and garbage.json()["data"] is None
    syntax = gql(api.client, "query { test(")
    assert syntax["data"] is None and "Syntax Error" in syntax["errors"][0]
    unknown = gql(api.client, "query { mlflowDeleteRun { ok } }")
    assert unknown["data"] is None and "mlflowDeleteRun" in unknown["errors"][0]
    no_query = api.client.post("/graphql", json={"variables": {}})
    assert no_query.json()["errors"] == [
        "The request body must be a JSON object with a 'query' string."
    ]


def test_permissions_follow_the_rest_rules(make_auth_client: Callable[..., AuthClient]) -> None:
    auth = make_auth_client("NO_PERMISSIONS")
    admin = auth.admin()
    exp_id = admin.post("/api/2.0/mlflow/experiments/create", json={"name": "secret"}).json()[
        "experiment_id"
    ]
    created = admin.post("/api/2.0/mlflow/runs/create", json={"experiment_id": exp_id})
    run_id = created.json()["run"]["info"]["run_id"]
    alice = auth.create_user("alice", "alice-password-1234")

    def as_alice(query: str, variables: Any) -> Any:
        return gql(auth.as_user(*alice), query, variables)

    denied = as_alice(GET_RUN, {"data": {"runId": run_id}})["data"]["mlflowGetRun"]
    assert denied == {
        "apiError": {"code": "PERMISSION_DENIED", "message": "Permission denied"},
        "run": None,
    }
    hidden = as_alice(SEARCH_RUNS, {"data": {"experimentIds": [exp_id], "maxResults": 10}})
    assert hidden["data"]["mlflowSearchRuns"]["runs"] is None
    experiment_query = """query E($id: String) {
      mlflowGetExperiment(input: {experimentId: $id}) { apiError { code } }
    }"""
    no_exp = as_alice(experiment_query, {"id": exp_id})
    assert no_exp["data"]["mlflowGetExperiment"]["apiError"]["code"] == "PERMISSION_DENIED"
    assert (
        auth.anonymous().post("/graphql", json={"query": "{ test { output } }"}).status_code == 401
    )

    auth.grant("alice", exp_id, "READ")
    allowed = as_alice(GET_RUN, {"data": {"runId": run_id}})["data"]["mlflowGetRun"]
    assert allowed["run"]["info"]["runId"] == run_id
    found = as_alice(SEARCH_RUNS, {"data": {"experimentIds": [exp_id], "maxResults": 10}})
    assert [r["info"]["runId"] for r in found["data"]["mlflowSearchRuns"]["runs"]] == [run_id]


def test_bodies_past_the_decoder_limits_are_errors_not_500s(api: Api) -> None:
    for body in (
        b'{"query": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"query": "\\ud800", "x": NaN}',
    ):
        response = api.client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"] is None and response.json()["errors"]
