"""Comparing runs: metric chart controls, side-by-side table, scatter."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from .conftest import coloured_pixels, screenshot
from .seed import Seeded

NAMES = ("resnet-10", "resnet-20", "resnet-29")


def x_range(chart: Any) -> tuple[float, float]:
    low, high = (chart.get_attribute("data-x-range") or ",").split(",")
    return float(low), float(high)


def open_compare(page: Any, seeded: Seeded, extra: str = "") -> None:
    ids = ",".join(seeded.runs[name] for name in NAMES)
    page.goto(f"/compare?exp={seeded.vision}&runs={ids}{extra}")
    page.get_by_role("heading", name="Compare 3 runs").wait_for()
    page.locator("[data-testid=line-chart] canvas").wait_for()


def wait_for_lines(page: Any, min_pixels: int = 500) -> None:
    chart = page.get_by_test_id("line-chart")
    page.wait_for_function("(el) => el.dataset.series === '3'", arg=chart.element_handle())
    canvas = chart.locator("canvas")
    page.wait_for_function("(el) => el.dataset.drawnAt !== undefined", arg=chart.element_handle())
    assert coloured_pixels(canvas) > min_pixels, "the metric chart drew no lines"


def test_chart_controls(page: Any, seeded: Seeded) -> None:
    page.set_viewport_size({"width": 1400, "height": 1280})
    open_compare(page, seeded, "&metric=loss")
    legend = page.locator("[data-testid=line-chart] .u-legend")
    for name in NAMES:
        legend.get_by_text(name).wait_for()
    wait_for_lines(page)
    assert page.locator("svg.scatter circle").count() == 3
    screenshot(page, "compare")

    page.get_by_label("X axis").select_option("relative")
    # The box mirrors the URL, which the page updates after the click: wait for it there
    # (``check()`` reads the box back at once and could see the old state).
    page.get_by_label("Log scale").click()
    page.wait_for_url("**log=1**")
    page.get_by_label("Smoothing").fill("0.6")
    query = parse_qs(urlparse(page.url).query)
    assert query["x"] == ["relative"] and query["log"] == ["1"] and query["smooth"] == ["0.6"]
    page.locator("[data-testid=line-chart] canvas").wait_for()
    wait_for_lines(page)

    # Hovering shows each run's value in the legend.
    canvas = page.locator("[data-testid=line-chart] .u-over")
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2)
    values = page.locator("[data-testid=line-chart] .u-legend .u-value").all_inner_texts()
    assert any(v.strip() not in ("", "--") for v in values[1:])

    # Dragging across the plot zooms the x axis; a double-click shows everything again.
    chart = page.get_by_test_id("line-chart")
    changed = "([el, old]) => el.dataset.xRange !== old"
    before = chart.get_attribute("data-x-range")
    full = x_range(chart)
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    page.wait_for_function(changed, arg=[chart.element_handle(), before])
    zoomed = x_range(chart)
    assert full[0] <= zoomed[0] < zoomed[1] < full[1]
    before = chart.get_attribute("data-x-range")
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(changed, arg=[chart.element_handle(), before])
    assert x_range(chart) == full


def test_table_and_scatter(page: Any, seeded: Seeded) -> None:
    open_compare(page, seeded)
    table = page.get_by_role("table", name="Run comparison")
    lr = table.locator("tr", has_text="lr").first
    assert "differs" in (lr.get_attribute("class") or "")
    assert lr.locator("td").all_inner_texts() == ["0.01", "0.001", "0.001"]
    team_row = table.locator("tr.differs", has_text="optimizer")
    assert team_row.count() == 1

    page.get_by_label("Only rows that differ").check()
    assert table.locator("tbody tr").count() == table.locator("tbody tr.differs").count()

    page.get_by_label("Scatter X").select_option("params.lr")
    page.get_by_label("Scatter Y").select_option("acc")
    dots = page.locator("svg.scatter circle")
    assert dots.count() == 3
    page.get_by_label("Scatter X").select_option("params.optimizer")
    assert dots.count() == 3
    assert "adam" in (page.locator("svg.scatter").text_content() or "")


def test_single_points_are_drawn(page: Any, seeded: Seeded) -> None:
    # acc has one point per run: without markers uPlot would draw nothing at all.
    open_compare(page, seeded, "&metric=acc")
    wait_for_lines(page, min_pixels=100)


def test_parallel_coordinates(page: Any, seeded: Seeded) -> None:
    open_compare(page, seeded)
    chart = page.get_by_role("img", name="Parallel coordinates")
    assert chart.locator("polyline").count() == 3
    axes = page.get_by_role("group", name="Axes")
    axes.get_by_label("metric loss").click()  # mirrors the URL, like the log-scale box
    page.wait_for_url("**pc=**metrics.loss**")
    assert "loss" in (chart.text_content() or "")
    chart.scroll_into_view_if_needed()
    screenshot(page, "compare-parallel")
