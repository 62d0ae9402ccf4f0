"""The web UI on a file-store server: tracking pages work; what needs a database (the model
registry, traces) is not offered."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import free_port, live_process


@pytest.fixture(scope="module")
def file_store_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("e2e-file-store")
    port = free_port()
    cmd = [sys.executable, "-m", "runhub", "server", "--backend-store-uri", str(tmp / "mlruns")]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    with live_process(cmd, tmp, port, "/health") as server:
        yield server.url


def test_file_store_pages_offer_only_what_the_store_has(browser: Any, file_store_url: str) -> None:
    api = f"{file_store_url}/api/2.0/mlflow"
    created = requests.post(f"{api}/experiments/create", json={"name": "plain-files"}, timeout=10)
    experiment_id = created.json()["experiment_id"]
    run = requests.post(f"{api}/runs/create", json={"experiment_id": experiment_id}, timeout=10)
    run_id = run.json()["run"]["info"]["run_id"]
    metric = {"run_id": run_id, "key": "loss", "value": 0.5, "timestamp": 1, "step": 0}
    assert requests.post(f"{api}/runs/log-metric", json=metric, timeout=10).status_code == 200

    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=file_store_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"/experiments/{experiment_id}")
        tabs = page.get_by_role("navigation", name="Experiment views")
        tabs.get_by_role("link", name="Runs").wait_for()
        page.get_by_role("cell", name="loss").or_(page.get_by_text("0.5")).first.wait_for()
        page.wait_for_load_state("networkidle")  # server-info has answered
        assert tabs.get_by_role("link", name="Traces").count() == 0
        assert page.get_by_role("banner").get_by_role("link", name="Models").count() == 0
        assert page.get_by_role("banner").get_by_role("link", name="Prompts").count() == 0
        assert page.get_by_role("banner").get_by_role("link", name="Experiments").is_visible()
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
