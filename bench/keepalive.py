"""Keep-alive latency by server choice and worker count: the ~40 ms delayed-ACK stall check.

    python bench/keepalive.py            # prints a table and appends it to bench/RESULTS.md

On Linux, a listening socket bound before the event loop sees it (uvicorn with several workers)
leaves TCP_NODELAY off on accepted connections under the plain asyncio loop, and a response
written as headers + body then waits for the client's delayed ACK. Each configuration below
serves GET /health and POST experiments/search on one kept-alive connection; "stock uvicorn"
runs the same app with uvicorn's own protocol for comparison.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import RESULTS_MD
from servers import RUNHUB_PYTHON, free_port

REQUESTS = 200
CONFIGS: list[tuple[str, list[str]]] = [
    ("runhub, 1 worker", ["--workers", "1"]),
    ("runhub, 2 workers, asyncio loop", ["--workers", "2", "--uvicorn-opts", "--loop asyncio"]),
    ("runhub, 4 workers, asyncio loop", ["--workers", "4", "--uvicorn-opts", "--loop asyncio"]),
    ("runhub, 2 workers, uvloop", ["--workers", "2"]),
    ("runhub, gunicorn, 2 workers", ["--workers", "2", "--gunicorn-opts", "--log-level warning"]),
    ("runhub, waitress", ["--waitress-opts", "--threads=4"]),
    ("stock uvicorn, 2 workers, asyncio loop", []),
    ("stock uvicorn, 4 workers, asyncio loop", []),
]


def p50_ms(port: int, method: str, path: str, body: bytes | None) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"} if body else {}
    timings = []
    for i in range(REQUESTS + 1):
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if i:  # the first request opens the connection
            timings.append((time.perf_counter() - started) * 1000)
    conn.close()
    return sorted(timings)[len(timings) // 2]


def command(name: str, args: list[str], db: str, port: int) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if name.startswith("stock"):
        workers = name.split(", ")[1].split()[0]
        env["RUNHUB_SETTINGS_JSON"] = f'{{"backend_store_uri": "sqlite:///{db}"}}'
        cmd = [str(RUNHUB_PYTHON), "-m", "uvicorn", "--factory", "runhub.app:app_from_environment"]
        cmd += ["--port", str(port), "--workers", workers, "--loop", "asyncio", "--no-access-log"]
        return cmd, env
    cmd = [str(RUNHUB_PYTHON), "-m", "runhub", "server", "--backend-store-uri", f"sqlite:///{db}"]
    return [*cmd, "--port", str(port), *args], env


def measure(name: str, args: list[str], workdir: Path) -> tuple[float, float]:
    db = str(workdir / "keepalive.db")
    if name.startswith("stock"):  # the schema is created by runhub's own start-up
        subprocess.run(
            [str(RUNHUB_PYTHON), "-m", "runhub", "db", "upgrade", f"sqlite:///{db}"],
            check=True,
            capture_output=True,
        )
    port = free_port()
    cmd, env = command(name, args, db, port)
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        cmd, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.2)
        health = p50_ms(port, "GET", "/health", None)
        search = p50_ms(port, "POST", "/api/2.0/mlflow/experiments/search", b'{"max_results": 1}')
        return health, search
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=60)
        log.close()


def main() -> int:
    lines = [
        "",
        f"## Keep-alive latency by server choice ({dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}"
        " UTC)",
        "",
        f"p50 over {REQUESTS} requests on one kept-alive connection, SQLite. Command:",
        "",
        "```",
        shlex.join(["python", "bench/keepalive.py"]),
        "```",
        "",
        "| configuration | GET /health p50 | POST experiments/search p50 |",
        "|---|---:|---:|",
    ]
    for name, args in CONFIGS:
        with tempfile.TemporaryDirectory(prefix="bench-keepalive-") as tmp:
            try:
                health, search = measure(name, args, Path(tmp))
                row = f"| {name} | {health:.2f} ms | {search:.2f} ms |"
            except Exception as exc:
                row = f"| {name} | failed: {exc} | |"
        print(row, flush=True)
        lines.append(row)
    lines.append("")
    with RESULTS_MD.open("a") as md:
        md.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
