"""The in-memory search against the SQL store on data logged through the store's own writers.

Beyond the fixture tables: infinite and NaN metrics, metric histories, names with wildcards,
newlines and trailing spaces, dataset inputs with and without a context. The SQL store on
SQLite answers each search; the in-memory search, given the same runs read back with
``get_run`` (or with their whole logged metric history, as a file store may hold them), must
return the same ids, in the same order, page by page with the same token content.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from runhub.entities import (
    Dataset,
    DatasetInput,
    Experiment,
    ExperimentTag,
    InputTag,
    Metric,
    Param,
    Run,
    RunTag,
    ViewType,
)
from runhub.search.in_memory import search_experiments_in_memory, search_runs_in_memory
from runhub.store.sql.db import Database
from runhub.store.sql.experiments import SqlExperimentStore
from runhub.store.sql.lineage import SqlLineageStore
from runhub.store.sql.run_data import SqlRunDataStore
from runhub.store.sql.runs import SqlRunStore
from runhub.store.tables import metadata

NAN, INF = math.nan, math.inf
ACTIVE = ViewType.ACTIVE_ONLY

# name: (start_time, end_time, metric history (key, value, timestamp, step), params, tags,
#        dataset inputs (name, digest, context or None))
LOGGED: dict[str, tuple[int, int | None, list[Metric], dict[str, str], dict[str, str],
                        list[tuple[str, str, str | None]]]] = {
    "inf": (10, 20, [Metric("x", INF, 1, 0), Metric("y", -INF, 1, 0)],
            {"p": "b"}, {"t": "T"}, [("ds", "d1", "train")]),
    "history": (10, None, [Metric("x", 5.0, 10, 1), Metric("x", 3.0, 5, 2), Metric("x", NAN, 5, 2),
                           Metric("y", 7.0, 1, 1), Metric("y", NAN, 2, 1)],
                {"p": ""}, {"t": "t"}, [("ds", "d1", None), ("other", "d2", "eval")]),
    "Name ": (30, 40, [Metric("x", 3.0, 0, 0)], {"p": "a b"}, {"t": ""}, []),
    "a\nb": (30, None, [Metric("y", 0.0, 0, 0)], {"p": "A"}, {}, [("ds", "d1", "Train")]),
    "per%cent": (5, 6, [Metric("x", -0.0, 0, 0)], {}, {"t": "t%"}, []),
    "under_score": (50, 60, [], {"p": "é"}, {"t": "É"}, [("other", "d2", None)]),
    "back\\slash": (50, None, [Metric("x", 1e308, 0, 0)], {"p": "b"}, {}, []),
}  # fmt: skip

RUN_FILTERS = [
    "",
    "metrics.x > 1e308",
    "metrics.x = 1.7976931348623157e308",
    "metrics.x >= 1e308",
    "metrics.y < -1e308",
    "metrics.x = 3",
    "metrics.x = 0",
    "metrics.x != 3",
    "metrics.y != 7",
    "NOT metrics.y = 7",
    "metrics.y IS NOT NULL AND NOT metrics.y < 100",
    "metrics.x IS NULL OR metrics.y IS NULL",
    "run_name LIKE '%\\%%'",
    "run_name LIKE 'a%b'",
    "run_name LIKE 'a_b'",
    "run_name LIKE 'back\\\\slash'",
    "run_name LIKE 'back\\slash'",
    "run_name = 'Name'",
    "run_name LIKE 'Name_'",
    "run_name IN ('Name ', 'inf')",
    "run_name ILIKE 'NAME%'",
    "run_name NOT IN ('inf')",
    "params.p = ''",
    "params.p IN ('', 'A')",
    "params.p LIKE '% %'",
    "params.p ILIKE 'a'",
    "params.p != 'b'",
    "tags.t = ''",
    "tags.t LIKE 't\\%'",
    "tags.t ILIKE 'T'",
    "tags.t IS NULL",
    "datasets.name = 'ds' AND datasets.context = 'eval'",
    "datasets.digest = 'd2'",
    "datasets.context LIKE 'Train%'",
    "NOT datasets.context = 'eval'",
    "datasets.context NOT IN ('train')",
    "end_time > 0",
    "NOT end_time > 0",
    "end_time != 20",
    "start_time = 30 OR (created < 10 AND end_time > 0)",
    "status = 'RUNNING' AND user_id = 'u'",
    "attributes.run_id LIKE '%'",
]

RUN_ORDERS: list[list[str]] = [
    [],
    ["metrics.x DESC"],
    ["metrics.x"],
    ["metrics.y DESC"],
    ["run_name"],
    ["run_name DESC"],
    ["params.p DESC", "end_time"],
    ["tags.t"],
    ["end_time DESC"],
    ["end_time", "metrics.x DESC"],
    ["start_time", "run_name DESC"],
    ["user_id", "created"],
]


@dataclass(frozen=True)
class Logged:
    runs: SqlRunStore
    experiments: SqlExperimentStore
    experiment_id: str
    run_ids: list[str]
    histories: dict[str, tuple[Metric, ...]]


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Logged]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('logged')}/logged.db")
    metadata.create_all(db.writer)
    experiments = SqlExperimentStore(db, "file:///artifacts")
    runs, data, lineage = SqlRunStore(db), SqlRunDataStore(db), SqlLineageStore(db)
    experiment_id = experiments.create_experiment("logged", None, [])
    for name, tags in [
        ("my_exp", [ExperimentTag("k", "v")]),
        ("My%exp", [ExperimentTag("k", "V")]),
        ("école", []),
    ]:
        experiments.create_experiment(name, None, tags)
    run_ids, histories = [], {}
    for name, (start, end, metrics, params, tags, inputs) in LOGGED.items():
        run = runs.create_run(experiment_id, "u", start, [], name)
        run_id = run.info.run_id
        data.log_batch(
            run_id,
            metrics,
            [Param(k, v) for k, v in params.items()],
            [RunTag(k, v) for k, v in tags.items()],
        )
        lineage.log_inputs(
            run_id,
            [
                DatasetInput(
                    Dataset(ds, digest, "local", "{}"),
                    () if context is None else (InputTag("mlflow.data.context", context),),
                )
                for ds, digest, context in inputs
            ],
            [],
        )
        if end is not None:
            runs.update_run(run_id, "FINISHED", end, None)
        run_ids.append(run_id)
        histories[run_id] = tuple(metrics)
    try:
        yield Logged(runs, experiments, experiment_id, run_ids, histories)
    finally:
        db.reader.dispose()
        db.writer.dispose()


def read_back(logged: Logged, *, whole_history: bool) -> list[Run]:
    """The logged runs as get_run returns them, or holding every logged metric point."""
    found = [logged.runs.get_run(run_id) for run_id in reversed(logged.run_ids)]
    if not whole_history:
        return found
    return [
        replace(run, data=replace(run.data, metrics=logged.histories[run.info.run_id]))
        for run in found
    ]


def payload(token: str | None) -> dict[str, Any] | None:
    if token is None:
        return None
    decoded: dict[str, Any] = json.loads(base64.b64decode(token))
    decoded.pop("query")
    return decoded


def pages_in_sql(
    logged: Logged, filter_string: str, order_by: list[str], size: int
) -> list[tuple[list[str], dict[str, Any] | None]]:
    pages: list[tuple[list[str], dict[str, Any] | None]] = []
    token: str | None = None
    while True:
        page = logged.runs.search_runs(
            [logged.experiment_id], filter_string, ACTIVE, size, order_by, token
        )
        token = page.next_page_token
        pages.append(([run.info.run_id for run in page.items], payload(token)))
        if token is None:
            return pages


def pages_in_memory(
    entities: list[Run], filter_string: str, order_by: list[str], size: int
) -> list[tuple[list[str], dict[str, Any] | None]]:
    pages: list[tuple[list[str], dict[str, Any] | None]] = []
    token: str | None = None
    while True:
        page = search_runs_in_memory(entities, filter_string, order_by, size, token, ("scope",))
        token = page.next_page_token
        pages.append(([run.info.run_id for run in page.items], payload(token)))
        if token is None:
            return pages


@pytest.mark.parametrize("whole_history", [False, True], ids=["get_run", "history"])
@pytest.mark.parametrize("filter_string", RUN_FILTERS)
def test_filters_select_what_the_sql_store_selects(
    logged: Logged, filter_string: str, whole_history: bool
) -> None:
    entities = read_back(logged, whole_history=whole_history)
    expected = pages_in_sql(logged, filter_string, [], 1000)
    assert pages_in_memory(entities, filter_string, [], 1000) == expected


@pytest.mark.parametrize("whole_history", [False, True], ids=["get_run", "history"])
@pytest.mark.parametrize("order_by", RUN_ORDERS, ids=str)
def test_orders_and_pages_are_the_sql_stores(
    logged: Logged, order_by: list[str], whole_history: bool
) -> None:
    entities = read_back(logged, whole_history=whole_history)
    for size in (1000, 3, 1):
        expected = pages_in_sql(logged, "", order_by, size)
        assert pages_in_memory(entities, "", order_by, size) == expected


def test_logged_data_reads_back_as_the_store_keeps_it(logged: Logged) -> None:
    """The premise of the comparisons above: the store keeps the latest point, NaN as NaN and
    infinities clamped, so the history entities really differ from get_run's."""
    by_name = {run.info.run_name: run for run in read_back(logged, whole_history=False)}
    latest = {m.key: m.value for m in by_name["history"].data.metrics}
    assert latest["x"] == 3.0 and math.isnan(latest["y"])
    assert {m.key: m.value for m in by_name["inf"].data.metrics}["x"] < INF
    assert len(logged.histories[by_name["history"].info.run_id]) == 5


EXPERIMENT_FILTERS = [
    "",
    "experiment_id = '1'",
    "experiment_id = '01'",
    "experiment_id IN ('01', '2', 'x')",
    "experiment_id NOT IN ('1')",
    "experiment_id LIKE '_'",
    "experiment_id != 'x'",
    "name LIKE '%\\_%'",
    "name LIKE 'My\\%%'",
    "name ILIKE 'my%'",
    "name = 'école'",
    "tags.k IS NULL",
    "tags.k ILIKE 'v' AND NOT name LIKE 'my%'",
]

EXPERIMENT_ORDERS: list[list[str]] = [[], ["name DESC"], ["last_update_time"], ["experiment_id"]]


def experiment_entities(logged: Logged) -> list[Experiment]:
    return [logged.experiments.get_experiment(str(n)) for n in (4, 2, 3, 1)]


@pytest.mark.parametrize("order_by", EXPERIMENT_ORDERS, ids=str)
@pytest.mark.parametrize("filter_string", EXPERIMENT_FILTERS)
def test_experiments_as_the_sql_store(
    logged: Logged, filter_string: str, order_by: list[str]
) -> None:
    entities = experiment_entities(logged)
    for size in (1000, 1):
        sql_pages, memory_pages = [], []
        token: str | None = None
        while True:
            page = logged.experiments.search_experiments(
                ACTIVE, size, filter_string, order_by, token
            )
            token = page.next_page_token
            sql_pages.append(([e.experiment_id for e in page.items], payload(token)))
            if token is None:
                break
        while True:
            page = search_experiments_in_memory(
                entities, filter_string, order_by, size, token, ("active",)
            )
            token = page.next_page_token
            memory_pages.append(([e.experiment_id for e in page.items], payload(token)))
            if token is None:
                break
        assert memory_pages == sql_pages
