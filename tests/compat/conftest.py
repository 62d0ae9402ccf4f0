"""A live tracking server per session, driven by the stock ``mlflow`` client.

``RUNHUB_COMPAT_TARGET`` picks the server (see ``target.py``). Against runhub, the tracking
modules run twice, on a SQLite store and on a file store (an ``mlruns`` directory): the
``backend`` parameter of the server. A test about a database-only feature carries
``@pytest.mark.database_only("why")`` and is skipped on the file store with that reason.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from .rest import Rest
from .target import ON_MLFLOW, TARGET

# The client reads these when it is imported or when it sends a request: no retries, so a server
# bug fails the test at once instead of backing off for minutes, and no telemetry leaves the host.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

STARTUP_TIMEOUT_S = 90.0
SHUTDOWN_TIMEOUT_S = 10.0
_server_logs: list[Path] = []  # shown at the end of the run, to read the server's side of a failure


# Modules whose tests also run against a file-store server (tracking works there too), and
# the one that runs only there (what a file store refuses).
FILE_STORE_MODULES = frozenset(
    {
        "test_artifacts",
        "test_errors",
        "test_experiments",
        "test_lineage",
        "test_logged_models",
        "test_metric_history",
        "test_run_data",
        "test_runs",
        "test_search_runs",
        "test_wire",
    }
)
FILE_STORE_ONLY_MODULES = frozenset({"test_file_store"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "compat: drives a live server with the real mlflow client")
    config.addinivalue_line(
        "markers", "database_only(reason): needs a database backend; skipped on the file store"
    )
    config.addinivalue_line(
        "markers", "runhub_only: a runhub extension of the protocol; skipped against MLflow"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in FILE_STORE_ONLY_MODULES:
        backends = ["file"]
    elif module in FILE_STORE_MODULES and not ON_MLFLOW:
        backends = ["sqlite", "file"]
    else:
        backends = ["sqlite"]
    metafunc.parametrize("backend", backends, indirect=True, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("database_only")
        callspec = getattr(item, "callspec", None)
        if marker and callspec is not None and callspec.params.get("backend") == "file":
            reason = marker.args[0] if marker.args else "needs a database backend"
            item.add_marker(pytest.mark.skip(reason=f"file store: {reason}"))
    if not ON_MLFLOW:
        return
    skip = pytest.mark.skip(reason="runhub extension; MLflow does not implement it")
    for item in items:
        if item.get_closest_marker("runhub_only"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for log in _server_logs:
        terminalreporter.write_line(f"compat server ({TARGET}) log: {log}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _backend_options(tmp: Path, backend: str) -> list[str]:
    if backend == "file":
        # Artifacts through the proxy, as on SQLite, so the artifact tests read the same on both;
        # the file store's own default (<run>/artifacts) is covered by tests/filestore.
        return [
            "--backend-store-uri",
            str(tmp / "mlruns"),
            "--default-artifact-root",
            "mlflow-artifacts:/",
        ]
    return ["--backend-store-uri", f"sqlite:///{tmp / 'mlflow.db'}"]


def _server_command(tmp: Path, port: int, backend: str) -> tuple[list[str], dict[str, str]]:
    bin_dir = Path(sys.executable).parent
    stores = [
        *_backend_options(tmp, backend),
        "--artifacts-destination",
        str(tmp / "mlartifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    env = dict(os.environ)
    if ON_MLFLOW:
        env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
        return [str(bin_dir / "mlflow"), "server", *stores, "--workers", "1"], env
    if TARGET == "runhub":
        return [sys.executable, "-m", "runhub", "server", *stores], env
    raise pytest.UsageError(f"RUNHUB_COMPAT_TARGET must be 'runhub' or 'mlflow', not {TARGET!r}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    # The server runs in its own session, so its group id is its pid: this reaches the workers
    # it spawned (MLflow's CLI starts uvicorn as a child) and nothing else.
    for sig, wait_s in ((signal.SIGTERM, SHUTDOWN_TIMEOUT_S), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue


def _log_tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The server's backend store: ``sqlite`` or ``file`` (see ``pytest_generate_tests``)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[str]:
    """Start the server on a free loopback port with a fresh store; yield its URL."""
    tmp = tmp_path_factory.mktemp(f"compat-server-{backend}")
    port = _free_port()
    cmd, env = _server_command(tmp, port, backend)
    log = tmp / "server.log"
    _server_logs.append(log)
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.exit(f"server exited with {proc.returncode}:\n{_log_tail(log)}", 3)
            try:
                resp = requests.get(f"{url}/health", timeout=2)
                if resp.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.exit(f"server not healthy after {STARTUP_TIMEOUT_S}s:\n{_log_tail(log)}", 3)
            time.sleep(0.2)
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def tracking_uri(server_url: str) -> str:
    """Point the fluent ``mlflow`` API at the server."""
    import mlflow
    from mlflow.telemetry import set_telemetry_client

    set_telemetry_client()  # re-reads MLFLOW_DISABLE_TELEMETRY in case mlflow was imported early
    mlflow.set_tracking_uri(server_url)
    return server_url


@pytest.fixture(scope="session")
def client(tracking_uri: str) -> Any:
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri)


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    """A name no other test uses: the test's own name plus a random suffix."""
    return f"{request.node.name[:60]}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def experiment_id(client: Any, unique_name: str) -> str:
    """A fresh experiment for this test alone."""
    return str(client.create_experiment(unique_name))


@pytest.fixture(autouse=True)
def _no_active_run_left(request: pytest.FixtureRequest) -> Iterator[None]:
    # A test that fails inside ``mlflow.start_run`` must not leak its run into the next test.
    yield
    if "tracking_uri" in request.fixturenames:
        import mlflow

        while mlflow.active_run() is not None:
            mlflow.end_run()


@pytest.fixture(scope="session")
def rest(server_url: str) -> Rest:
    return Rest(server_url)
