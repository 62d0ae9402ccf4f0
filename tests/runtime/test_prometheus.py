"""``--expose-prometheus``: /metrics counts every worker's requests by route and status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runhub.runtime.prometheus import MULTIPROC_ENV, prepare_directory
from tests.runtime.live import running

SEARCH = "/api/2.0/mlflow/experiments/get"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the series ``name`` whose labels include ``labels`` (0 when absent)."""
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{name}\{{(.*)\}} (\S+)$", line)
        if not match:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(2))
    return total


def worker_pids(directory: Path) -> set[str]:
    """The processes that have written samples (files are named <type>_<pid>.db)."""
    return {p.stem.rsplit("_", 1)[-1] for p in directory.glob("*.db")}


def test_metrics_sum_requests_over_all_workers(tmp_path: Path) -> None:
    directory = tmp_path / "prom"
    with running(tmp_path, "--workers", "2", "--expose-prometheus", str(directory)) as server:
        answered = 0
        # A new connection each time, until both workers have answered some (bounded).
        while answered < 20 or (len(worker_pids(directory)) < 2 and answered < 500):
            assert server.get(f"{SEARCH}?experiment_id=0")[0] == 200
            answered += 1
        for _ in range(3):
            assert server.get(f"{SEARCH}?experiment_id=424242")[0] == 404
            assert server.get("/api/2.0/mlflow/no/such/route")[0] == 404
        for _ in range(4):  # whichever worker answers the scrape, it reports all of them
            status, body = server.get("/metrics")
            assert status == 200
            text = body.decode()
            ok = dict(method="GET", route=SEARCH, status="200")
            assert sample(text, "mlflow_http_request_total", **ok) == answered
            assert sample(text, "mlflow_http_request_duration_seconds_count", **ok) == answered
            missing = dict(method="GET", route=SEARCH, status="404")
            assert sample(text, "mlflow_http_request_total", **missing) == 3
            assert sample(text, "mlflow_http_request_total", route="<unmatched>") == 3
            assert 'route="/health"' not in text and 'route="/metrics"' not in text
        assert len(worker_pids(directory)) >= 2  # samples really came from both workers


def test_metrics_with_one_in_process_worker(tmp_path: Path) -> None:
    directory = tmp_path / "prom"
    with running(tmp_path, "--workers", "1", "--expose-prometheus", str(directory)) as server:
        for _ in range(5):
            assert server.get(f"{SEARCH}?experiment_id=0")[0] == 200
        status, body = server.get("/metrics")
        assert status == 200
        ok = dict(method="GET", route=SEARCH, status="200")
        assert sample(body.decode(), "mlflow_http_request_total", **ok) == 5


def test_metrics_are_off_by_default(tmp_path: Path) -> None:
    with running(tmp_path) as server:
        status, body = server.get("/metrics")  # the web app may answer the path, not metrics
        assert status == 404 or b"mlflow_http_request_total" not in body


def test_start_removes_only_its_own_sample_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)  # restored after the test
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_123.db").write_bytes(b"stale")
    (directory / "gauge_livesum_9.db").write_bytes(b"stale")
    (directory / "mlflow.db").write_bytes(b"a user's database")
    (directory / "notes.txt").write_text("keep")
    prepare_directory(str(directory))
    assert sorted(p.name for p in directory.iterdir()) == ["mlflow.db", "notes.txt"]
