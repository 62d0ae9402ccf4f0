"""uvicorn, gunicorn and waitress as users pick them: each serves, none stalls keep-alive calls."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from runhub.cli.launch import choose_server
from tests.runtime.live import running

# uvicorn on the plain asyncio loop is where several workers used to lose TCP_NODELAY.
SERVERS = {
    "uvicorn-2-workers": ("--workers", "2", "--uvicorn-opts", "--loop asyncio"),
    "gunicorn-2-workers": ("--workers", "2", "--gunicorn-opts", "--log-level warning"),
    "waitress": ("--waitress-opts", "--threads=4"),
}


def keep_alive_p50_ms(server_port: int, path: str, requests: int = 50) -> float:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server_port, timeout=30)
    body = b'{"max_results": 1}'
    headers = {"Content-Type": "application/json"}
    conn.request("POST", path, body=body, headers=headers)
    assert conn.getresponse().read()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        assert response.status == 200, response.read()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
    conn.close()
    return sorted(timings)[len(timings) // 2]


@pytest.mark.parametrize("name", list(SERVERS))
def test_server_serves_without_a_delayed_ack_stall(name: str, tmp_path: Path) -> None:
    with running(tmp_path, *SERVERS[name]) as server:
        assert server.get("/version")[0] == 200
        # A regression guard for the ~40 ms Nagle/delayed-ACK stall, not a speed test.
        p50 = keep_alive_p50_ms(server.port, "/api/2.0/mlflow/experiments/search")
        assert p50 < 15, f"{name}: keep-alive p50 {p50:.1f} ms"
        assert server.get("/api/2.0/mlflow/experiments/get?experiment_id=0")[0] == 200


def runhub_server(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runhub", "server", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--uvicorn-opts", "", "--gunicorn-opts", ""), "cannot be combined"),
        (("--gunicorn-opts", "-t 5", "--waitress-opts", ""), "cannot be combined"),
        (("--dev", "--gunicorn-opts", ""), "--dev"),
        (("--dev", "--waitress-opts", ""), "--dev"),
        (("--uvicorn-opts", "--no-such-option"), "--uvicorn-opts"),
        (("--static-prefix", "mlflow"), "must start with '/'"),
        (("--static-prefix", "/mlflow/"), "must not end with '/'"),
        (("--static-prefix", "/ml{x}"), "must not contain"),
    ],
)
def test_impossible_options_are_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = runhub_server(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert message in result.stderr


def test_gunicorn_is_refused_on_windows_with_a_way_out() -> None:
    with pytest.raises(click.UsageError, match="--waitress-opts"):
        choose_server(None, "--timeout 5", None, dev=False, platform="win32")
    assert choose_server(None, None, "--threads=2", dev=False, platform="win32").kind == "waitress"


def test_options_are_passed_through_to_the_chosen_server() -> None:
    choice = choose_server(None, "--timeout 120 --keep-alive 5", None, dev=False)
    assert (choice.kind, choice.opts) == ("gunicorn", ("--timeout", "120", "--keep-alive", "5"))
    assert choose_server(None, None, None, dev=True).kind == "uvicorn"


def test_dev_serves_with_auto_reload(tmp_path: Path) -> None:
    with running(tmp_path, "--dev") as server:
        assert server.get("/health") == (200, b"OK")
        for _ in range(50):
            if "reloader" in server.log_text().lower():
                break
            time.sleep(0.1)
        assert "reloader" in server.log_text().lower(), server.log_text()
