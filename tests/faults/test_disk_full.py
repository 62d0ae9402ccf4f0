"""A full disk: writes get 507 naming the store that is full, reads go on, and writes work again
once space is freed, without a restart. The backend store (a SQLite database, an mlruns
directory, or a PostgreSQL database in a tablespace) and the artifacts live on a small tmpfs
that the test fills."""

from __future__ import annotations

import contextlib
import errno
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.faults.load import BATCH, api, batch_body, create_run
from tests.fixtures.databases import POSTGRES_ADMIN
from tests.fixtures.live_server import free_port, live_process

DISK_SIZE = "32m"


@contextmanager
def mounted_tmpfs(mount_point: Path, *options: str) -> Iterator[Path]:
    """A small tmpfs on ``mount_point``, unmounted afterwards."""
    size = ",".join([f"size={DISK_SIZE}", *options])
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", size, "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@contextmanager
def postgres_database_on(disk: Path) -> Iterator[str]:
    """A PostgreSQL database whose tables live in a tablespace on ``disk``."""
    name = f"runhub_full_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE TABLESPACE {name} LOCATION '{disk}'")
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TABLESPACE {name}')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(text(f"DROP TABLESPACE IF EXISTS {name}"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "mlruns", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_on_small_disk(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Path, str]]:
    """A small disk and the backend store URI on it."""
    if request.param != "postgresql":
        disk = tmp_path / "disk"
        disk.mkdir()
        with mounted_tmpfs(disk):
            uri = {"sqlite": f"sqlite:///{disk}/runhub.db", "mlruns": f"{disk}/mlruns"}
            yield disk, uri[request.param]
        return
    # The database server reads the tablespace as its own user, outside root's pytest folders.
    owner = pwd.getpwnam("postgres")
    disk = Path(tempfile.mkdtemp(prefix="runhub-pg-disk-"))
    try:
        ids = (f"uid={owner.pw_uid}", f"gid={owner.pw_gid}", "mode=0700")
        with mounted_tmpfs(disk, *ids), postgres_database_on(disk) as uri:
            yield disk, uri
    finally:
        shutil.rmtree(disk, ignore_errors=True)


def fill(disk: Path) -> Path:
    """Write a file until the disk has no byte left; the file."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
    return filler


def upload(session: requests.Session, base: str, path: str, size: int) -> requests.Response:
    return session.put(
        f"{base}/api/2.0/mlflow-artifacts/artifacts/{path}", data=os.urandom(size), timeout=60
    )


def start_multipart(
    session: requests.Session, base: str, data: bytes
) -> tuple[str, dict[str, Any]]:
    """A local multipart upload of ``data`` in one part; the URL and body that complete it."""
    created = session.post(
        f"{base}/api/2.0/mlflow-artifacts/mpu/create/1",
        json={"path": "multi.bin", "num_parts": 1},
    )
    assert created.status_code == 200, created.text
    upload_id = created.json()["upload_id"]
    part = session.put(created.json()["credentials"][0]["url"], data=data)
    assert part.status_code == 200, part.text
    parts = [{"part_number": 1, "etag": part.headers["ETag"]}]
    body = {"path": "multi.bin", "upload_id": upload_id, "parts": parts}
    return f"{base}/api/2.0/mlflow-artifacts/mpu/complete/1", body


def staged_parts(disk: Path) -> list[str]:
    return [p.name for p in (disk / "artifacts" / ".runhub-staging").rglob("*.part")]


def test_full_disk_is_reported_reads_go_on_and_writes_recover(
    backend_on_small_disk: tuple[Path, str], tmp_path: Path
) -> None:
    small_disk, uri = backend_on_small_disk
    port = free_port()
    cmd = [
        sys.executable,
        *("-m", "runhub", "server", "--port", str(port)),
        *("--backend-store-uri", uri),
        *("--artifacts-destination", str(small_disk / "artifacts")),
    ]
    # The log stays off the small disk.
    with live_process(cmd, tmp_path, port, "/health") as server:
        base = server.url
        session = requests.Session()  # one kept-alive connection: it must survive every error
        run_id = create_run(base)
        assert session.post(api(base, "runs/log-batch"), json=batch_body(run_id, "m", 0)).ok
        assert upload(session, base, "1/kept.bin", 1000).status_code == 200
        multipart = start_multipart(session, base, os.urandom(2 << 20))
        filler = fill(small_disk)

        # The backend store: batches until they no longer fit (SQLite's WAL and the last page of
        # a metric file may have room left).
        step, answer = BATCH, None
        for _ in range(200):
            answer = session.post(
                api(base, "runs/log-batch"), json=batch_body(run_id, "m", step), timeout=30
            )
            if answer.status_code != 200:
                break
            step += BATCH
        assert answer is not None and answer.status_code == 507, answer and answer.text
        body = answer.json()
        assert body["error_code"] == "RESOURCE_EXHAUSTED"
        assert "backend store is full" in body["message"]

        # Artifacts: a small body and a streamed one; neither leaves a partial file.
        for size in (1000, 3 << 20):
            answer = upload(session, base, f"1/big-{size}.bin", size)
            assert answer.status_code == 507, answer.text
            assert answer.json()["error_code"] == "RESOURCE_EXHAUSTED"
            assert "artifact store is full" in answer.json()["message"]
        # Joining the parts needs room for the whole file.
        answer = session.post(multipart[0], json=multipart[1])
        assert answer.status_code == 507 and "artifact store" in answer.json()["message"]
        assert staged_parts(small_disk) == []

        # Reads are served.
        assert session.get(api(base, "runs/get"), params={"run_id": run_id}).status_code == 200
        history = session.get(
            api(base, "metrics/get-history"), params={"run_id": run_id, "metric_key": "m"}
        )
        assert history.status_code == 200 and len(history.json()["metrics"]) == step
        kept = session.get(f"{base}/api/2.0/mlflow-artifacts/artifacts/1/kept.bin")
        assert kept.status_code == 200 and len(kept.content) == 1000

        # Space comes back: writes work again, on the same server and connection.
        filler.unlink()
        answer = session.post(api(base, "runs/log-batch"), json=batch_body(run_id, "m", step))
        assert answer.status_code == 200, answer.text
        assert upload(session, base, "1/after.bin", 3 << 20).status_code == 200
        # The multipart upload's parts were kept: completing it again works.
        assert session.post(multipart[0], json=multipart[1]).status_code == 200
        history = session.get(
            api(base, "metrics/get-history"), params={"run_id": run_id, "metric_key": "m"}
        )
        assert len(history.json()["metrics"]) == step + BATCH
        log = server.log.read_text(errors="replace")
        assert "Traceback" not in log
        assert "is full" in log  # the operator is told too


def test_fill_leaves_no_space(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path) as small_disk:
        check_fill(small_disk)


def check_fill(small_disk: Path) -> None:
    filler = fill(small_disk)
    with pytest.raises(OSError) as raised, (small_disk / "more").open("wb", buffering=0) as out:
        out.write(b"x" * 8192)
    assert raised.value.errno == errno.ENOSPC
    filler.unlink()


CLIENT_SCRIPT = """
import sys, time
from mlflow.entities import Metric
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

client = MlflowClient(sys.argv[1])
run_id = client.create_run("0").info.run_id
filler = open(sys.argv[2], "wb", buffering=0)
try:
    while filler.write(b"x" * 65536):
        pass
except OSError:
    pass
for step in range(0, 100_000, 500):
    metrics = [Metric("m", 1.0, 1, step + i) for i in range(500)]
    started = time.monotonic()
    try:
        client.log_batch(run_id, metrics=metrics)
    except MlflowException as exc:
        print(f"{time.monotonic() - started:.1f}", exc.error_code, exc.message, sep="|")
        break
"""


@pytest.mark.compat
def test_the_stock_client_reports_a_full_disk_at_once(tmp_path: Path) -> None:
    """The client retries 503s for minutes (hiding the message); a 507 it raises at once."""
    disk = tmp_path / "disk"
    disk.mkdir()
    port = free_port()
    cmd = [
        sys.executable,
        *("-m", "runhub", "server", "--port", str(port)),
        *("--backend-store-uri", f"sqlite:///{disk}/runhub.db"),
        *("--artifacts-destination", str(disk / "artifacts")),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_HTTP_REQUEST")}
    with mounted_tmpfs(disk), live_process(cmd, tmp_path, port, "/health") as server:
        client = subprocess.run(
            [sys.executable, "-c", CLIENT_SCRIPT, server.url, str(disk / "filler")],
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"},
        )
    seconds, code, message = client.stdout.strip().split("|", 2)
    assert code == "RESOURCE_EXHAUSTED", client.stderr[-2000:]
    assert "The backend store is full" in message
    assert float(seconds) < 5, "the client retried"
