"""The run page: overview, description, params, metric charts, inputs, tags, errors."""

from __future__ import annotations

from typing import Any

from .conftest import screenshot
from .seed import Seeded


def test_long_history_run(page: Any, seeded: Seeded, client: Any) -> None:
    page.goto(f"/experiments/{seeded.nlp}/runs/{seeded.long_run}")
    page.get_by_role("heading", name="bert-long").wait_for()
    page.get_by_role("link", name="nlp-bert").wait_for()  # the breadcrumb names the experiment
    assert page.get_by_test_id("note-text").inner_text() == "Baseline run"
    params = page.get_by_role("table", name="Parameters")
    assert "bert-base" in params.inner_text()
    metrics = page.get_by_role("table", name="Metrics")
    assert "999" in metrics.inner_text()  # the latest step
    chart = page.locator('.chart-card[data-metric="loss"] canvas')
    chart.wait_for()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200
    inputs = page.locator("section", has=page.get_by_role("heading", name="Inputs"))
    assert "squad-v2" in inputs.inner_text() and "training" in inputs.inner_text()
    screenshot(page, "run-page")

    page.get_by_role("button", name="Edit description").click()
    page.get_by_label("Description").fill("Baseline run\nwith a second line")
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("note-text").filter(has_text="second line").wait_for()
    note = client.get_run(seeded.long_run).data.tags["mlflow.note.content"]
    assert note == "Baseline run\nwith a second line"


def test_history_is_sampled_by_the_server(page: Any, seeded: Seeded) -> None:
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(f"/experiments/{seeded.nlp}/runs/{seeded.long_run}")
    page.locator('.chart-card[data-metric="loss"] canvas').wait_for()
    history = [url for url in requests if "get-history-bulk-interval" in url]
    assert history and all("max_results=" in url for url in history)


def test_nested_links_and_tags(page: Any, seeded: Seeded, client: Any) -> None:
    page.goto(f"/experiments/{seeded.vision}/runs/{seeded.parent}")
    page.get_by_role("heading", name="sweep-parent").wait_for()
    page.get_by_role("link", name="sweep-child-0").click()
    page.get_by_role("heading", name="sweep-child-0").wait_for()
    page.get_by_role("link", name=seeded.parent).wait_for()

    page.get_by_label("Tag key").fill("reviewed")
    page.get_by_label("Tag value").fill("yes")
    page.get_by_role("button", name="Add tag").click()
    page.get_by_role("button", name="Remove tag reviewed").wait_for()
    assert client.get_run(seeded.children[0]).data.tags["reviewed"] == "yes"


def test_unknown_run_shows_the_error(page: Any, seeded: Seeded) -> None:
    page.goto(f"/experiments/{seeded.vision}/runs/0123456789abcdef0123456789abcdef")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "not found" in alert.inner_text().lower()


def test_unknown_page(page: Any, seeded: Seeded) -> None:
    page.goto("/no/such/page")
    page.get_by_role("heading", name="Page not found").wait_for()
