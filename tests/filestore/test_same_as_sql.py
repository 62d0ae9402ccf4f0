"""The file store answers metric-history and search reads exactly as the SQLite store does.

The same runs are logged to a SQLite-backed and a file-backed server; every read is compared,
with run ids mapped by position.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.filestore.conftest import Api, file_store_server
from tests.fixtures.live_server import runhub_server

RUNS = 4


def _log(api: Api) -> list[str]:
    rng = random.Random(7)
    exp_id = api.call("POST", "experiments/create", {"name": "same"})["experiment_id"]
    run_ids = []
    for i in range(RUNS):
        run_id = api.call(
            "POST",
            "runs/create",
            {"experiment_id": exp_id, "run_name": f"r{i}", "start_time": 1000 + i},
        )["run"]["info"]["run_id"]
        steps = sorted(rng.sample(range(0, 500), 60))
        metrics = [
            {
                "key": "loss",
                "value": rng.choice([rng.random(), "NaN"]),
                "timestamp": 5 + s % 3,
                "step": s,
            }
            for s in steps
        ]
        metrics += metrics[:5]  # exact repeats are stored once
        metrics.append({"key": "loss", "value": 0.5, "timestamp": 9, "step": steps[0]})
        api.call(
            "POST",
            "runs/log-batch",
            {
                "run_id": run_id,
                "metrics": metrics,
                "params": [{"key": "depth", "value": str(i % 3)}],
                "tags": [{"key": "group", "value": "ab"[i % 2]}],
            },
        )
        run_ids.append(run_id)
    return run_ids


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[Api, list[str]]]]:
    sql_tmp = tmp_path_factory.mktemp("sql")
    file_tmp = tmp_path_factory.mktemp("file")
    with (
        runhub_server(sql_tmp, str(sql_tmp / "mlartifacts")) as sql,
        file_store_server(file_tmp, Path(file_tmp / "mlruns")) as files,
    ):
        out = []
        for server in (sql, files):
            api = Api(server.url)
            out.append((api, _log(api)))
        yield out


def _ajax(api: Api, path: str, params: Any) -> Any:
    resp = api.session.get(f"{api.url}/ajax-api/2.0/mlflow/{path}", params=params, timeout=60)
    assert resp.status_code == 200, resp.text[:300]
    metrics = resp.json()["metrics"]
    assert metrics, "the comparison needs points"
    return metrics


def _renamed(value: Any, run_ids: list[str]) -> Any:
    text = repr(value)
    for i, run_id in enumerate(run_ids):
        text = text.replace(run_id, f"<run {i}>")
    return text


def test_paged_history(pair: list[tuple[Api, list[str]]]) -> None:
    answers = []
    for api, run_ids in pair:
        pages, token = [], None
        while True:
            params = {"run_id": run_ids[1], "metric_key": "loss", "max_results": 7}
            if token:
                params["page_token"] = token
            page = api.call("GET", "metrics/get-history", params=params)
            pages.append(page.get("metrics", []))
            token = page.get("next_page_token")
            if not token:
                break
        answers.append(pages)
    assert len(answers[0]) > 2 and answers[0] == answers[1]


@pytest.mark.parametrize("max_results", [1, 2, 5, 50, 320])
@pytest.mark.parametrize(
    "window", [{}, {"start_step": 100, "end_step": 400}, {"start_step": 0, "end_step": 120}]
)
def test_sampled_history(
    pair: list[tuple[Api, list[str]]], max_results: int, window: dict[str, int]
) -> None:
    answers = []
    for api, run_ids in pair:
        params: dict[str, Any] = {
            "run_ids": run_ids,
            "metric_key": "loss",
            "max_results": max_results,
            **window,
        }
        answers.append(_renamed(_ajax(api, "metrics/get-history-bulk-interval", params), run_ids))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("max_results", [3, 100, 1000])
def test_bulk_history(pair: list[tuple[Api, list[str]]], max_results: int) -> None:
    answers = []
    for api, run_ids in pair:
        params = {"run_id": run_ids, "metric_key": "loss", "max_results": max_results}
        answers.append(_renamed(_ajax(api, "metrics/get-history-bulk", params), run_ids))
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    ("filter_string", "order_by"),
    [
        ("", ["metrics.loss DESC"]),
        ("params.depth = '1' or tags.group = 'a'", ["attributes.start_time"]),
        ("metrics.loss > 0.3", ["params.depth DESC", "attributes.run_name"]),
    ],
)
def test_search_runs_pages(
    pair: list[tuple[Api, list[str]]], filter_string: str, order_by: list[str]
) -> None:
    answers = []
    for api, run_ids in pair:
        exp_id = api.call("GET", "runs/get", params={"run_id": run_ids[0]})["run"]["info"][
            "experiment_id"
        ]
        names, token = [], None
        while True:
            body: dict[str, Any] = {
                "experiment_ids": [exp_id],
                "filter": filter_string,
                "order_by": order_by,
                "max_results": 2,
            }
            if token:
                body["page_token"] = token
            page = api.call("POST", "runs/search", body)
            names.append([r["info"]["run_name"] for r in page.get("runs", [])])
            token = page.get("next_page_token")
            if not token:
                break
        answers.append(names)
    assert any(answers[0]) and answers[0] == answers[1]
