"""The API reference page: the server's OpenAPI description, grouped, filterable, in the UI."""

from __future__ import annotations

from typing import Any

from .conftest import screenshot


def test_api_reference_lists_and_filters_operations(page: Any) -> None:
    page.goto("/experiments")
    page.get_by_role("link", name="API", exact=True).click()
    page.wait_for_url("**/api-reference")
    runs = page.get_by_role("region", name="Runs")
    log_batch = runs.locator("summary", has_text="/api/2.0/mlflow/runs/log-batch")
    log_batch.wait_for()
    assert "POST" in log_batch.inner_text()
    assert page.locator("summary", has_text="/ajax-api/").count() == 0  # the mirror is hidden

    page.get_by_label("Filter operations").fill("log-batch")
    assert page.locator("details.api-op").count() == 1
    log_batch.click()
    fields = page.get_by_role("table", name="Body fields")
    for name in ("run_id", "metrics", "metrics[].key", "metrics[].value", "params[].key"):
        fields.get_by_role("cell", name=name, exact=True).wait_for()
    assert "double" in fields.inner_text() and "int64" in fields.inner_text()
    screenshot(page, "api-reference")

    page.get_by_label("Include the /ajax-api mirror").check()
    page.locator("summary", has_text="/ajax-api/2.0/mlflow/runs/log-batch").wait_for()
    page.get_by_label("Filter operations").fill("nothing-like-this")
    page.get_by_text("No operation matches.").wait_for()

    # GET operations take query parameters; path parameters are listed too.
    page.goto("/api-reference?q=logged-models+tags+delete")
    summary = page.locator("summary", has_text="/api/2.0/mlflow/logged-models/{model_id}/tags/")
    summary.click()
    params = page.get_by_role("table", name="Parameters")
    params.get_by_role("cell", name="tag_key", exact=True).wait_for()
    assert "path" in params.inner_text()
