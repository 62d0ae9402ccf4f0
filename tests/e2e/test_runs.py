"""The runs table: filter, sort, status and lifecycle, nesting, selection, bulk actions, CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from .conftest import screenshot
from .seed import RUNS_PER_EXPERIMENT, Seeded


def body_rows(page: Any) -> Any:
    return page.locator(".runs-table [role=row][data-run-id]")


def row_names(page: Any) -> list[str]:
    return [name.strip() for name in page.locator("[data-run-id] .td.name a").all_inner_texts()]


def wait_count(page: Any, count: int) -> None:
    page.get_by_test_id("run-count").filter(has_text=re.compile(rf"^{count} runs")).wait_for()


def wait_first_row(page: Any, name: str) -> None:
    page.wait_for_function(
        "name => document.querySelector('[data-run-id] .td.name a')?.textContent === name", arg=name
    )


def open_runs(page: Any, seeded: Seeded, query: str = "") -> None:
    page.goto(f"/experiments/{seeded.vision}{query}")
    page.get_by_role("heading", name="vision-resnet").wait_for()
    body_rows(page).first.wait_for()


def test_runs_table_with_nested_runs(page: Any, seeded: Seeded) -> None:
    open_runs(page, seeded)
    total = RUNS_PER_EXPERIMENT + 3
    wait_count(page, total)
    names = row_names(page)
    # Newest first; the children follow their parent, indented.
    parent = names.index("sweep-parent")
    assert names[parent + 1 : parent + 3] == ["sweep-child-1", "sweep-child-0"]
    child = page.locator(f'[data-run-id="{seeded.children[0]}"] .td.name')
    assert child.locator(".nest-mark").count() == 1
    header = [h.strip() for h in page.locator(".thead .th-label").all_inner_texts()]
    assert {"acc", "loss", "val_acc", "param lr", "param optimizer"} <= set(header)
    screenshot(page, "runs-table")

    page.get_by_role("button", name="Collapse children").click()
    page.locator(f'[data-run-id="{seeded.children[0]}"]').wait_for(state="detached")
    page.get_by_role("button", name="Expand children").click()
    page.locator(f'[data-run-id="{seeded.children[0]}"]').wait_for()


def test_filter_valid_and_invalid(page: Any, seeded: Seeded) -> None:
    open_runs(page, seeded)
    box = page.get_by_label("Filter runs")
    box.fill("metrics.acc > 0.9 AND params.lr = '0.1'")
    box.press("Enter")
    wait_count(page, 1)
    assert row_names(page) == ["resnet-27"]
    query = parse_qs(urlparse(page.url).query)
    assert query["filter"] == ["metrics.acc > 0.9 AND params.lr = '0.1'"]

    # The deep link reproduces the same view.
    page.goto(page.url)
    wait_count(page, 1)
    assert page.get_by_label("Filter runs").input_value() == query["filter"][0]

    box = page.get_by_label("Filter runs")
    box.fill("metrics.acc >>> 1")
    box.press("Enter")
    error = page.get_by_test_id("filter-error")
    error.wait_for()
    assert error.inner_text().strip()
    screenshot(page, "runs-filter-error")


def test_sort_by_metric_column(page: Any, seeded: Seeded) -> None:
    open_runs(page, seeded)
    page.locator(".thead button.th", has_text="acc").first.click()
    page.wait_for_url("**sort=metrics.acc**")
    wait_first_row(page, "resnet-29")
    assert row_names(page)[:5] == [
        "resnet-29",
        "resnet-28",
        "resnet-27",
        "sweep-parent",
        "sweep-child-1",
    ]
    page.locator(".thead button.th", has_text="acc").first.click()
    page.wait_for_url("**dir=asc**")
    wait_first_row(page, "resnet-00")


def test_status_and_lifecycle_filters(page: Any, seeded: Seeded, client: Any) -> None:
    open_runs(page, seeded)
    page.get_by_label("Status").select_option("FAILED")
    wait_count(page, 1)
    assert row_names(page) == ["resnet-07"]

    page.get_by_label("Status").select_option("")
    page.get_by_label("Select resnet-01").check()
    page.get_by_label("Select resnet-02").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    page.locator(f'[data-run-id="{seeded.runs["resnet-01"]}"]').wait_for(state="detached")
    assert client.get_run(seeded.runs["resnet-01"]).info.lifecycle_stage == "deleted"

    page.get_by_label("Lifecycle").select_option("DELETED_ONLY")
    wait_count(page, 2)
    page.get_by_label("Select all runs").check()
    page.get_by_role("button", name="Restore").click()
    page.get_by_text("No runs match.").wait_for()
    assert client.get_run(seeded.runs["resnet-02"]).info.lifecycle_stage == "active"


def test_column_picker_and_csv_export(page: Any, seeded: Seeded) -> None:
    open_runs(page, seeded)
    page.get_by_role("button", name="Columns (").click()
    page.get_by_role("dialog", name="Columns").get_by_label("team").check()
    page.get_by_role("button", name="Done").click()
    page.wait_for_url("**cols=**tags.team**")
    page.locator(".thead .th-label", has_text="tag team").wait_for()

    with page.expect_download() as info:
        page.get_by_role("button", name="Export CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == RUNS_PER_EXPERIMENT + 3
    by_name = {row["Run name"]: row for row in table}
    assert by_name["resnet-07"]["Status"] == "FAILED"
    assert by_name["resnet-03"]["params.lr"] == "0.1"
    assert by_name["resnet-03"]["tags.team"] == "vision"
    assert float(by_name["resnet-10"]["metrics.acc"]) == 0.65


def test_select_three_and_compare(page: Any, seeded: Seeded) -> None:
    open_runs(page, seeded)
    for name in ("resnet-10", "resnet-20", "resnet-29"):
        page.get_by_label(f"Select {name}").check()
    page.get_by_role("button", name="Compare (3)").click()
    page.wait_for_url("**/compare?**")
    page.get_by_role("heading", name="Compare 3 runs").wait_for()
    runs = parse_qs(urlparse(page.url).query)["runs"][0].split(",")
    assert set(runs) == {seeded.runs[n] for n in ("resnet-10", "resnet-20", "resnet-29")}
