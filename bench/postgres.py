"""The core workloads on PostgreSQL: runhub and MLflow, each on a fresh database of one server.

    python bench/postgres.py                                  # default workloads, full sizes
    python bench/postgres.py --quick --workloads create_run,log_batch,search,mixed
    python bench/postgres.py --workers 2                      # both servers with 2 workers

Uses the workloads of bench/workloads.py unchanged; only the backend store differs from
bench/run.py: a new database on the PostgreSQL server at --pg (default 127.0.0.1:5432, user
postgres, trust auth) per server and workload, dropped afterwards. The figures are appended as a
new section to bench/RESULTS.md; the JSON goes to bench/out/postgres-<stamp>.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import RESULTS_MD, TITLES, _fmt, workload_rows
from servers import (
    BENCH_DIR,
    MLFLOW_BIN,
    RUNHUB_PYTHON,
    Server,
    free_port,
    snapshot_runhub_source,
    stop_server,
    tree_rss_by_process,
    tree_rss_mb,
    wait_for_health,
)
from workloads import FULL, QUICK, WORKLOADS, Sizes

DEFAULT_WORKLOADS = ("create_run", "log_metric", "log_batch", "search", "mixed")
MLFLOW_PYTHON = BENCH_DIR / ".venv-mlflow" / "bin" / "python"
HEALTH_TIMEOUT_S = 300.0  # MLflow runs its whole migration chain on a new PostgreSQL database


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def psql(pg: str, sql: str) -> None:
    """Run one statement as the PostgreSQL superuser (database admin, not measured)."""
    host, port = pg.split(":")
    subprocess.run(
        ["psql", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
        timeout=120,
    )


def start(name: str, uri: str, workers: int, runhub_env: dict[str, str]) -> Server:
    """Start server ``name`` on database ``uri`` and wait for /health."""
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-pg-{name}-"))
    (workdir / "artifacts").mkdir()
    port = free_port()
    common = ["--backend-store-uri", uri, "--artifacts-destination", str(workdir / "artifacts")]
    common += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    env = dict(os.environ)
    if name == "mlflow":
        cmd = [str(MLFLOW_BIN), "server", *common]
        env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    else:
        cmd = [str(RUNHUB_PYTHON), "-m", "runhub", "server", *common]
        env.update(runhub_env)
    log_path = workdir / "server.log"
    started = time.perf_counter()
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            cmd, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, port, process, workdir, log_path, command=cmd)
    try:
        wait_for_health(server, HEALTH_TIMEOUT_S)
    except Exception:
        stop_server(server, keep_workdir=True)
        raise
    server.startup_s = time.perf_counter() - started
    time.sleep(0.5)
    server.idle_rss_mb = tree_rss_mb(server.pid)
    server.idle_rss_by_process = tree_rss_by_process(server.pid)
    return server


def run_one(
    name: str, workload: str, sizes: Sizes, args: argparse.Namespace, runhub_env: dict[str, str]
) -> dict[str, Any]:
    database = f"bench_{name}_{workload}_{uuid.uuid4().hex[:8]}"
    psql(args.pg, f'CREATE DATABASE "{database}"')
    driver = "postgresql+psycopg"
    uri = f"{driver}://postgres@{args.pg}/{database}"
    try:
        try:
            server = start(name, uri, args.workers, runhub_env)
        except Exception as exc:
            return {"error": f"server did not start: {exc}"[:3000]}
        log(f"{name} up on port {server.port} ({server.startup_s:.1f} s)")
        try:
            result = WORKLOADS[workload](server, sizes)
        except Exception as exc:
            log(f"{name} {workload} failed: {exc!r}")
            result = {"error": repr(exc)[:2000], "traceback": traceback.format_exc()[-4000:]}
            result["server_log_tail"] = server.log_path.read_text(errors="replace")[-3000:]
        finally:
            stop_server(server)
        result.update(startup_s=server.startup_s, idle_rss_mb=server.idle_rss_mb)
        return result
    finally:
        psql(args.pg, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def render_section(results: dict[str, Any]) -> str:
    """The section appended to RESULTS.md: one table of ratios per workload."""
    out = [
        "",
        f"## PostgreSQL backend ({results['started']})",
        "",
        "Both servers on a fresh database of the same local PostgreSQL server, "
        f"{results['workers']} worker(s) each, one after the other; same client and workloads "
        "as above. Command:",
        "",
        "```",
        results["command"],
        "```",
        "",
        f"PostgreSQL {results['postgres_version']}; load average at start "
        f"{results['loadavg_start']}, at end {results.get('loadavg_end', '?')}."
        + (" **Quick sizes.**" if results["quick"] else ""),
    ]
    for name, rows in workload_rows(results).items():
        out += ["", f"### {TITLES.get(name, name)} — PostgreSQL", ""]
        out += ["| measure | runhub | MLflow | runhub better by |", "|---|---:|---:|---:|"]
        for row in rows:
            ratio = f"{row.ratio:.1f}x" if row.ratio is not None else "—"
            out.append(
                f"| {row.label} | {_fmt(row.runhub, row.unit)} | {_fmt(row.mlflow, row.unit)} "
                f"| {ratio} |"
            )
        for server, res in results["workloads"][name].items():
            if "error" in res:
                out.append(f"\n- {server}: **failed**: `{res['error'][:300]}`")
    out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--workloads", default=",".join(DEFAULT_WORKLOADS))
    parser.add_argument("--workers", type=int, default=1, help="workers of each server")
    parser.add_argument("--pg", default="127.0.0.1:5432", help="PostgreSQL host:port")
    parser.add_argument("--mixed-duration", type=float, help="seconds of mixed load")
    parser.add_argument("--no-results-md", action="store_true", help="write the JSON only")
    args = parser.parse_args(argv)
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = [w for w in workloads if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workloads {unknown}; choose from {list(WORKLOADS)}")
    check = subprocess.run(
        [str(MLFLOW_PYTHON), "-c", "import psycopg"], capture_output=True, check=False
    )
    if check.returncode != 0:
        parser.error("bench/.venv-mlflow lacks psycopg: run bench/setup_mlflow.sh")
    sizes = QUICK if args.quick else FULL
    if args.mixed_duration is not None:
        sizes = dataclasses.replace(sizes, mixed_duration_s=args.mixed_duration)
    host, port = args.pg.split(":")
    version = subprocess.run(
        ["psql", "-h", host, "-p", port, "-U", "postgres", "-tAc", "show server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    results: dict[str, Any] = {
        "command": shlex.join(["python", "bench/postgres.py", *argv]),
        "started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": args.quick,
        "workers": args.workers,
        "postgres_version": version or "?",
        "loadavg_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "sizes": dataclasses.asdict(sizes),
        "workloads": {},
    }
    out_dir = BENCH_DIR / "out"
    out_dir.mkdir(exist_ok=True)
    json_path = out_dir / f"postgres-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    # One copy of src/runhub for the whole run: edits to the work tree do not change the figures.
    runhub_env, fingerprint = snapshot_runhub_source(Path(tempfile.mkdtemp(prefix="bench-src-")))
    results["runhub_source"] = f"copy of src/runhub, sha256 {fingerprint}"
    for workload in workloads:
        results["workloads"][workload] = {}
        for name in ("runhub", "mlflow"):
            log(f"--- {workload} on {name} (PostgreSQL)")
            result = run_one(name, workload, sizes, args, runhub_env)
            results["workloads"][workload][name] = result
            json_path.write_text(json.dumps(results, indent=2, default=str))
    results["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    json_path.write_text(json.dumps(results, indent=2, default=str))
    if not args.no_results_md:
        with RESULTS_MD.open("a") as md:
            md.write(render_section(results))
        log(f"appended a PostgreSQL section to {RESULTS_MD}")
    log(f"results in {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
