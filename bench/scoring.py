"""Scoring-server throughput: ``runhub models serve`` against ``mlflow models serve``.

Both serve the same scikit-learn model from the same local directory (``--env-manager local``,
one worker). 16 client threads, each on its own keep-alive connection, send single-row and
1,000-row ``dataframe_split`` requests for a fixed time; the script reports requests/s and
p50/p99 latency, and writes its section of ``bench/RESULTS.md`` (unless ``--no-results-md``).
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sections import load_average, write_section
from servers import MLFLOW_BIN, RUNHUB_PYTHON, Server, free_port, stop_server, wait_for_health

BEGIN, END = "<!-- scoring:begin -->", "<!-- scoring:end -->"
FEATURES = 8
BATCHED = "runhub --max-batch-size 256"
NAMES = ("runhub", BATCHED, "mlflow")


def save_model(dest: Path) -> tuple[bytes, bytes]:
    """Train and save the model; returns a single-row and a 1,000-row request body."""
    import mlflow.sklearn
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        rng.normal(size=(2000, FEATURES)), columns=[f"f{i}" for i in range(FEATURES)]
    )
    labels = (frame.sum(axis=1) > 0).astype(int)
    model = LogisticRegression().fit(frame, labels)
    mlflow.sklearn.save_model(model, str(dest), input_example=frame.head(2))

    def body(rows: pd.DataFrame) -> bytes:
        split = rows.to_dict(orient="split")
        return orjson.dumps(
            {"dataframe_split": {"columns": split["columns"], "data": split["data"]}}
        )

    return body(frame.head(1)), body(frame.head(1000))


def start(name: str, model: Path, workdir: Path) -> Server:
    port = free_port()
    env = dict(os.environ)
    if name.startswith("runhub"):
        cmd = [str(RUNHUB_PYTHON), "-m", "runhub", "models", "serve", "-m", str(model)]
        if name == BATCHED:
            cmd += ["--max-batch-size", "256", "--max-batch-delay-ms", "2"]
    else:
        # mlflow starts uvicorn from PATH.
        env["PATH"] = f"{MLFLOW_BIN.parent}{os.pathsep}{env.get('PATH', '')}"
        cmd = [str(MLFLOW_BIN), "models", "serve", "-m", str(model), "--env-manager", "local"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, port, process, workdir / name, log_path, command=cmd)
    try:
        wait_for_health(server, 180.0)
    except BaseException:
        stop_server(server, keep_workdir=True)
        raise
    return server


def hammer(server: Server, body: bytes, clients: int, seconds: float) -> dict[str, float]:
    """``clients`` threads POST ``body`` for ``seconds``; requests/s and latency percentiles."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        mine: list[float] = []
        headers = {"Content-Type": "application/json"}
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            conn.request("POST", "/invocations", body, headers)
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t0)
            if resp.status != 200:
                errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "rps": len(latencies) / elapsed,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "n": len(latencies),
        "errors": errors[0],
    }


def render(results: dict[str, dict[str, dict[str, float]]], args: Any, loads: str) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M UTC")
    lines = [
        "## Scoring server: requests/s and latency, 16 concurrent clients",
        "",
        f"Measured {when} with:",
        "",
        "```",
        f".venv/bin/python bench/scoring.py --seconds {args.seconds:g}",
        "```",
        "",
        "Both servers serve the same scikit-learn LogisticRegression (8 double columns, saved by "
        "mlflow 3.17 as `model.skops`) from a local directory, one worker each "
        "(`mlflow models serve --env-manager local`; `runhub models serve` without and with "
        "adaptive batching). 16 client threads "
        f"on keep-alive connections post `dataframe_split` bodies for {args.seconds:g} s per "
        "workload, on the same 2-core machine as the servers.",
        "",
        "| server | workload | req/s | p50 (ms) | p99 (ms) |",
        "|---|---|---:|---:|---:|",
    ]
    for workload in ("single row", "1,000 rows"):
        for name in NAMES:
            r = results.get(name, {}).get(workload)
            if r is None:
                continue
            errors = f" ({r['errors']:.0f} errors)" if r["errors"] else ""
            rps = f"{r['rps']:.0f}{errors}"
            lines.append(f"| {name} | {workload} | {rps} | {r['p50']:.1f} | {r['p99']:.1f} |")
    lines += ["", f"- load average before/after: {loads}"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=NAMES)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--no-results-md", action="store_true", help="print the table only")
    args = parser.parse_args()
    names = [args.only] if args.only else list(NAMES)
    before = load_average()
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as tmp:
        single, batch = save_model(Path(tmp) / "model")
        for name in names:
            if name == "mlflow" and not MLFLOW_BIN.exists():
                print(f"skipping mlflow: {MLFLOW_BIN} missing", file=sys.stderr)
                continue
            server = start(name, Path(tmp) / "model", Path(tmp))
            try:
                hammer(server, single, args.clients, 1.0)  # warm up
                results[name] = {
                    "single row": hammer(server, single, args.clients, args.seconds),
                    "1,000 rows": hammer(server, batch, args.clients, args.seconds),
                }
            finally:
                stop_server(server, keep_workdir=True)
            print(name, results[name], file=sys.stderr)
    text = render(results, args, f"{before} / {load_average()}")
    print(text)
    if not args.no_results_md:
        write_section(BEGIN, END, text)


if __name__ == "__main__":
    main()
