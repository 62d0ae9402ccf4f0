"""The benchmark workloads: one function per workload, each against one freshly started server.

Every workload seeds the data it needs through the server's own REST API, then measures. Every
loop is bounded both in count and in time. Each returns a JSON-ready dict of figures.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from client import (
    AJAX,
    API,
    Client,
    Deadline,
    Reply,
    RequestFailed,
    create_experiment,
    create_run,
    history_params,
    join_all,
    log_batch_body,
    now_ms,
    run_create_body,
    run_parallel,
    summarize,
)
from servers import RssSampler, Server, tree_cpu_s, tree_hwm_mb, tree_rss_mb


@dataclass(frozen=True)
class Sizes:
    """How much each workload does; `QUICK` is for trying the harness out."""

    create_runs: int = 2000
    log_metrics: int = 3000
    log_batches: int = 100  # of 1,000 metrics each
    search_runs: int = 2000
    search_max_results: int = 1000
    search_reps: int = 20
    filtered_runs: tuple[int, ...] = (10_000, 100_000)  # measured at each size as it is reached
    filtered_mlflow_max: int = 10_000  # seeding MLflow over HTTP beyond this takes too long
    filtered_reps: int = 20
    history_points: tuple[int, int] = (100_000, 1_000_000)
    history_reps: tuple[int, int] = (5, 3)
    bulk_interval_reps: int = 10
    mixed_clients: int = 16
    mixed_duration_s: float = 30.0
    mixed_seed_runs: int = 500
    seed_threads: int = 4
    loop_time_limit_s: float = 180.0  # for each measured loop
    seed_time_limit_s: float = 1800.0  # for each seeding phase


FULL = Sizes()
QUICK = Sizes(
    create_runs=300,
    log_metrics=500,
    log_batches=10,
    search_runs=300,
    search_reps=5,
    filtered_runs=(2_000, 5_000),
    filtered_mlflow_max=5_000,
    filtered_reps=5,
    history_points=(10_000, 100_000),
    history_reps=(3, 2),
    bulk_interval_reps=5,
    mixed_duration_s=10.0,
    mixed_seed_runs=100,
    loop_time_limit_s=60.0,
    seed_time_limit_s=600.0,
)

Result = dict[str, Any]


def timed_loop(server: Server, count: int, seconds: float, step: Callable[[int], Reply]) -> Result:
    """Run `step(i)` up to `count` times or `seconds`; latency figures, throughput and the
    server's CPU use per operation."""
    latencies: list[int] = []
    with server.profiler():
        cpu_before = tree_cpu_s(server.pid)
        start = time.perf_counter()
        deadline = Deadline(seconds)
        for i in range(count):
            if deadline.passed():
                break
            latencies.append(step(i).elapsed_ns)
        wall = time.perf_counter() - start
        cpu = tree_cpu_s(server.pid) - cpu_before
    out: Result = summarize(latencies)
    out.update(
        wall_s=wall,
        ops_per_s=len(latencies) / wall if wall else 0.0,
        server_cpu_ms_per_op=cpu * 1000 / max(1, len(latencies)),
        server_cpu_util=cpu / wall if wall else 0.0,
        stopped_by_time=len(latencies) < count,
    )
    return out


def _client(server: Server) -> Client:
    return Client(server.host, server.port)


def _seed_note(what: str, seed: Any, threads: int) -> str:
    rate = seed.requests / seed.seconds if seed.seconds else 0.0
    return (
        f"seeded {seed.items} {what} over HTTP ({seed.requests} requests, {threads} threads) "
        f"in {seed.seconds:.1f} s = {rate:.0f} req/s"
    )


def _check_seed(seed: Any, wanted: int, what: str) -> None:
    if seed.errors:
        raise RuntimeError(f"seeding {what} failed: {seed.errors[0]}")
    if seed.items < wanted:
        raise RuntimeError(f"seeding {what} stopped by its time limit at {seed.items}/{wanted}")


# --- 1. create-run ---------------------------------------------------------------------------


def create_runs(server: Server, sizes: Sizes) -> Result:
    """POST runs/create, one client, sequential."""
    client = _client(server)
    experiment = create_experiment(client, "bench-create-run")
    for i in range(20):  # warm-up, not measured
        client.post(f"{API}/runs/create", run_create_body(experiment, f"warm-{i}"))

    def step(i: int) -> Reply:
        return client.post(f"{API}/runs/create", run_create_body(experiment, f"run-{i}"))

    out = timed_loop(server, sizes.create_runs, sizes.loop_time_limit_s, step)
    client.close()
    return out


# --- 2. log-metric ---------------------------------------------------------------------------


def log_metric(server: Server, sizes: Sizes) -> Result:
    """POST runs/log-metric, one client, sequential, one metric with increasing steps."""
    client = _client(server)
    run_id = create_run(client, create_experiment(client, "bench-log-metric"), "log-metric")
    rng = random.Random(2)

    def body(step: int, key: str = "loss") -> dict[str, Any]:
        return {
            "run_uuid": run_id,
            "run_id": run_id,
            "key": key,
            "value": rng.random(),
            "timestamp": now_ms(),
            "step": step,
        }

    for i in range(20):  # warm-up, not measured
        client.post(f"{API}/runs/log-metric", body(i, "warm-up"))
    out = timed_loop(
        server,
        sizes.log_metrics,
        sizes.loop_time_limit_s,
        lambda i: client.post(f"{API}/runs/log-metric", body(i)),
    )
    client.close()
    return out


# --- 3. log-batch of 1,000 metrics -------------------------------------------------------------


def _thousand_points(run_id: str, batch: int, rng: random.Random, keys: int = 10) -> dict[str, Any]:
    per_key = 1000 // keys
    metrics = [
        (f"m{k}", rng.random(), batch * per_key + s) for k in range(keys) for s in range(per_key)
    ]
    return log_batch_body(run_id, metrics)


def log_batch(server: Server, sizes: Sizes) -> Result:
    """POST runs/log-batch with 1,000 metrics (10 keys x 100 steps), one client."""
    client = _client(server)
    run_id = create_run(client, create_experiment(client, "bench-log-batch"), "log-batch")
    rng = random.Random(3)
    bodies = [_thousand_points(run_id, b, rng) for b in range(sizes.log_batches + 2)]
    for body in bodies[:2]:
        client.post(f"{API}/runs/log-batch", body)
    out = timed_loop(
        server,
        sizes.log_batches,
        sizes.loop_time_limit_s,
        lambda i: client.post(f"{API}/runs/log-batch", bodies[i + 2]),
    )
    out["points_per_s"] = out["n"] * 1000 / out["wall_s"] if out["wall_s"] else 0.0
    client.close()
    return out


# --- 4. search of 2,000 runs returning 1,000 ---------------------------------------------------


def _seed_rich_run(experiment: str) -> Callable[[Client, int], int]:
    def work(client: Client, i: int) -> int:
        run_id = create_run(client, experiment, f"rich-{i}")
        rng = random.Random(i)
        body = log_batch_body(
            run_id,
            metrics=[(f"metric_{k}", rng.random(), 0) for k in range(5)],
            params={f"param_{k}": str(rng.randint(0, 1000)) for k in range(10)},
            tags={f"tag_{k}": f"value-{rng.randint(0, 50)}" for k in range(10)},
        )
        client.post(f"{API}/runs/log-batch", body)
        return 2

    return work


def search_runs(server: Server, sizes: Sizes) -> Result:
    """POST runs/search over an experiment of `search_runs` runs (10 params, 10 tags, 5 metrics
    each), max_results=1000."""
    client = _client(server)
    experiment = create_experiment(client, "bench-search")
    seed = run_parallel(
        server.host,
        server.port,
        sizes.seed_threads,
        range(sizes.search_runs),
        _seed_rich_run(experiment),
        sizes.seed_time_limit_s,
    )
    _check_seed(seed, sizes.search_runs, "runs")
    body = {
        "experiment_ids": [experiment],
        "run_view_type": "ACTIVE_ONLY",
        "max_results": sizes.search_max_results,
    }
    first = client.post(f"{API}/runs/search", body)
    runs = first.json().get("runs", [])
    expected = min(sizes.search_runs, sizes.search_max_results)
    if len(runs) != expected:
        raise RuntimeError(f"search returned {len(runs)} runs, expected {expected}")
    data = runs[0]["data"]
    shape = (len(data.get("params", [])), len(data.get("tags", [])), len(data.get("metrics", [])))
    out = timed_loop(
        server,
        sizes.search_reps,
        sizes.loop_time_limit_s,
        lambda i: client.post(f"{API}/runs/search", body),
    )
    out.update(
        runs_in_experiment=sizes.search_runs,
        returned=len(runs),
        response_mb=len(first.body) / 1e6,
        first_run_params_tags_metrics=shape,
        notes=[_seed_note("runs (create-run + one log-batch each)", seed, sizes.seed_threads)],
    )
    client.close()
    return out


# --- 5. filtered, metric-ordered top-100 -------------------------------------------------------


def _seed_scored_run(experiment: str) -> Callable[[Client, int], int]:
    def work(client: Client, i: int) -> int:
        run_id = create_run(client, experiment, f"scored-{i}")
        rng = random.Random(i)  # same data on both servers
        body = log_batch_body(
            run_id,
            metrics=[("acc", rng.random(), 0), ("loss", rng.random(), 0)],
            params={"lr": str(rng.choice([0.1, 0.01, 0.001]))},
            tags={"group": f"g{i % 10}"},
        )
        client.post(f"{API}/runs/log-batch", body)
        return 2

    return work


def search_filtered(server: Server, sizes: Sizes) -> Result:
    """`metrics.acc > 0.5` ordered by `metrics.loss ASC`, top 100, at growing experiment sizes."""
    client = _client(server)
    experiment = create_experiment(client, "bench-filtered")
    body = {
        "experiment_ids": [experiment],
        "filter": "metrics.acc > 0.5",
        "run_view_type": "ACTIVE_ONLY",
        "max_results": 100,
        "order_by": ["metrics.loss ASC"],
    }
    cap = sizes.filtered_mlflow_max if server.name == "mlflow" else max(sizes.filtered_runs)
    targets = sorted({min(n, cap) for n in sizes.filtered_runs})
    by_size: dict[str, Result] = {}
    notes: list[str] = []
    seeded = 0
    for target in targets:
        seed = run_parallel(
            server.host,
            server.port,
            sizes.seed_threads,
            range(seeded, target),
            _seed_scored_run(experiment),
            sizes.seed_time_limit_s,
        )
        if seed.errors:
            raise RuntimeError(f"seeding runs failed: {seed.errors[0]}")
        reached = seeded + seed.items
        notes.append(_seed_note(f"runs ({seeded} -> {reached})", seed, sizes.seed_threads))
        seeded = reached
        runs = client.post(f"{API}/runs/search", body).json().get("runs", [])
        _check_top_100(runs)
        by_size[str(seeded)] = timed_loop(
            server,
            sizes.filtered_reps,
            sizes.loop_time_limit_s,
            lambda i: client.post(f"{API}/runs/search", body),
        )
        if seeded < target:  # measured at the size reached; growing further would take longer
            notes.append(
                f"seeding stopped by its {sizes.seed_time_limit_s:.0f} s limit at {seeded} of "
                f"{target} runs; measured at {seeded}"
            )
            break
    if cap < max(sizes.filtered_runs):
        notes.append(
            f"MLflow measured only up to {cap} runs: seeding it over HTTP beyond that takes too "
            "long on this machine"
        )
    client.close()
    return {"by_size": by_size, "notes": notes}


def _check_top_100(runs: list[dict[str, Any]]) -> None:
    if len(runs) != 100:
        raise RuntimeError(f"filtered search returned {len(runs)} runs, expected 100")
    metrics = [{m["key"]: m["value"] for m in r["data"]["metrics"]} for r in runs]
    losses = [m["loss"] for m in metrics]
    if losses != sorted(losses) or any(m["acc"] <= 0.5 for m in metrics):
        raise RuntimeError("filtered search returned wrongly ordered or unfiltered runs")


# --- 6. full metric history and a bulk-interval sample --------------------------------------------


def _seed_history(server: Server, sizes: Sizes, run_id: str, key: str, points: int) -> Any:
    batches = points // 1000
    rng = random.Random(points)

    def work(client: Client, batch: int) -> int:
        metrics = [(key, rng.random(), batch * 1000 + s) for s in range(1000)]
        client.post(f"{API}/runs/log-batch", log_batch_body(run_id, metrics))
        return 1

    threads = min(2, sizes.seed_threads)  # one run: more writers only contend for its rows
    seed = run_parallel(
        server.host, server.port, threads, range(batches), work, sizes.seed_time_limit_s
    )
    _check_seed(seed, batches, f"{key} batches")
    return seed


def _history_loop(
    server: Server, client: Client, reps: int, seconds: float, path: str, params: list[Any]
) -> Result:
    with RssSampler(server.pid) as sampler:
        out = timed_loop(server, reps, seconds, lambda i: client.get(path, params))
    out["peak_rss_mb"] = sampler.peak_mb
    out["hwm_sum_mb"] = tree_hwm_mb(server.pid)
    return out


def metric_history(server: Server, sizes: Sizes) -> Result:
    """Full GET metrics/get-history of a 100k-point and a 1M-point metric, and a 320-point
    get-history-bulk-interval sample of the 1M-point one; peak server RSS during each."""
    client = _client(server)
    experiment = create_experiment(client, "bench-history")
    small_n, big_n = sizes.history_points
    small_run = create_run(client, experiment, "history-small")
    big_run = create_run(client, experiment, "history-big")
    notes = []
    for run_id, key, n in ((small_run, "loss_small", small_n), (big_run, "loss_big", big_n)):
        seed = _seed_history(server, sizes, run_id, key, n)
        rate = n / seed.seconds if seed.seconds else 0.0
        notes.append(
            f"seeded {n} points of one metric with log-batch(1000) over HTTP in "
            f"{seed.seconds:.1f} s = {rate:.0f} points/s"
        )
    out: Result = {"points": {"small": small_n, "big": big_n}, "notes": notes}
    for label, run_id, key, n, reps in (
        ("small", small_run, "loss_small", small_n, sizes.history_reps[0]),
        ("big", big_run, "loss_big", big_n, sizes.history_reps[1]),
    ):
        params = history_params(run_id, key)
        first = client.get(f"{API}/metrics/get-history", params)
        got = len(first.json().get("metrics", []))
        if got != n:
            raise RuntimeError(f"get-history returned {got} points, expected {n}")
        size_mb = len(first.body) / 1e6
        del first
        rss_before = tree_rss_mb(server.pid)
        loop = _history_loop(
            server, client, reps, sizes.loop_time_limit_s * 2, f"{API}/metrics/get-history", params
        )
        loop.update(response_mb=size_mb, rss_before_mb=rss_before)
        out[f"history_{label}"] = loop
    bulk_params = [("run_ids", big_run), ("metric_key", "loss_big"), ("max_results", "320")]
    path = f"{AJAX}/metrics/get-history-bulk-interval"
    sample = client.get(path, bulk_params).json().get("metrics", [])
    if not 0 < len(sample) <= 400:
        raise RuntimeError(f"bulk-interval returned {len(sample)} points, expected about 320")
    loop = _history_loop(
        server, client, sizes.bulk_interval_reps, sizes.loop_time_limit_s, path, bulk_params
    )
    loop["returned"] = len(sample)
    out["bulk_interval_big"] = loop
    client.close()
    return out


# --- 7. concurrent mixed load --------------------------------------------------------------------

MIX = tuple(
    ["log_metric"] * 7 + ["log_batch"] * 4 + ["set_tag"] * 4 + ["create_run"] * 2 + ["search"] * 3
)


@dataclass
class _MixTally:
    """What the mixed-load clients measured, merged under a lock."""

    latencies: dict[str, list[int]]
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latencies: dict[str, list[int]], errors: list[str]) -> None:
        with self.lock:
            for op, values in latencies.items():
                self.latencies[op].extend(values)
            self.errors += len(errors)
            self.error_samples.extend(errors[: max(0, 10 - len(self.error_samples))])


def _mixed_client(
    server: Server, experiment: str, run_id: str, offset: int, deadline: Deadline, tally: _MixTally
) -> None:
    client = _client(server)
    rng = random.Random(offset)
    latencies: dict[str, list[int]] = {op: [] for op in MIX}
    errors: list[str] = []
    search = {"experiment_ids": [experiment], "run_view_type": "ACTIVE_ONLY", "max_results": 100}
    for n in range(1_000_000):
        if deadline.passed():
            break
        op = MIX[(n + offset) % len(MIX)]
        body: dict[str, Any]
        if op == "log_metric":
            path = "runs/log-metric"
            body = {"run_uuid": run_id, "run_id": run_id, "key": "loss", "value": rng.random()}
            body.update(timestamp=now_ms(), step=n)
        elif op == "log_batch":
            path = "runs/log-batch"
            metrics = [(f"m{k}", rng.random(), n) for k in range(10)]
            body = log_batch_body(run_id, metrics, tags={"phase": str(n)})
        elif op == "set_tag":
            path = "runs/set-tag"
            body = {"run_uuid": run_id, "run_id": run_id, "key": "status", "value": str(n)}
        elif op == "create_run":
            path, body = "runs/create", run_create_body(experiment, f"mixed-{offset}-{n}")
        else:
            path, body = "runs/search", search
        try:
            reply = client.post(f"{API}/{path}", body, check=False)
        except RequestFailed as exc:
            errors.append(repr(exc)[:200])
            continue
        if reply.status != 200:
            errors.append(f"{path} -> {reply.status}: {reply.body[:150]!r}")
            continue
        latencies[op].append(reply.elapsed_ns)
    client.close()
    tally.add(latencies, errors)


def mixed_load(server: Server, sizes: Sizes) -> Result:
    """`mixed_clients` threads, each with its own connection and run, cycling through log-metric,
    log-batch, set-tag, create-run and search for `mixed_duration_s`; RSS idle, peak and after."""
    client = _client(server)
    experiment = create_experiment(client, "bench-mixed")
    seed = run_parallel(
        server.host,
        server.port,
        sizes.seed_threads,
        range(sizes.mixed_seed_runs),
        _seed_scored_run(experiment),
        sizes.seed_time_limit_s,
    )
    _check_seed(seed, sizes.mixed_seed_runs, "runs")
    runs = [create_run(client, experiment, f"worker-{t}") for t in range(sizes.mixed_clients)]
    client.close()
    tally = _MixTally({op: [] for op in MIX})
    rss_before = tree_rss_mb(server.pid)
    cpu_before, client_cpu_before = tree_cpu_s(server.pid), time.process_time()
    deadline = Deadline(sizes.mixed_duration_s)
    start = time.perf_counter()
    with RssSampler(server.pid, interval_s=0.05) as sampler, server.profiler():
        threads = [
            threading.Thread(
                target=_mixed_client,
                args=(server, experiment, runs[t], t * 5, deadline, tally),
                daemon=True,
            )
            for t in range(sizes.mixed_clients)
        ]
        for t in threads:
            t.start()
        join_all(threads, timeout_s=sizes.mixed_duration_s + 600)
    wall = time.perf_counter() - start
    server_cpu = tree_cpu_s(server.pid) - cpu_before
    client_cpu = time.process_time() - client_cpu_before
    time.sleep(2.0)  # let in-flight work finish before the after-load reading
    ops = sum(len(v) for v in tally.latencies.values())
    return {
        "clients": sizes.mixed_clients,
        "duration_s": wall,
        "ops": ops,
        "ops_per_s": ops / wall,
        "errors": tally.errors,
        "error_samples": tally.error_samples,
        "by_op": {op: summarize(v) for op, v in sorted(tally.latencies.items())},
        "all_ops": summarize([x for v in tally.latencies.values() for x in v]),
        "rss_idle_mb": server.idle_rss_mb,
        "rss_before_load_mb": rss_before,
        "rss_peak_mb": sampler.peak_mb,
        "rss_after_load_mb": tree_rss_mb(server.pid),
        "server_cpu_util": server_cpu / wall,
        "bench_client_cpu_util": client_cpu / wall,
        "notes": [
            _seed_note("runs before the load", seed, sizes.seed_threads),
            "op mix per client: 35% log-metric, 20% log-batch (10 metrics + 1 tag), "
            "20% set-tag, 10% create-run, 15% search (max_results=100)",
        ],
    }


WORKLOADS: dict[str, Callable[[Server, Sizes], Result]] = {
    "create_run": create_runs,
    "log_metric": log_metric,
    "log_batch": log_batch,
    "search": search_runs,
    "search_filtered": search_filtered,
    "history": metric_history,
    "mixed": mixed_load,
}


def sizes_dict(sizes: Sizes) -> dict[str, Any]:
    return asdict(sizes)
