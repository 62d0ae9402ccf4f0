"""A live runhub server, seeded through the stock ``mlflow`` client, and a headless Chromium.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``) driven by Playwright; test tools'
own browser downloads are not used. Screenshots land in ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from .seed import Seeded, seed

os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

CHROMIUM = os.environ.get("RUNHUB_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
STARTUP_TIMEOUT_S = 60.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # One server and one browser for the whole module set: keep every e2e test on one worker.
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/") or item.nodeid.startswith("e2e/"):
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(tmp: Path, *extra: str) -> Iterator[str]:
    """``runhub server`` on a free loopback port with a fresh SQLite store; yields its URL."""
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "runhub",
        "server",
        "--backend-store-uri",
        f"sqlite:///{tmp / 'mlflow.db'}",
        "--artifacts-destination",
        str(tmp / "mlartifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]
    log = tmp / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=tmp, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if requests.get(f"{url}/health", timeout=2).status_code in (200, 404):
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not healthy after {STARTUP_TIMEOUT_S}s")
            time.sleep(0.2)
        yield url
    finally:
        # The server runs in its own session: its group id is its pid, so this reaches only it.
        for sig, wait_s in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            if proc.poll() is not None:
                break
            os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait_s)
            except subprocess.TimeoutExpired:
                continue


# Tests wait on the browser for seconds between client calls; uvicorn's 5 s default would close
# the client's idle pooled connection meanwhile, and the next call (no retries) would fail.
KEEP_ALIVE = ("--uvicorn-opts", "--timeout-keep-alive 300")


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("e2e-server"), *KEEP_ALIVE) as url:
        yield url


@pytest.fixture(scope="session")
def client(server_url: str) -> Any:
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=server_url)


@pytest.fixture(scope="session")
def seeded(client: Any) -> Seeded:
    return seed(client)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright gives every launch a fresh, empty profile directory of its own.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, server_url: str, seeded: Seeded) -> Iterator[Any]:
    index = requests.get(server_url + "/", timeout=10).text
    assert 'id="root"' in index, "the web UI is not built: run `make install`"
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=server_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def screenshot(page: Any, name: str) -> Path:
    """Save what the page shows as ``docs/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


# Counts the coloured pixels of a canvas: grid, axes and text are grey, every series colour is
# saturated, so a chart that drew no line or point counts (close to) zero.
_COLOURED_PIXELS = """(canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
    if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) count++;
  }
  return count;
}"""


def coloured_pixels(canvas: Any) -> int:
    """How many pixels of a chart canvas hold a series colour (not background, grid or text)."""
    return int(canvas.evaluate(_COLOURED_PIXELS))


E2E_ADMIN = ("admin", "e2e-admin-password")


@contextmanager
def basic_auth_server(tmp: Path) -> Iterator[str]:
    """``runhub server --app-name basic-auth`` with admin ``E2E_ADMIN``; yields its URL."""
    from tests.fixtures.live_server import runhub_server

    config = tmp / "auth.ini"
    config.write_text(
        f"[mlflow]\ndatabase_uri = sqlite:///{tmp / 'auth.db'}\n"
        f"admin_username = {E2E_ADMIN[0]}\nadmin_password = {E2E_ADMIN[1]}\n"
    )
    env = {
        "MLFLOW_AUTH_CONFIG_PATH": str(config),
        "MLFLOW_FLASK_SERVER_SECRET_KEY": "e2e-secret-key-for-the-sign-in-cookie",
    }
    with runhub_server(
        tmp, str(tmp / "mlartifacts"), "--app-name", "basic-auth", env=env
    ) as server:
        yield server.url
