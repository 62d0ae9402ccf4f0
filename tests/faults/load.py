"""Write load for the fault tests: client threads that log metric batches and remember which
ones the server acknowledged, and the check that every acknowledged point is stored once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import requests

BATCH = 20  # metrics per log-batch request


def api(base: str, path: str) -> str:
    return f"{base}/api/2.0/mlflow/{path}"


def create_run(base: str, experiment: str = "faults") -> str:
    found = requests.get(
        api(base, "experiments/get-by-name"), params={"experiment_name": experiment}, timeout=30
    )
    if found.status_code == 200:
        experiment_id = found.json()["experiment"]["experiment_id"]
    else:
        created = requests.post(
            api(base, "experiments/create"), json={"name": experiment}, timeout=30
        )
        experiment_id = created.json()["experiment_id"]
    run = requests.post(
        api(base, "runs/create"), json={"experiment_id": experiment_id, "start_time": 1}, timeout=30
    )
    assert run.status_code == 200, run.text
    return str(run.json()["run"]["info"]["run_id"])


def batch_body(run_id: str, key: str, first_step: int) -> dict[str, Any]:
    metrics = [
        {"key": key, "value": float(step), "timestamp": 1_700_000_000_000 + step, "step": step}
        for step in range(first_step, first_step + BATCH)
    ]
    return {"run_id": run_id, "metrics": metrics}


class Writer(threading.Thread):
    """Logs batches of metric ``key`` (steps 0, 1, 2, ...) over one kept-alive connection
    until stopped or until the connection fails; records what each answer was."""

    def __init__(self, base: str, run_id: str, key: str) -> None:
        super().__init__(daemon=True)
        self.base, self.run_id, self.key = base, run_id, key
        self.acknowledged: list[int] = []  # first steps of the batches answered 200
        self.last_answer_at = 0.0  # time.monotonic() when the last 200 arrived
        self.statuses: Counter[int] = Counter()
        self.errors: list[Any] = []  # bodies of the other answers
        self.connection_errors = 0
        self.other_failures: list[str] = []  # anything else: a timeout, a body cut short
        self.stopping = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        step = 0
        while not self.stopping.is_set():
            try:
                answer = session.post(
                    api(self.base, "runs/log-batch"),
                    json=batch_body(self.run_id, self.key, step),
                    timeout=30,
                )
            except requests.ConnectionError:
                self.connection_errors += 1
                return
            except requests.RequestException as exc:
                self.other_failures.append(repr(exc))
                return
            self.statuses[answer.status_code] += 1
            if answer.status_code == 200:
                self.acknowledged.append(step)
                self.last_answer_at = time.monotonic()
            else:
                self.errors.append(answer.text)
            step += BATCH  # a failed batch's steps are not reused: it may have been applied


def run_writers(writers: list[Writer]) -> None:
    for writer in writers:
        writer.start()


def stop_writers(writers: list[Writer], timeout: float = 30) -> None:
    for writer in writers:
        writer.stopping.set()
    for writer in writers:
        writer.join(timeout)
        assert not writer.is_alive(), f"writer {writer.key} did not stop"


def stored_steps(base: str, run_id: str, key: str) -> Counter[int]:
    answer = requests.get(
        api(base, "metrics/get-history"), params={"run_id": run_id, "metric_key": key}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return Counter(int(m["step"]) for m in answer.json().get("metrics", []))


def check_acknowledged_once(base: str, run_id: str, writers: list[Writer]) -> int:
    """Every acknowledged batch is stored, each point once; the number of points checked."""
    checked = 0
    for writer in writers:
        steps = stored_steps(base, run_id, writer.key)
        duplicated = sorted(step for step, count in steps.items() if count > 1)
        assert duplicated == [], f"{writer.key}: steps stored twice: {duplicated[:10]}"
        for first in writer.acknowledged:
            missing = [s for s in range(first, first + BATCH) if s not in steps]
            assert missing == [], f"{writer.key}: acknowledged steps lost: {missing[:10]}"
            checked += BATCH
    return checked
