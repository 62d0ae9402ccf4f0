"""Start, watch and stop the tracking servers under test.

Each server runs as its own process group (so its worker children are stopped with it), on a
free 127.0.0.1 port, with a fresh SQLite database and artifact folder in a temporary directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
MLFLOW_BIN = BENCH_DIR / ".venv-mlflow" / "bin" / "mlflow"
RUNHUB_PYTHON = REPO_DIR / ".venv" / "bin" / "python"
SERVER_NAMES = ("runhub", "mlflow")
HEALTH_TIMEOUT_S = 180.0


@dataclass
class Server:
    """A running server process and where to reach it."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    log_path: Path
    idle_rss_mb: float = 0.0
    idle_rss_by_process: list[str] = field(default_factory=list)
    startup_s: float = 0.0
    command: list[str] = field(default_factory=list)
    profile_to: Path | None = None  # set: measured loops record py-spy samples next to it
    profiles_taken: int = 0

    def profiler(self) -> Profiler:
        """A py-spy recorder for one measured loop (does nothing unless `profile_to` is set)."""
        if self.profile_to is None:
            return Profiler(self.pid, Path(), enabled=False)
        self.profiles_taken += 1
        path = self.profile_to
        return Profiler(self.pid, path.with_name(f"{path.stem}-{self.profiles_taken}{path.suffix}"))

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def host(self) -> str:
        return "127.0.0.1"


def free_port() -> int:
    """Ask the kernel for a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(
    name: str, db: Path, artifacts: Path, port: int
) -> tuple[list[str], dict[str, str]]:
    """The command line and extra environment that start server `name`."""
    common = [
        "--backend-store-uri",
        f"sqlite:///{db}",
        "--artifacts-destination",
        str(artifacts),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    if name == "mlflow":
        # Without this MLflow starts background job-runner processes we are not measuring.
        return [str(MLFLOW_BIN), "server", *common], {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    if name == "runhub":
        return [str(RUNHUB_PYTHON), "-m", "runhub", "server", *common], {}
    raise ValueError(f"unknown server {name!r}")


def snapshot_runhub_source(dest: Path) -> tuple[dict[str, str], str]:
    """Copy src/runhub into `dest` so one bench run measures one version of the code while
    the work tree keeps changing; returns the environment that makes the server import the
    copy, and a fingerprint of the copied source."""
    src = REPO_DIR / "src" / "runhub"
    shutil.copytree(src, dest / "runhub", ignore=shutil.ignore_patterns("__pycache__"))
    digest = hashlib.sha256()
    for path in sorted((dest / "runhub").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(dest)).encode())
            digest.update(path.read_bytes())
    return {"PYTHONPATH": str(dest)}, digest.hexdigest()[:12]


def server_available(name: str, env: dict[str, str] | None = None) -> tuple[bool, str]:
    """Whether server `name` can be started here, and why not."""
    if name == "mlflow":
        if MLFLOW_BIN.exists():
            return True, ""
        return False, f"{MLFLOW_BIN} missing: run bench/setup_mlflow.sh"
    if not RUNHUB_PYTHON.exists():
        return False, f"{RUNHUB_PYTHON} missing"
    probe = subprocess.run(
        [str(RUNHUB_PYTHON), "-m", "runhub", "server", "--help"],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if probe.returncode == 0:
        return True, ""
    lines = probe.stderr.decode(errors="replace").strip().splitlines()
    return False, lines[-1] if lines else f"'runhub server --help' exited {probe.returncode}"


def start_server(name: str, env_overrides: dict[str, str] | None = None) -> Server:
    """Start server `name` on a fresh database and wait until /health answers.

    Raises RuntimeError when the process exits or /health does not answer in time.
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    artifacts = workdir / "artifacts"
    artifacts.mkdir()
    port = free_port()
    cmd, extra_env = server_command(name, workdir / "db.sqlite", artifacts, port)
    log_path = workdir / "server.log"
    env = {**os.environ, **extra_env, **(env_overrides or {})}
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a unit by its PID
        )
    server = Server(name, port, process, workdir, log_path, command=cmd)
    try:
        wait_for_health(server, HEALTH_TIMEOUT_S)
    except BaseException:  # also on SIGTERM/Ctrl-C while waiting: never leave it running
        stop_server(server)  # the error message already carries the log's tail
        raise
    server.startup_s = time.perf_counter() - started
    time.sleep(0.5)  # let start-up allocations settle before the idle reading
    server.idle_rss_mb = tree_rss_mb(server.pid)
    server.idle_rss_by_process = tree_rss_by_process(server.pid)
    return server


def wait_for_health(server: Server, timeout_s: float) -> None:
    """Poll GET /health until it answers 200; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{tail}")
        try:
            conn = http.client.HTTPConnection(server.host, server.port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    tail = server.log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{server.name} did not answer /health within {timeout_s:.0f} s:\n{tail}")


def stop_server(server: Server, keep_workdir: bool = False) -> None:
    """Stop the server's process group (SIGTERM, then SIGKILL) and remove its temp dir unless
    `keep_workdir`."""
    pgid = server.pid  # start_new_session made the server the leader of its own group
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)  # children that ignored SIGTERM
    server.process.wait(timeout=15)
    if not keep_workdir:
        shutil.rmtree(server.workdir, ignore_errors=True)


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces and parentheses; fields resume after the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Current resident memory (VmRSS) of `pid` and its descendants, in MB."""
    return sum(_status_kb(p, "VmRSS") for p in process_tree(pid)) / 1024


def tree_rss_by_process(pid: int) -> list[str]:
    """'<program> <MB>' for each process in the tree, to show where memory sits."""
    out = []
    for p in process_tree(pid):
        try:
            argv = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv if a]
        name = " ".join(Path(w).name if i == 0 else w for i, w in enumerate(words[:3]))
        out.append(f"{name} {_status_kb(p, 'VmRSS') / 1024:.0f} MB")
    return out


def tree_hwm_mb(pid: int) -> float:
    """Sum of each process's peak resident memory (VmHWM) in the tree, in MB (an upper bound)."""
    return sum(_status_kb(p, "VmHWM") for p in process_tree(pid)) / 1024


def tree_cpu_s(pid: int) -> float:
    """User plus system CPU seconds used so far by `pid` and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class RssSampler:
    """Polls a process tree's VmRSS in a background thread and keeps the peak."""

    def __init__(self, pid: int, interval_s: float = 0.02) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.peak_mb = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        pids = process_tree(self.pid)
        last_tree = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() - last_tree > 1.0:  # re-read the tree now and then, it is slow
                pids, last_tree = process_tree(self.pid), time.monotonic()
            rss = sum(_status_kb(p, "VmRSS") for p in pids) / 1024
            self.peak_mb = max(self.peak_mb, rss)
            self.samples += 1
            self._stop.wait(self.interval_s)

    def __enter__(self) -> RssSampler:
        self.peak_mb = tree_rss_mb(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class Profiler:
    """Optionally records a py-spy flame graph of a server while a workload runs."""

    PY_SPY = BENCH_DIR / ".venv-mlflow" / "bin" / "py-spy"

    def __init__(self, pid: int, output: Path, enabled: bool = True) -> None:
        self.pid = pid
        self.output = output  # .svg: flame graph; anything else: collapsed stacks
        self.enabled = enabled and self.PY_SPY.exists()
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Profiler:
        if self.enabled:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            fmt = "flamegraph" if self.output.suffix == ".svg" else "raw"
            cmd = [str(self.PY_SPY), "record", "--subprocesses", "--pid", str(self.pid)]
            cmd += ["--rate", "200", "--format", fmt, "--output", str(self.output), "--nonblocking"]
            self._proc = subprocess.Popen(
                cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            # py-spy writes the flame graph when interrupted
            os.kill(self._proc.pid, signal.SIGINT)
            try:
                self._proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.kill(self._proc.pid, signal.SIGKILL)
                self._proc.wait(timeout=10)
