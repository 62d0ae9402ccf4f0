"""A small tracking database on SQLite, PostgreSQL and MariaDB, loaded once per backend.

Tests that write open a transaction and roll it back, so the fixture data never changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, Engine, create_engine, insert

from runhub.store.tables import (
    dataset_inputs,
    datasets,
    experiment_tags,
    experiments,
    input_tags,
    metadata,
    metric_series,
    params,
    runs,
    tags,
)
from tests.fixtures.databases import (
    BACKENDS,
    MARIADB_ADMIN,
    POSTGRES_ADMIN,
    fresh_database_url,
)

NAN = None  # marks a NaN metric below (stored as value 0.0, is_nan true)

# experiment_id: (name, lifecycle_stage, creation_time, last_update_time, tags)
EXPERIMENTS = {
    1: ("exp-one", "active", 100, 500, {"team": "vision"}),
    2: ("exp-two", "active", 200, 400, {"team": "nlp", "a b": "x"}),
    3: ("Exp-Three", "active", 200, 300, {}),
    4: ("old", "deleted", 50, 50, {"team": "vision"}),
    5: ("my_exp%", "active", 300, 100, {"team": "Vision"}),
}

# run_id: (experiment, name, user, status, start, end, stage, metrics, params, tags)
RunRow = tuple[
    int, str, str, str, int, "int | None", str,
    dict[str, "float | None"], dict[str, str], dict[str, str],
]  # fmt: skip
RUNS: dict[str, RunRow] = {
    "r01": (1, "alpha", "u1", "FINISHED", 1000, 2000, "active",
            {"acc": 0.9, "loss": 0.1}, {"lr": "0.1", "opt": "adam"},
            {"team": "vision", "a b": "x", "mlflow.runName": "alpha"}),
    "r02": (1, "Alpha", "u1", "RUNNING", 1100, None, "active",
            {"acc": 0.8, "loss": NAN}, {"lr": "0.01", "opt": "Adam"}, {"team": "Vision"}),
    "r03": (1, "beta", "u2", "FAILED", 1200, 1300, "active",
            {"acc": NAN, "loss": 0.3}, {"lr": "0.1", "opt": "sgd"}, {"team": "nlp"}),
    "r04": (1, "beta-2", "u2", "RUNNING", 1200, None, "active",
            {"acc": 0.95}, {"lr": "0.001", "opt": "x*[y]?"}, {}),
    "r05": (1, "gamma_1", "u3", "FINISHED", 1300, 1400, "active",
            {"acc": 0.9, "loss": 0.2}, {"lr": "0.1", "opt": "ADAM"}, {"team": "vision"}),
    "r06": (1, "gamma%1", "u3", "KILLED", 1400, 1500, "active",
            {"loss": 0.5}, {"opt": "adamw"}, {"team": "it's"}),
    "r07": (1, "delta", "u1", "FINISHED", 1500, 1600, "deleted",
            {"acc": 0.99}, {"lr": "0.1"}, {}),
    "r08": (1, "epsilon", "u2", "FINISHED", 1600, 1700, "active",
            {"acc": -1.0, "loss": 0.0}, {"lr": "1e-3", "opt": "sg_d"}, {"team": ""}),
    "r09": (1, "zeta", "u1", "SCHEDULED", 1700, None, "active", {}, {}, {}),
    "r10": (1, "eta", "u3", "FINISHED", 1800, 1900, "active",
            {"acc": 0.5, "loss": 0.4}, {"lr": "0.5", "opt": "s%d"}, {"team": "nlp"}),
    "r11": (2, "theta", "u1", "FINISHED", 1900, 2000, "active",
            {"acc": 0.7}, {"lr": "0.1"}, {}),
}  # fmt: skip

# (experiment, name, digest) and (run, dataset index, context)
DATASETS = [(1, "train_ds", "abc123"), (1, "eval_ds", "def456")]
DATASET_INPUTS = [
    ("r01", 0, "training"),
    ("r01", 1, "eval"),
    ("r03", 0, "training"),
    ("r05", 1, None),
    ("r08", 0, "Training"),
]

# Rows added by tests take explicit keys: PostgreSQL's sequences did not see the fixture's.
_next_key = itertools.count(1000)


def add_run(
    conn: Connection,
    run_id: str,
    experiment_id: int = 1,
    start: int = 0,
    metrics: dict[str, float | None] | None = None,
    stage: str = "active",
    params_: dict[str, str] | None = None,
) -> int:
    """Insert one run (and its metrics and params) and return its run_pk."""
    run_pk = next(_next_key)
    conn.execute(
        insert(runs).values(
            run_pk=run_pk,
            run_id=run_id,
            experiment_id=experiment_id,
            name=run_id,
            user_id="u",
            status="RUNNING",
            start_time=start,
            end_time=None,
            lifecycle_stage=stage,
            deleted_time=None,
            artifact_uri=f"file:///a/{run_id}",
        )
    )
    for key, value in (metrics or {}).items():
        conn.execute(insert(metric_series).values(_metric_row(run_pk, experiment_id, key, value)))
    for key, text in (params_ or {}).items():
        conn.execute(insert(params).values(run_pk=run_pk, key=key, value=text))
    return run_pk


def add_experiment(conn: Connection, name: str, created: int, stage: str = "active") -> int:
    """Insert one experiment and return its id."""
    experiment_id = next(_next_key)
    conn.execute(insert(experiments).values(
        experiment_id=experiment_id, name=name, artifact_location="file:///e",
        lifecycle_stage=stage, creation_time=created, last_update_time=created,
    ))  # fmt: skip
    return experiment_id


def _metric_row(
    run_pk: int, experiment_id: int, key: str, value: float | None
) -> dict[str, object]:
    return {
        "run_pk": run_pk, "experiment_id": experiment_id, "key": key, "step": 0, "timestamp": 0,
        "value": 0.0 if value is None else value, "is_nan": value is None,
    }  # fmt: skip


def load_fixture(conn: Connection) -> None:
    for exp_id, (name, stage, created, updated, exp_tags) in EXPERIMENTS.items():
        conn.execute(insert(experiments).values(
            experiment_id=exp_id, name=name, artifact_location=f"file:///e/{exp_id}",
            lifecycle_stage=stage, creation_time=created, last_update_time=updated,
        ))  # fmt: skip
        for key, text in exp_tags.items():
            conn.execute(insert(experiment_tags).values(experiment_id=exp_id, key=key, value=text))
    run_pks: dict[str, int] = {}
    for pk, (run_id, row) in enumerate(RUNS.items(), start=1):
        exp_id, name, user, status, start, end, stage, metrics, run_params, run_tags = row
        conn.execute(insert(runs).values(
            run_pk=pk, run_id=run_id, experiment_id=exp_id, name=name, user_id=user,
            status=status, start_time=start, end_time=end, lifecycle_stage=stage,
            deleted_time=None,
            artifact_uri="s3://b/r01" if run_id == "r01" else f"file:///a/{run_id}",
        ))  # fmt: skip
        run_pks[run_id] = pk
        for key, value in metrics.items():
            conn.execute(insert(metric_series).values(_metric_row(pk, exp_id, key, value)))
        for key, text in run_params.items():
            conn.execute(insert(params).values(run_pk=pk, key=key, value=text))
        for key, text in run_tags.items():
            conn.execute(insert(tags).values(run_pk=pk, key=key, value=text))
    for pk, (exp_id, name, digest) in enumerate(DATASETS, start=1):
        conn.execute(insert(datasets).values(
            dataset_pk=pk, experiment_id=exp_id, name=name, digest=digest, source_type="local",
            source="{}",
        ))  # fmt: skip
    # As the store writes an input: the context tag, and its copy on the input row.
    for input_pk, (run_id, index, context) in enumerate(DATASET_INPUTS, start=1):
        conn.execute(insert(dataset_inputs).values(
            input_pk=input_pk, run_pk=run_pks[run_id], dataset_pk=index + 1, context=context
        ))  # fmt: skip
        if context is not None:
            conn.execute(insert(input_tags).values(
                input_pk=input_pk, key="mlflow.data.context", value=context
            ))  # fmt: skip


def _reachable(url: str) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """An engine on a database holding the fixture above, one per backend."""
    backend = request.param
    admin = {"postgresql": POSTGRES_ADMIN, "mariadb": MARIADB_ADMIN}.get(backend)
    if admin is not None and not _reachable(admin):
        pytest.skip(f"{backend} is not reachable on 127.0.0.1")
    fresh_database = contextmanager(fresh_database_url)
    with fresh_database(backend, str(tmp_path_factory.mktemp("search"))) as url:
        db = create_engine(url)
        try:
            metadata.create_all(db)
            with db.begin() as conn:
                load_fixture(conn)
            yield db
        finally:
            db.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection whose writes are rolled back at the end of the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()
