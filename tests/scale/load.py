"""A bounded multi-threaded logging load against several replicas, and the read-back check.

Each client thread owns some runs; it logs metric batches to any replica, searches its
experiment with page tokens handed from one replica to the next, and remembers every point a
server acknowledged. Afterwards every acknowledged point must read back exactly once.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

API = "/api/2.0/mlflow"
BATCH_POINTS = 40


@dataclass
class Outcome:
    """What the clients did and saw."""

    logged: dict[str, list[tuple[str, int, float]]] = field(default_factory=dict)
    params: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    searches_across_replicas: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class Client:
    """One keep-alive connection per replica; requests go to a replica picked per call."""

    def __init__(self, ports: list[int], seed: int) -> None:
        self.random = random.Random(seed)
        self.conns = [http.client.HTTPConnection("127.0.0.1", p, timeout=60) for p in ports]

    def call(self, method: str, path: str, body: Any = None, replica: int | None = None) -> Any:
        index = self.random.randrange(len(self.conns)) if replica is None else replica
        conn = self.conns[index]
        payload = orjson.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        try:
            conn.request(method, API + path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()  # reconnect on the next call; the failure itself is reported
            raise
        if response.status != 200:
            raise RuntimeError(f"{method} {path} on replica {index} -> {response.status}: {data!r}")
        return orjson.loads(data)

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


def run_load(
    ports: list[int], experiment_id: str, threads: int, seconds: float, outcome: Outcome
) -> None:
    """``threads`` clients logging and searching for ``seconds`` (bounded in time)."""
    deadline = time.monotonic() + seconds
    workers = [
        threading.Thread(target=_client_loop, args=(ports, experiment_id, i, deadline, outcome))
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 120)
        if worker.is_alive():
            outcome.error(f"{worker.name} did not finish in time")


def _client_loop(
    ports: list[int], experiment_id: str, index: int, deadline: float, outcome: Outcome
) -> None:
    client = Client(ports, seed=index)
    try:
        run_id = client.call("POST", "/runs/create", {"experiment_id": experiment_id})["run"][
            "info"
        ]["run_id"]
        points: list[tuple[str, int, float]] = []
        with outcome.lock:
            outcome.logged[run_id] = points
            outcome.params[run_id] = {}
        step = 0
        while time.monotonic() < deadline:
            batch = [
                {
                    "key": f"m{j % 3}",
                    "value": float(step + j),
                    "timestamp": 1_000 + step + j,
                    "step": step + j,
                }
                for j in range(BATCH_POINTS)
            ]
            param = {"key": f"p{step}", "value": str(index)}
            client.call(
                "POST", "/runs/log-batch", {"run_id": run_id, "metrics": batch, "params": [param]}
            )
            points.extend((m["key"], m["step"], m["value"]) for m in batch)
            outcome.params[run_id][param["key"]] = param["value"]
            step += BATCH_POINTS
            if step % (BATCH_POINTS * 4) == 0:
                _search_across_replicas(client, experiment_id, len(ports))
                with outcome.lock:
                    outcome.searches_across_replicas += 1
            with outcome.lock:
                outcome.requests += 1
    except Exception as exc:
        outcome.error(f"client {index}: {exc!r}"[:500])
    finally:
        client.close()


def _search_across_replicas(client: Client, experiment_id: str, replicas: int) -> list[str]:
    """All runs of the experiment, 5 a page, each page from the next replica."""
    found: list[str] = []
    token: str | None = None
    page = 0
    while True:
        body: dict[str, Any] = {"experiment_ids": [experiment_id], "max_results": 5}
        if token:
            body["page_token"] = token
        answer = client.call("POST", "/runs/search", body, replica=page % replicas)
        found.extend(r["info"]["run_id"] for r in answer.get("runs", []))
        token = answer.get("next_page_token")
        page += 1
        if not token or page > 1000:
            return found


def check_read_back(ports: list[int], experiment_id: str, outcome: Outcome) -> None:
    """Every acknowledged point and param reads back exactly once, from any replica."""
    client = Client(ports, seed=999)
    try:
        runs = _search_across_replicas(client, experiment_id, len(ports))
        assert sorted(runs) == sorted(outcome.logged), "search lost or repeated runs"
        for run_id, points in outcome.logged.items():
            wanted = Counter(points)
            for key in ("m0", "m1", "m2"):
                got = Counter(
                    (m["key"], int(m["step"]), float(m["value"]))
                    for m in _history(client, run_id, key)
                )
                mine = Counter({p: n for p, n in wanted.items() if p[0] == key})
                assert got == mine, f"{run_id} {key}: {len(got)} points read, {len(mine)} logged"
            run = client.call("GET", f"/runs/get?run_id={run_id}")["run"]
            params = {p["key"]: p["value"] for p in run["data"].get("params", [])}
            assert params == outcome.params[run_id]
    finally:
        client.close()


def _history(client: Client, run_id: str, key: str) -> list[dict[str, Any]]:
    metrics: list[dict[str, Any]] = []
    token = ""
    page = 0
    while True:
        path = f"/metrics/get-history?run_id={run_id}&metric_key={key}&max_results=500"
        answer = client.call(
            "GET",
            path + (f"&page_token={token}" if token else ""),
            replica=page % len(client.conns),
        )
        metrics.extend(answer.get("metrics", []))
        token = answer.get("next_page_token", "")
        page += 1
        if not token:
            return metrics
