"""Running runs update on screen without a reload."""

from __future__ import annotations

import time
from typing import Any

from .seed import Seeded

LIVE_TIMEOUT_MS = 20_000


def test_runs_table_follows_a_running_run(page: Any, seeded: Seeded, client: Any) -> None:
    run_id = seeded.runs["bert-0"]
    page.goto(f"/experiments/{seeded.nlp}?cols=metrics.loss")
    row = page.locator(f'[data-run-id="{run_id}"]')
    row.get_by_text("RUNNING").wait_for()
    assert "0.5" in row.inner_text()

    client.log_metric(run_id, "loss", 0.125, step=7, timestamp=int(time.time() * 1000))
    row.get_by_text("0.125").wait_for(timeout=LIVE_TIMEOUT_MS)
    client.set_terminated(run_id)
    row.get_by_text("FINISHED").wait_for(timeout=LIVE_TIMEOUT_MS)


def test_run_page_follows_its_metrics(page: Any, seeded: Seeded, client: Any) -> None:
    run_id = seeded.runs["bert-1"]
    page.goto(f"/experiments/{seeded.nlp}/runs/{run_id}")
    metrics = page.get_by_role("table", name="Metrics")
    metrics.get_by_text("0.6").wait_for()
    client.log_metric(run_id, "loss", 0.0625, step=3, timestamp=int(time.time() * 1000))
    client.log_metric(run_id, "grad_norm", 1.5, step=3, timestamp=int(time.time() * 1000))
    metrics.get_by_text("0.0625").wait_for(timeout=LIVE_TIMEOUT_MS)
    page.locator('.chart-card[data-metric="grad_norm"] canvas').wait_for(timeout=LIVE_TIMEOUT_MS)
