"""Import throughput: ``runhub import-mlflow`` from an MLflow SQLite database into runhub.

    python bench/import_throughput.py [--runs 2000] [--points 200] [--dest sqlite|postgresql]

MLflow's own client creates the schema (in a subprocess, so this process never imports
``mlflow``); the rows are then written straight into MLflow's tables, and the import is timed.
Prints runs/s and metric points/s.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from runhub.lifecycle.importer import import_mlflow_sql, open_mlflow_source
from runhub.store.migrate import ensure_schema
from runhub.store.sql.db import Database

MAKE_SCHEMA = (
    "import sys; from mlflow import MlflowClient; "
    "MlflowClient(tracking_uri=sys.argv[1]).search_experiments()"
)
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"


def fill(path: Path, n_runs: int, n_points: int) -> int:
    """Write ``n_runs`` runs with two metrics of ``n_points`` points each; returns points."""
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
        "creation_time, last_update_time) VALUES (1, 'bench', '/tmp/a', 'active', 0, 0)"
    )
    points = 0
    for i in range(n_runs):
        run_id = uuid.uuid4().hex
        conn.execute(
            "INSERT INTO runs (run_uuid, name, source_type, user_id, status, start_time, "
            "lifecycle_stage, artifact_uri, experiment_id) VALUES (?, ?, 'LOCAL', 'u', "
            "'FINISHED', ?, 'active', ?, 1)",
            (run_id, f"run-{i}", 1_700_000_000_000 + i, f"/tmp/a/{run_id}/artifacts"),
        )
        conn.executemany(
            "INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)",
            [(f"p{k}", str(k), run_id) for k in range(5)],
        )
        conn.executemany(
            "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)",
            [("mlflow.runName", f"run-{i}", run_id), ("team", "a", run_id)],
        )
        for key in ("loss", "acc"):
            rows = [(key, s / 7.0, 1_700_000_000_000 + s, run_id, s, 0) for s in range(n_points)]
            conn.executemany(
                "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(
                "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) "
                "VALUES (?, ?, ?, ?, 0, ?)",
                (key, rows[-1][1], rows[-1][2], rows[-1][4], run_id),
            )
            points += n_points
    conn.commit()
    conn.close()
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--dest", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--mlflow-python", default=sys.executable)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "mlflow.db"
        subprocess.run(
            [args.mlflow_python, "-c", MAKE_SCHEMA, f"sqlite:///{source}"],
            check=True,
            capture_output=True,
        )
        points = fill(source, args.runs, args.points)
        if args.dest == "sqlite":
            dest = f"sqlite:///{tmp}/runhub.db"
        else:
            from sqlalchemy import create_engine, text

            name = f"runhub_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(POSTGRES + "postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            dest = POSTGRES + name
        db = Database(dest)
        ensure_schema(db)
        src = open_mlflow_source(f"sqlite:///{source}", Path(tmp))
        started = time.perf_counter()
        result = import_mlflow_sql(src, db, lambda _kind, _n: None)
        elapsed = time.perf_counter() - started
        src.close()
        db.dispose()
        if args.dest == "postgresql":
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    assert result.complete, result.counts
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.runs} runs, {points} metric points into {args.dest} in {elapsed:.1f} s: "
        f"{args.runs / elapsed:.0f} runs/s, {points / elapsed:.0f} metric points/s; "
        f"peak RSS of the importing process {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
