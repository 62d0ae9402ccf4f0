"""Metric history reads: get-history (paged), get-history-bulk-interval and get-history-bulk."""

from __future__ import annotations

from collections import defaultdict

import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric

from .rest import Rest

pytestmark = pytest.mark.compat

HISTORY = "/api/2.0/mlflow/metrics/get-history"
BULK_INTERVAL = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
BULK = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"
METRIC_FIELDS = {"key", "value", "timestamp", "step", "run_id"}


def test_history_longer_than_one_client_page(
    client: MlflowClient, rest: Rest, experiment_id: str
) -> None:
    # The client asks for 25,000 points a page and follows next_page_token until it is gone.
    n = 25_500
    run_id = client.create_run(experiment_id).info.run_id
    client.log_batch(run_id, metrics=[Metric("long", i * 0.5, 1_000_000 + i, i) for i in range(n)])

    first_page = rest.ok(
        "GET", HISTORY, params={"run_id": run_id, "metric_key": "long", "max_results": 25_000}
    )
    assert len(first_page["metrics"]) == 25_000
    assert first_page["next_page_token"]

    history = client.get_metric_history(run_id, "long")
    assert len(history) == n
    assert [m.step for m in history] == list(range(n))
    assert [m.timestamp for m in history] == [1_000_000 + i for i in range(n)]
    assert all(m.value == m.step * 0.5 for m in history)
    assert {m.key for m in history} == {"long"}
    assert client.get_run(run_id).data.metrics["long"] == (n - 1) * 0.5


def test_history_pages_with_small_max_results(
    client: MlflowClient, rest: Rest, experiment_id: str
) -> None:
    run_id = client.create_run(experiment_id).info.run_id
    client.log_batch(run_id, metrics=[Metric("m", float(i), 1_000 + i, i) for i in range(7)])
    steps: list[int] = []
    token = None
    pages = 0
    while True:
        params = {"run_id": run_id, "metric_key": "m", "max_results": 3}
        if token:
            params["page_token"] = token
        page = rest.ok("GET", HISTORY, params=params)
        pages += 1
        assert len(page["metrics"]) <= 3
        for point in page["metrics"]:
            assert {"key", "value", "timestamp", "step"} <= set(point)
        steps += [p["step"] for p in page["metrics"]]
        token = page.get("next_page_token")
        if not token:
            break
    assert pages == 3
    assert steps == list(range(7))


def test_history_without_max_results_is_whole(
    client: MlflowClient, rest: Rest, experiment_id: str
) -> None:
    run_id = client.create_run(experiment_id).info.run_id
    client.log_batch(run_id, metrics=[Metric("m", float(i), 1_000 + i, i) for i in range(40)])
    body = rest.ok("GET", HISTORY, params={"run_id": run_id, "metric_key": "m"})
    assert [p["step"] for p in body["metrics"]] == list(range(40))
    assert "next_page_token" not in body


def test_history_of_unknown_key_is_empty(
    client: MlflowClient, rest: Rest, experiment_id: str
) -> None:
    run_id = client.create_run(experiment_id).info.run_id
    assert client.get_metric_history(run_id, "never-logged") == []
    body = rest.ok("GET", HISTORY, params={"run_id": run_id, "metric_key": "never-logged"})
    assert body.get("metrics", []) == []


@pytest.fixture
def two_runs(client: MlflowClient, experiment_id: str) -> dict[str, dict[int, float]]:
    """Two runs logging ``m``: steps 0..49 and steps 0, 3, ..., 87. Maps run → step → value."""
    logged: dict[str, dict[int, float]] = {}
    for count, stride in ((50, 1), (30, 3)):
        run_id = client.create_run(experiment_id).info.run_id
        points = {i * stride: float(i * stride) * 1.5 for i in range(count)}
        client.log_batch(run_id, metrics=[Metric("m", v, 1_000 + s, s) for s, v in points.items()])
        logged[run_id] = points
    return logged


def _by_run(metrics: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for point in metrics:
        grouped[point["run_id"]].append(point)
    return grouped


@pytest.mark.parametrize("prefix", ["/ajax-api", "/api"])
def test_bulk_interval_samples_each_run(
    rest: Rest, two_runs: dict[str, dict[int, float]], prefix: str
) -> None:
    path = f"{prefix}/2.0/mlflow/metrics/get-history-bulk-interval"
    params = [("run_ids", r) for r in two_runs] + [("metric_key", "m"), ("max_results", "10")]
    body = rest.ok("GET", path, params=params)
    grouped = _by_run(body["metrics"])
    assert set(grouped) == set(two_runs)
    for run_id, points in grouped.items():
        logged = two_runs[run_id]
        steps = [p["step"] for p in points]
        assert 2 <= len(points) <= 10
        assert steps == sorted(set(steps))
        assert steps[0] == min(logged) and steps[-1] == max(logged)
        for p in points:
            assert set(p) == METRIC_FIELDS
            assert p["key"] == "m"
            assert p["value"] == logged[p["step"]]
            assert p["timestamp"] == 1_000 + p["step"]


def test_bulk_interval_returns_everything_when_it_fits(
    rest: Rest, two_runs: dict[str, dict[int, float]]
) -> None:
    params = [("run_ids", r) for r in two_runs] + [("metric_key", "m"), ("max_results", "100")]
    grouped = _by_run(rest.ok("GET", BULK_INTERVAL, params=params)["metrics"])
    for run_id, logged in two_runs.items():
        assert [p["step"] for p in grouped[run_id]] == sorted(logged)


def test_bulk_interval_step_window(rest: Rest, two_runs: dict[str, dict[int, float]]) -> None:
    run_id = next(iter(two_runs))  # steps 0..49
    params = [
        ("run_ids", run_id),
        ("metric_key", "m"),
        ("max_results", "5"),
        ("start_step", "10"),
        ("end_step", "20"),
    ]
    steps = [p["step"] for p in rest.ok("GET", BULK_INTERVAL, params=params)["metrics"]]
    assert 2 <= len(steps) <= 5
    assert steps[0] == 10 and steps[-1] == 20
    assert all(10 <= s <= 20 for s in steps)

    params[2] = ("max_results", "100")
    steps = [p["step"] for p in rest.ok("GET", BULK_INTERVAL, params=params)["metrics"]]
    assert steps == list(range(10, 21))


@pytest.mark.parametrize(
    "params",
    [
        pytest.param([("max_results", "0")], id="max_results-0"),
        pytest.param([("max_results", "2501")], id="max_results-2501"),
        pytest.param([("start_step", "1")], id="start-without-end"),
        pytest.param([("end_step", "1")], id="end-without-start"),
    ],
)
def test_bulk_interval_bad_arguments(
    rest: Rest, two_runs: dict[str, dict[int, float]], params: list[tuple[str, str]]
) -> None:
    run_id = next(iter(two_runs))
    resp = rest.get(BULK_INTERVAL, params=[("run_ids", run_id), ("metric_key", "m"), *params])
    rest.assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def test_bulk_interval_limits_run_ids(rest: Rest, two_runs: dict[str, dict[int, float]]) -> None:
    run_id = next(iter(two_runs))
    at_limit = [("run_ids", run_id)] * 100 + [("metric_key", "m"), ("max_results", "3")]
    assert rest.get(BULK_INTERVAL, params=at_limit).status_code == 200
    over = [("run_ids", f"{i:032x}") for i in range(101)] + [("metric_key", "m")]
    rest.assert_error(rest.get(BULK_INTERVAL, params=over), 400, "INVALID_PARAMETER_VALUE")


def test_bulk_history(rest: Rest, two_runs: dict[str, dict[int, float]]) -> None:
    params = [("run_id", r) for r in two_runs] + [("metric_key", "m")]
    grouped = _by_run(rest.ok("GET", BULK, params=params)["metrics"])
    assert set(grouped) == set(two_runs)
    for run_id, logged in two_runs.items():
        points = grouped[run_id]
        assert sorted(p["step"] for p in points) == sorted(logged)
        for p in points:
            assert set(p) == METRIC_FIELDS
            assert p["value"] == logged[p["step"]]

    capped = rest.ok("GET", BULK, params=[*params, ("max_results", "5")])["metrics"]
    assert 1 <= len(capped) <= 5
    for p in capped:
        assert p["value"] == two_runs[p["run_id"]][p["step"]]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param([("metric_key", "m")], id="no-run-id"),
        pytest.param([("run_id", "0" * 32)], id="no-metric-key"),
        pytest.param(
            [("run_id", f"{i:032x}") for i in range(101)] + [("metric_key", "m")], id="101-runs"
        ),
    ],
)
def test_bulk_history_bad_arguments(rest: Rest, params: list[tuple[str, str]]) -> None:
    rest.assert_error(rest.get(BULK, params=params), 400, "INVALID_PARAMETER_VALUE")
