"""A long runs table: pages load as it scrolls, and only the visible rows are in the page."""

from __future__ import annotations

import re
import time
from typing import Any

from .seed import Seeded

RUNS = 450
PAGE_SIZE = 200  # the table's page size (ui/src/lib/useRunPages.ts)


def test_scrolling_loads_pages(page: Any, seeded: Seeded, client: Any) -> None:
    experiment = client.create_experiment(f"many-runs-{time.time_ns()}")
    now = int(time.time() * 1000)
    for i in range(RUNS):
        client.create_run(experiment, run_name=f"r-{i:03d}", start_time=now - i)

    page.goto(f"/experiments/{experiment}")
    count = page.get_by_test_id("run-count")
    count.filter(has_text=re.compile(rf"^{PAGE_SIZE}\+ runs")).wait_for()
    rendered = page.locator(".runs-table [role=row][data-run-id]").count()
    assert 0 < rendered < 80, rendered

    scroller = page.locator(".runs-scroller")
    scroller.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    count.filter(has_text=re.compile(rf"^{2 * PAGE_SIZE}\+ runs")).wait_for()
    scroller.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    count.filter(has_text=re.compile(rf"^{RUNS} runs")).wait_for()
    scroller.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    page.get_by_role("link", name="r-449").wait_for()  # the oldest run, at the very bottom
    assert page.locator(".runs-table [role=row][data-run-id]").count() < 80
