"""Sampled metric history (get-history-bulk-interval) against a reference of its rule, on
dense, sparse and repeated-step histories, with and without a step window."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from runhub.entities import Metric
from runhub.store.migrate import ensure_schema
from runhub.store.protocols import PointRow
from runhub.store.sql.db import Database
from runhub.store.sql.experiments import SqlExperimentStore
from runhub.store.sql.metric_history import SqlMetricHistoryStore
from runhub.store.sql.run_data import SqlRunDataStore
from runhub.store.sql.runs import SqlRunStore


def reference(points: list[PointRow], start: int | None, end: int | None, n: int) -> list[PointRow]:
    """The rule: ``n`` targets evenly spread over the logged steps in range; each stands for
    the first logged step at or after it; every point at a chosen step, in history order."""
    inside = [
        p for p in points if (start is None or p[0] >= start) and (end is None or p[0] <= end)
    ]
    if not inside:
        return []
    logged = sorted({p[0] for p in inside})
    low, high = logged[0], logged[-1]
    if n == 1 or low == high:
        chosen = {low}
    else:
        targets = sorted({low + (high - low) * i // (n - 1) for i in range(n)})
        chosen = {next(s for s in logged if s >= t) for t in targets}
    return sorted(p for p in inside if p[0] in chosen)


HISTORIES = {
    "dense": [(s, 1000 + s, s / 3, False) for s in range(997)],
    "sparse": [(s * s, 5 + s, float(s), False) for s in range(60)],
    "repeats": [(s // 3, 100 + s, float(s % 3), False) for s in range(300)],
    "one-step": [(7, 1, 1.0, False), (7, 2, 2.0, False)],
    "random": [(s, 10 + s, s * 0.5, False) for s in random.Random(7).sample(range(5000), 400)],
}
QUERIES = [
    (None, None, 1),
    (None, None, 2),
    (None, None, 10),
    (None, None, 320),
    (None, None, 2500),
]
QUERIES += [(100, 900, 7), (101, 101, 5), (4990, None, 50), (None, 50, 3), (6000, 7000, 10)]


@pytest.fixture
def stores(database_url: str) -> Iterator[tuple[SqlMetricHistoryStore, dict[str, str]]]:
    db = Database(database_url)
    ensure_schema(db)
    try:
        exp_id = SqlExperimentStore(db, "/tmp/art").create_experiment("sampling", None, [])
        run_ids = {}
        for name, points in HISTORIES.items():
            run = SqlRunStore(db).create_run(exp_id, "u", 0, [], name)
            run_id = run.info.run_id
            metrics = [Metric("m", v, t, s) for s, t, v, _ in points]
            for i in range(0, len(metrics), 1000):
                SqlRunDataStore(db).log_batch(run_id, metrics[i : i + 1000], [], [])
            run_ids[name] = run_id
        yield SqlMetricHistoryStore(db), run_ids
    finally:
        db.dispose()


@pytest.mark.parametrize("history", list(HISTORIES))
def test_sample_follows_the_rule(
    stores: tuple[SqlMetricHistoryStore, dict[str, str]], history: str
) -> None:
    store, run_ids = stores
    points = sorted(HISTORIES[history])
    for start, end, n in QUERIES:
        got = store.sampled_history([run_ids[history]], "m", start, end, n)
        expected = reference(points, start, end, n)
        assert [p for _, p in got] == expected, (history, start, end, n)
        assert all(r == run_ids[history] for r, _ in got)
