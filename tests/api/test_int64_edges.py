"""Numbers at the int64 edges that used to reach the database and fail there (500).

get-history with ``max_results`` at int64's maximum pages like any large page size;
search-datasets with experiment ids the database cannot hold finds nothing for them.
"""

from __future__ import annotations

from tests.api.conftest import Api

INT64_MAX = 2**63 - 1
AJAX = "/ajax-api/2.0/mlflow/"


def _run(api: Api) -> tuple[str, str]:
    exp_id = str(api.post("experiments/create", {"name": "edges"})["experiment_id"])
    run_id = api.post("runs/create", {"experiment_id": exp_id})["run"]["info"]["run_id"]
    return exp_id, run_id


def test_get_history_with_the_largest_max_results(api: Api) -> None:
    _, run_id = _run(api)
    metrics = [{"key": "m", "value": float(i), "timestamp": 1000 + i, "step": i} for i in range(3)]
    api.post("runs/log-batch", {"run_id": run_id, "metrics": metrics})
    for max_results in (INT64_MAX, INT64_MAX - 1, 2**62):
        page = api.get(
            "metrics/get-history",
            {"run_id": run_id, "metric_key": "m", "max_results": max_results},
        )
        assert [p["step"] for p in page["metrics"]] == [0, 1, 2]
        assert "next_page_token" not in page
    first = api.get("metrics/get-history", {"run_id": run_id, "metric_key": "m", "max_results": 2})
    rest = api.get(
        "metrics/get-history",
        {
            "run_id": run_id,
            "metric_key": "m",
            "max_results": INT64_MAX,
            "page_token": first["next_page_token"],
        },
    )
    assert [p["step"] for p in rest["metrics"]] == [2]


def test_search_datasets_ignores_ids_the_database_cannot_hold(api: Api) -> None:
    exp_id, run_id = _run(api)
    dataset = {"name": "d", "digest": "abc", "source_type": "local", "source": "{}"}
    api.post("runs/log-inputs", {"run_id": run_id, "datasets": [{"dataset": dataset}]})
    unusable = [str(2**63), str(2**64 + 5), "9" * 40, "-1", "²", "1e3"]
    for ids in ([*unusable], [*unusable, exp_id]):
        response = api.client.post(
            AJAX + "experiments/search-datasets", json={"experiment_ids": ids}
        )
        assert response.status_code == 200, response.text
        found = response.json().get("dataset_summaries", [])
        assert [s["experiment_id"] for s in found] == ([exp_id] if exp_id in ids else [])
