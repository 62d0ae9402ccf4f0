"""Building an MLflow source with the stock client, and running ``runhub import-mlflow``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from runhub.cli.main import cli
from tests.fixtures.live_server import LiveServer, free_port, live_process

SOURCE_SCRIPT = Path(__file__).with_name("mlflow_source.py")


def build_source(
    uri: str, root: Path, artifact_root: str | None = None, env: dict[str, str] | None = None
) -> None:
    """Write every kind of MLflow entity to ``uri`` (a database URI or an ``mlruns`` path) with
    the stock client, in its own process so that ``mlflow`` never runs in the test process.
    Artifacts go under ``artifact_root`` (default ``root/artifacts``)."""
    done = subprocess.run(
        [sys.executable, str(SOURCE_SCRIPT), uri, artifact_root or str(root / "artifacts")],
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def run_import(source: str, dest: str, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(
        cli,
        ["import-mlflow", source, "--backend-store-uri", dest, *args],
        env=env,
        catch_exceptions=False,
    )


def report_lines(output: str) -> list[str]:
    """The lines of the final per-entity report."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("entity"))
    return [line for line in lines[start + 1 :] if len(line.split()) >= 3]


def counts(output: str) -> dict[str, list[str]]:
    """Entity name -> [count in MLflow, count in runhub] from the final report."""
    return {" ".join(line.split()[:-2]): line.split()[-2:] for line in report_lines(output)}


@contextmanager
def mlflow_server(backend_store_uri: str, cwd: Path) -> Iterator[LiveServer]:
    """MLflow's own server on ``backend_store_uri`` (a database or an ``mlruns`` path)."""
    port = free_port()
    cmd = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", backend_store_uri]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    env = {"MLFLOW_ALLOW_FILE_STORE": "true", "MLFLOW_DISABLE_TELEMETRY": "true"}
    with live_process(cmd, cwd, port, "/health", env) as server:
        yield server
