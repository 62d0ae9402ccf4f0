"""A keep-alive HTTP client that sends what the mlflow Python client sends, plus timing helpers.

Request bodies are snake_case JSON, GET parameters go in the query string, and the headers match
`mlflow-python-client`. Latency is measured around the HTTP round trip only: bodies are encoded
before the clock starts and responses are decoded after it stops.
"""

from __future__ import annotations

import http.client
import json
import queue
import select
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

API = "/api/2.0/mlflow"
AJAX = "/ajax-api/2.0/mlflow"
HEADERS = {
    "Content-Type": "application/json",
    "User-Agent": "mlflow-python-client/3.17.2",
    "X-MLflow-Client-Version": "3.17.2",
    "Connection": "keep-alive",
}


class RequestFailed(Exception):
    """A reply other than 200, or a broken connection."""


@dataclass
class Reply:
    status: int
    body: bytes
    elapsed_ns: int

    def json(self) -> Any:
        return json.loads(self.body) if self.body else {}


class Client:
    """One keep-alive connection to one server; use one per thread."""

    def __init__(self, host: str, port: int, timeout_s: float = 600.0) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is not None and self._conn.sock is not None:
            # Like urllib3: a keep-alive socket that is readable while idle was closed by the
            # server (uvicorn drops idle connections after 5 s); open a new one.
            readable, _, _ = select.select([self._conn.sock], [], [], 0)
            if readable:
                self.close()
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout_s)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def send(self, method: str, path: str, body: bytes | None = None) -> Reply:
        """Send one request and read the whole reply; reconnects if the connection broke."""
        conn = self._connection()
        start = time.perf_counter_ns()
        try:
            conn.request(method, path, body=body, headers=HEADERS)
            response = conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError) as exc:
            self.close()
            raise RequestFailed(f"{method} {path.split('?')[0]}: {exc!r}") from exc
        elapsed = time.perf_counter_ns() - start
        if response.will_close:
            self.close()
        return Reply(response.status, data, elapsed)

    def post(self, path: str, payload: dict[str, Any], check: bool = True) -> Reply:
        reply = self.send("POST", path, json.dumps(payload).encode())
        if check and reply.status != 200:
            raise RequestFailed(f"POST {path} -> {reply.status}: {reply.body[:300]!r}")
        return reply

    def get(self, path: str, params: Iterable[tuple[str, str]], check: bool = True) -> Reply:
        reply = self.send("GET", f"{path}?{urlencode(list(params))}")
        if check and reply.status != 200:
            raise RequestFailed(f"GET {path} -> {reply.status}: {reply.body[:300]!r}")
        return reply


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def summarize(latencies_ns: list[int]) -> dict[str, float]:
    """n, mean, p50/p95/p99 and max of latencies, in milliseconds."""
    ms = sorted(v / 1e6 for v in latencies_ns)
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "mean_ms": sum(ms) / len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1],
    }


@dataclass
class Deadline:
    """A loop bound in time; every loop also has a bound in count."""

    seconds: float
    start: float = field(default_factory=time.monotonic)

    def passed(self) -> bool:
        return time.monotonic() - self.start >= self.seconds


def now_ms() -> int:
    return int(time.time() * 1000)


# --- request bodies, shaped like the mlflow client's -------------------------------------------


def create_experiment(client: Client, name: str) -> str:
    return str(client.post(f"{API}/experiments/create", {"name": name}).json()["experiment_id"])


def run_create_body(
    experiment_id: str, name: str, extra_tags: dict[str, str] | None = None
) -> dict[str, Any]:
    """What `mlflow.start_run(run_name=name)` posts to runs/create."""
    tags = {
        "mlflow.user": "bench",
        "mlflow.source.name": "bench/run.py",
        "mlflow.source.type": "LOCAL",
        "mlflow.runName": name,
        **(extra_tags or {}),
    }
    return {
        "experiment_id": experiment_id,
        "user_id": "bench",
        "start_time": now_ms(),
        "tags": [{"key": k, "value": v} for k, v in tags.items()],
        "run_name": name,
    }


def create_run(client: Client, experiment_id: str, name: str) -> str:
    reply = client.post(f"{API}/runs/create", run_create_body(experiment_id, name))
    return str(reply.json()["run"]["info"]["run_id"])


def log_batch_body(
    run_id: str,
    metrics: Sequence[tuple[str, float, int]] = (),
    params: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What `MlflowClient.log_batch` posts; metrics are (key, value, step)."""
    ts = now_ms()
    body: dict[str, Any] = {"run_id": run_id}
    if metrics:
        body["metrics"] = [
            {"key": k, "value": v, "timestamp": ts + step, "step": step} for k, v, step in metrics
        ]
    if params:
        body["params"] = [{"key": k, "value": v} for k, v in params.items()]
    if tags:
        body["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
    return body


def history_params(run_id: str, key: str) -> list[tuple[str, str]]:
    """GetMetricHistory's query string as the client builds it, without max_results."""
    return [("run_uuid", run_id), ("metric_key", key), ("run_id", run_id)]


# --- parallel seeding ------------------------------------------------------------------------


@dataclass
class SeedReport:
    items: int = 0
    requests: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    timed_out: bool = False


def run_parallel(
    host: str,
    port: int,
    threads: int,
    items: Iterable[Any],
    work: Callable[[Client, Any], int],
    time_limit_s: float,
) -> SeedReport:
    """Apply `work(client, item)` to every item on `threads` threads, each with its own
    connection; `work` returns how many requests it sent. Stops early after `time_limit_s`
    or on the first error."""
    todo: queue.Queue[Any] = queue.Queue()
    for item in items:
        todo.put(item)
    report = SeedReport()
    lock = threading.Lock()
    deadline = Deadline(time_limit_s)
    stop = threading.Event()

    def worker() -> None:
        client = Client(host, port)
        try:
            while not stop.is_set():
                if deadline.passed():
                    report.timed_out = True
                    return
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    sent = work(client, item)
                except Exception as exc:
                    with lock:
                        report.errors.append(repr(exc)[:300])
                    stop.set()
                    return
                with lock:
                    report.items += 1
                    report.requests += sent
        finally:
            client.close()

    start = time.perf_counter()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    join_all(pool)
    report.seconds = time.perf_counter() - start
    return report


def join_all(threads: list[threading.Thread], timeout_s: float = 24 * 3600.0) -> None:
    """Join threads in short waits, so that SIGINT/SIGTERM reach the main thread meanwhile."""
    deadline = Deadline(timeout_s)
    for t in threads:
        while t.is_alive() and not deadline.passed():
            t.join(timeout=0.5)
