"""search_runs: the filter grammar of §5.1, ordering, paging, view types, and the DataFrame API."""

from __future__ import annotations

import math
from dataclasses import dataclass

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException

from .rest import Rest

pytestmark = pytest.mark.compat


@dataclass(frozen=True)
class Runs:
    """Five runs with known data; ``ids["alpha"]`` is the run named alpha."""

    experiment_id: str
    experiment_name: str
    ids: dict[str, str]

    def names(self, run_ids: list[str]) -> list[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id[r] for r in run_ids]


# name: (start_time, end status or None, metrics, params, tags)
RUNS = {
    "alpha": (1_000, "FINISHED", {"acc": 0.9, "loss": 0.1}, {"lr": "0.1", "opt": "adam"},
              {"team": "a", "env": "prod"}),
    "beta": (2_000, "FINISHED", {"acc": 0.5, "loss": 0.4}, {"lr": "0.01", "opt": "sgd"},
             {"team": "b"}),
    "gamma": (3_000, None, {"acc": 0.7}, {"lr": "0.1", "opt": "Adam"},
              {"team": "a", "env": "dev"}),
    "delta": (4_000, "FAILED", {"nanm": math.nan}, {}, {}),
    "Alpha-2": (5_000, "KILLED", {"acc": 1.0, "loss": 0.0}, {"lr": "1e-3"}, {"team": "c"}),
}  # fmt: skip


@pytest.fixture
def runs(client: MlflowClient, unique_name: str) -> Runs:
    experiment_id = client.create_experiment(unique_name)
    ids = {}
    for name, (start, status, metrics, params, tags) in RUNS.items():
        run_id = client.create_run(experiment_id, start_time=start, run_name=name).info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric(k, v, start + 1, 0) for k, v in metrics.items()],
            params=[Param(k, v) for k, v in params.items()],
            tags=[RunTag(k, v) for k, v in tags.items()],
        )
        if status:
            client.set_terminated(run_id, status=status, end_time=start + 1_000)
        ids[name] = run_id
    return Runs(experiment_id, unique_name, ids)


def _search(client: MlflowClient, runs: Runs, filter_string: str = "", **kwargs) -> list[str]:
    found = client.search_runs([runs.experiment_id], filter_string, **kwargs)
    return runs.names([r.info.run_id for r in found])


FILTERS = [
    # metrics: numeric comparisons against the latest value
    ("metrics.acc = 0.9", {"alpha"}),
    ("metrics.acc != 0.9", {"beta", "gamma", "Alpha-2"}),
    ("metrics.acc > 0.7", {"alpha", "Alpha-2"}),
    ("metrics.acc >= 0.7", {"alpha", "gamma", "Alpha-2"}),
    ("metrics.acc < 0.7", {"beta"}),
    ("metrics.acc <= 0.7", {"beta", "gamma"}),
    ("metrics.loss <= 0.1", {"alpha", "Alpha-2"}),
    ("metric.acc > 0.95", {"Alpha-2"}),
    ("metrics.`acc` = 0.5", {"beta"}),
    # params
    ("params.lr = '0.1'", {"alpha", "gamma"}),
    ("params.lr != '0.1'", {"beta", "Alpha-2"}),
    ("params.lr LIKE '0.%'", {"alpha", "beta", "gamma"}),
    ("params.opt LIKE 'adam'", {"alpha"}),
    ("params.opt ILIKE 'ADAM'", {"alpha", "gamma"}),
    ("params.lr IS NULL", {"delta"}),
    ("params.lr IS NOT NULL", {"alpha", "beta", "gamma", "Alpha-2"}),
    ('params.opt = "sgd"', {"beta"}),
    ("param.lr = '1e-3'", {"Alpha-2"}),
    ("parameter.lr = '0.01'", {"beta"}),
    ("parameters.lr = '0.01'", {"beta"}),
    # tags
    ("tags.team = 'a'", {"alpha", "gamma"}),
    ("tags.team != 'a'", {"beta", "Alpha-2"}),
    ("tags.team LIKE '%'", {"alpha", "beta", "gamma", "Alpha-2"}),
    ("tags.team ILIKE 'A'", {"alpha", "gamma"}),
    ("tags.env IS NULL", {"beta", "delta", "Alpha-2"}),
    ("tags.env IS NOT NULL", {"alpha", "gamma"}),
    ("tag.env = 'dev'", {"gamma"}),
    ("tags.`mlflow.runName` = 'beta'", {"beta"}),
    ("tags.\"mlflow.runName\" = 'gamma'", {"gamma"}),
    # attributes
    ("attributes.run_name = 'alpha'", {"alpha"}),
    ("run_name LIKE 'alpha%'", {"alpha"}),
    ("attributes.run_name ILIKE 'alpha%'", {"alpha", "Alpha-2"}),
    ("attributes.status = 'FINISHED'", {"alpha", "beta"}),
    ("status != 'RUNNING'", {"alpha", "beta", "delta", "Alpha-2"}),
    ("attribute.status = 'FAILED'", {"delta"}),
    ("attr.status = 'KILLED'", {"Alpha-2"}),
    ("run.status = 'RUNNING'", {"gamma"}),
    ("attributes.start_time > 2000", {"gamma", "delta", "Alpha-2"}),
    ("attributes.start_time >= 2000", {"beta", "gamma", "delta", "Alpha-2"}),
    ("attributes.start_time = 1000", {"alpha"}),
    ("attributes.start_time != 1000", {"beta", "gamma", "delta", "Alpha-2"}),
    ("attributes.created < 3000", {"alpha", "beta"}),
    ("attributes.start_time <= 1000", {"alpha"}),
    ("attributes.end_time < 3500", {"alpha", "beta"}),
    # combinations
    ("metrics.acc > 0.6 AND params.lr = '0.1' AND tags.team = 'a'", {"alpha", "gamma"}),
    ("metrics.acc > 0.6 and params.lr = '0.1' and attributes.status = 'FINISHED'", {"alpha"}),
    ("", {"alpha", "beta", "gamma", "delta", "Alpha-2"}),
]


@pytest.mark.parametrize(("filter_string", "expected"), FILTERS, ids=[f for f, _ in FILTERS])
def test_filter(client: MlflowClient, runs: Runs, filter_string: str, expected: set[str]) -> None:
    assert set(_search(client, runs, filter_string)) == expected


def test_filter_on_run_id(client: MlflowClient, runs: Runs) -> None:
    alpha, beta = runs.ids["alpha"], runs.ids["beta"]
    assert _search(client, runs, f"attributes.run_id = '{alpha}'") == ["alpha"]
    assert set(_search(client, runs, f"attributes.run_id IN ('{alpha}', '{beta}')")) == {
        "alpha",
        "beta",
    }
    assert set(_search(client, runs, f"attributes.run_id NOT IN ('{alpha}', '{beta}')")) == {
        "gamma",
        "delta",
        "Alpha-2",
    }
    assert set(_search(client, runs, f"attributes.run_id != '{alpha}'")) == set(RUNS) - {"alpha"}
    assert _search(client, runs, f"attributes.run_id LIKE '{alpha[:20]}%'") == ["alpha"]
    assert _search(client, runs, f"attributes.run_id ILIKE '{alpha.upper()}'") == ["alpha"]


def test_filter_on_artifact_uri_and_user(client: MlflowClient, runs: Runs) -> None:
    gamma = runs.ids["gamma"]
    assert _search(client, runs, f"attributes.artifact_uri LIKE '%{gamma}%'") == ["gamma"]
    user = client.get_run(gamma).info.user_id
    assert set(_search(client, runs, f"attributes.user_id = '{user}'")) == set(RUNS)


def test_filter_on_run_name_alias(client: MlflowClient, runs: Runs) -> None:
    assert _search(client, runs, "attributes.`Run name` = 'beta'") == ["beta"]


def test_default_order_is_newest_first(client: MlflowClient, runs: Runs) -> None:
    assert _search(client, runs) == ["Alpha-2", "delta", "gamma", "beta", "alpha"]


ORDERS = [
    (["metrics.acc DESC"], ["Alpha-2", "alpha", "gamma", "beta", "delta"]),
    (["metrics.acc ASC"], ["beta", "gamma", "alpha", "Alpha-2", "delta"]),
    (["metrics.acc"], ["beta", "gamma", "alpha", "Alpha-2", "delta"]),
    (["params.lr ASC", "start_time DESC"], ["beta", "gamma", "alpha", "Alpha-2", "delta"]),
    (["attributes.run_name ASC"], ["Alpha-2", "alpha", "beta", "delta", "gamma"]),
    (["run_name DESC"], ["gamma", "delta", "beta", "alpha", "Alpha-2"]),
    (["start_time ASC"], ["alpha", "beta", "gamma", "delta", "Alpha-2"]),
    (["attributes.start_time desc"], ["Alpha-2", "delta", "gamma", "beta", "alpha"]),
    (["tags.team DESC", "start_time ASC"], ["Alpha-2", "beta", "alpha", "gamma", "delta"]),
    (["status ASC", "start_time ASC"], ["delta", "alpha", "beta", "Alpha-2", "gamma"]),
]


@pytest.mark.parametrize(("order_by", "expected"), ORDERS, ids=[",".join(o) for o, _ in ORDERS])
def test_order_by(
    client: MlflowClient, runs: Runs, order_by: list[str], expected: list[str]
) -> None:
    assert _search(client, runs, order_by=order_by) == expected


def test_max_results(client: MlflowClient, runs: Runs) -> None:
    assert _search(client, runs, max_results=2) == ["Alpha-2", "delta"]
    assert _search(client, runs, order_by=["metrics.acc DESC"], max_results=1) == ["Alpha-2"]


@pytest.mark.parametrize("order_by", [None, ["metrics.acc DESC"], ["params.lr ASC"]])
def test_paging_returns_every_run_once(
    client: MlflowClient, runs: Runs, order_by: list[str] | None
) -> None:
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = client.search_runs(
            [runs.experiment_id], max_results=2, order_by=order_by, page_token=token
        )
        pages += 1
        assert len(page) <= 2
        seen += [r.info.run_id for r in page]
        token = page.token
        if not token:
            break
    assert pages == 3
    assert sorted(seen) == sorted(runs.ids.values())
    unpaged = [r.info.run_id for r in client.search_runs([runs.experiment_id], order_by=order_by)]
    assert seen == unpaged


def test_view_types(client: MlflowClient, runs: Runs) -> None:
    client.delete_run(runs.ids["beta"])
    active = _search(client, runs, run_view_type=ViewType.ACTIVE_ONLY)
    assert set(active) == set(RUNS) - {"beta"}
    assert _search(client, runs, run_view_type=ViewType.DELETED_ONLY) == ["beta"]
    assert set(_search(client, runs, run_view_type=ViewType.ALL)) == set(RUNS)
    assert _search(client, runs, "params.lr = '0.01'", run_view_type=ViewType.ALL) == ["beta"]


def test_search_over_several_experiments(
    client: MlflowClient, runs: Runs, unique_name: str
) -> None:
    other = client.create_experiment(f"{unique_name}-other")
    extra = client.create_run(other, start_time=9_000, run_name="extra").info.run_id
    found = client.search_runs([runs.experiment_id, other], "attributes.start_time >= 4000")
    assert [r.info.run_id for r in found] == [extra, runs.ids["Alpha-2"], runs.ids["delta"]]


def test_searched_runs_carry_their_data(client: MlflowClient, runs: Runs) -> None:
    (run,) = client.search_runs([runs.experiment_id], "attributes.run_name = 'alpha'")
    assert run.info.run_id == runs.ids["alpha"]
    assert run.info.status == "FINISHED"
    assert run.info.end_time == 2_000
    assert run.data.metrics == {"acc": 0.9, "loss": 0.1}
    assert run.data.params == {"lr": "0.1", "opt": "adam"}
    assert run.data.tags["team"] == "a"
    assert run.data.tags["mlflow.runName"] == "alpha"


def test_fluent_search_runs_dataframe(runs: Runs, tracking_uri: str) -> None:
    df = mlflow.search_runs(experiment_ids=[runs.experiment_id])
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 5
    for column in (
        "run_id",
        "experiment_id",
        "status",
        "artifact_uri",
        "start_time",
        "end_time",
        "metrics.acc",
        "metrics.loss",
        "params.lr",
        "params.opt",
        "tags.team",
        "tags.mlflow.runName",
    ):
        assert column in df.columns, column
    assert list(df["tags.mlflow.runName"]) == ["Alpha-2", "delta", "gamma", "beta", "alpha"]
    row = df.set_index("tags.mlflow.runName").loc["alpha"]
    assert row["run_id"] == runs.ids["alpha"]
    assert row["experiment_id"] == runs.experiment_id
    assert row["status"] == "FINISHED"
    assert row["metrics.acc"] == 0.9
    assert row["params.lr"] == "0.1"
    assert row["tags.team"] == "a"
    assert row["start_time"] == pd.Timestamp(1_000, unit="ms", tz="UTC")


def test_fluent_search_runs_by_experiment_name(runs: Runs, tracking_uri: str) -> None:
    df = mlflow.search_runs(
        experiment_names=[runs.experiment_name],
        filter_string="metrics.acc >= 0.7",
        order_by=["metrics.acc DESC"],
    )
    assert list(df["run_id"]) == [runs.ids[n] for n in ("Alpha-2", "alpha", "gamma")]
    as_list = mlflow.search_runs(
        experiment_names=[runs.experiment_name], output_format="list", max_results=2
    )
    assert [r.info.run_id for r in as_list] == [runs.ids["Alpha-2"], runs.ids["delta"]]


BAD_FILTERS = [
    "params.lr = 0.1",  # unquoted string value
    "metrics.acc = '0.9'",  # quoted numeric value
    "metrics.acc LIKE 0.9",
    "tags.team > 'a'",
    "foo.bar = 'x'",
    "attributes.nope = 'x'",
    "attributes.lifecycle_stage = 'active'",
    "metrics.acc >",
    "attributes.start_time = 'yesterday'",
]


@pytest.mark.parametrize("filter_string", BAD_FILTERS)
def test_bad_filter_is_invalid_parameter(
    client: MlflowClient, runs: Runs, filter_string: str
) -> None:
    with pytest.raises(MlflowException) as info:
        client.search_runs([runs.experiment_id], filter_string)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize(
    "order_by", ["metrics.acc SIDEWAYS", "nope.x ASC", "attributes.nope", "metrics.acc DESC ASC"]
)
def test_bad_order_by_is_invalid_parameter(client: MlflowClient, runs: Runs, order_by: str) -> None:
    with pytest.raises(MlflowException) as info:
        client.search_runs([runs.experiment_id], order_by=[order_by])
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_raw_search_shapes(rest: Rest, runs: Runs) -> None:
    body = rest.ok(
        "POST",
        "/api/2.0/mlflow/runs/search",
        json={
            "experiment_ids": [runs.experiment_id],
            "filter": "params.lr = '0.1'",
            "order_by": ["start_time ASC"],
            "max_results": 1,
        },
    )
    (run,) = body["runs"]
    assert run["info"]["run_id"] == runs.ids["alpha"]
    assert isinstance(body["next_page_token"], str)
    assert {"key": "acc", "value": 0.9, "timestamp": 1_001, "step": 0} in run["data"]["metrics"]
    assert {"key": "lr", "value": "0.1"} in run["data"]["params"]

    last = rest.ok(
        "POST",
        "/ajax-api/2.0/mlflow/runs/search",
        json={
            "experiment_ids": [runs.experiment_id],
            "filter": "params.lr = '0.1'",
            "order_by": ["start_time ASC"],
            "max_results": 1,
            "page_token": body["next_page_token"],
        },
    )
    assert [r["info"]["run_id"] for r in last["runs"]] == [runs.ids["gamma"]]
    assert "next_page_token" not in last


def test_search_with_no_experiments_is_empty(rest: Rest) -> None:
    body = rest.ok("POST", "/api/2.0/mlflow/runs/search", json={})
    assert body.get("runs", []) == []


# runhub extensions of the grammar (product.md §3): OR, NOT, parentheses, IN everywhere, IS NULL
EXTENDED = [
    ("params.lr = '0.1' OR tags.team = 'b'", {"alpha", "beta", "gamma"}),
    ("(metrics.acc > 0.8 OR metrics.acc < 0.6) AND tags.team != 'c'", {"alpha", "beta"}),
    (
        "metrics.acc > 0.8 OR (params.opt = 'sgd' AND status = 'FINISHED')",
        {"alpha", "beta", "Alpha-2"},
    ),
    ("NOT tags.`mlflow.runName` = 'alpha'", {"beta", "gamma", "delta", "Alpha-2"}),
    ("NOT (attributes.status = 'FINISHED')", {"gamma", "delta", "Alpha-2"}),
    ("params.lr IN ('0.1', '1e-3')", {"alpha", "gamma", "Alpha-2"}),
    ("tags.team IN ('b', 'c')", {"beta", "Alpha-2"}),
    ("tags.`mlflow.runName` NOT IN ('alpha', 'beta')", {"gamma", "delta", "Alpha-2"}),
    ("attributes.run_name IN ('alpha', 'beta')", {"alpha", "beta"}),
    ("attributes.status IN ('FAILED', 'KILLED')", {"delta", "Alpha-2"}),
    ("metrics.acc IS NULL", {"delta"}),
    ("metrics.acc IS NOT NULL", {"alpha", "beta", "gamma", "Alpha-2"}),
]


@pytest.mark.runhub_only
@pytest.mark.parametrize(("filter_string", "expected"), EXTENDED, ids=[f for f, _ in EXTENDED])
def test_extended_filter(
    client: MlflowClient, runs: Runs, filter_string: str, expected: set[str]
) -> None:
    assert set(_search(client, runs, filter_string)) == expected
