"""The runs filter box: suggestions of keys, operators and values, and the syntax help."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from .conftest import screenshot
from .seed import Seeded
from .test_runs import open_runs


def options(page: Any) -> list[str]:
    listbox = page.get_by_role("listbox", name="Suggestions")
    listbox.wait_for()
    return [o.strip() for o in listbox.get_by_role("option").locator(".mono").all_inner_texts()]


def test_suggestions_complete_a_filter(page: Any, seeded: Seeded) -> None:
    open_runs(page, seeded)
    box = page.get_by_label("Filter runs")
    box.click()
    box.press_sequentially("metrics.")
    assert {"metrics.acc", "metrics.loss", "metrics.val_acc"} <= set(options(page))
    screenshot(page, "runs-filter-suggestions")

    # Narrow, pick with the keyboard: the key, then an operator.
    box.press_sequentially("val")
    assert options(page) == ["metrics.val_acc"]
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == "metrics.val_acc "
    assert ">=" in options(page)
    page.get_by_role("option", name=">=").click()
    assert box.input_value() == "metrics.val_acc >= "

    # Values the loaded runs hold, inside the quote.
    box.press_sequentially("0.5 AND params.optimizer = '")
    assert options(page) == ["adam", "adamw", "sgd"]
    box.press_sequentially("s")
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == "metrics.val_acc >= 0.5 AND params.optimizer = 'sgd' "

    # Escape closes the list; Enter with nothing chosen runs the search.
    assert options(page) == ["AND", "OR"]
    box.press("Escape")
    page.get_by_role("listbox", name="Suggestions").wait_for(state="detached")
    box.press("Enter")
    page.wait_for_url("**filter=*")
    query = parse_qs(urlparse(page.url).query)
    assert query["filter"] == ["metrics.val_acc >= 0.5 AND params.optimizer = 'sgd'"]
    assert page.get_by_test_id("filter-error").count() == 0


def test_syntax_help(page: Any, seeded: Seeded) -> None:
    open_runs(page, seeded)
    page.get_by_role("button", name="Filter syntax help").click()
    help_panel = page.get_by_role("dialog", name="Filter syntax")
    help_panel.wait_for()
    text = help_panel.inner_text()
    for word in ("OR", "NOT", "IN (", "IS NULL", "ILIKE", ">=", "("):
        assert word in text
    screenshot(page, "runs-filter-help")

    # An example goes into the box; it is a filter the server accepts.
    example = "NOT tags.team = 'nlp'"
    help_panel.get_by_role("button", name=example).click()
    help_panel.wait_for(state="detached")
    box = page.get_by_label("Filter runs")
    assert box.input_value() == example
    box.press("Enter")
    page.wait_for_url("**filter=*")
    page.locator(".runs-table [role=row][data-run-id]").first.wait_for()
    assert page.get_by_test_id("filter-error").count() == 0
