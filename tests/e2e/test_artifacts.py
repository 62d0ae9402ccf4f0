"""The artifact browser on the run page: tree, previews, download."""

from __future__ import annotations

from typing import Any

import requests

from .conftest import screenshot
from .seed import Seeded


def open_artifacts(page: Any, seeded: Seeded) -> Any:
    page.goto(f"/experiments/{seeded.vision}/runs/{seeded.parent}")
    tree = page.get_by_role("tree", name="Artifacts")
    tree.get_by_role("button", name="eval.csv").wait_for()
    return tree


def test_tree_and_previews(page: Any, seeded: Seeded) -> None:
    tree = open_artifacts(page, seeded)
    preview = page.get_by_test_id("artifact-preview")

    tree.get_by_role("button", name="eval.csv").click()
    preview.locator("table td", has_text="0.75").wait_for()

    tree.get_by_role("button", name="config/").click()
    tree.get_by_role("button", name="summary.json").click()
    preview.locator("pre", has_text='"epoch": 7').wait_for()
    tree.get_by_role("button", name="train.yaml").click()
    preview.locator("pre", has_text="optimizer: adam").wait_for()

    tree.get_by_role("button", name="plots/").click()
    tree.get_by_role("button", name="gradient.png").click()
    image = preview.locator("img")
    image.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 240", arg=image.element_handle()
    )
    section = page.locator("section", has=page.get_by_role("heading", name="Artifacts"))
    section.scroll_into_view_if_needed()
    screenshot(page, "run-artifacts")


def test_download_link(page: Any, seeded: Seeded, server_url: str) -> None:
    tree = open_artifacts(page, seeded)
    tree.get_by_role("button", name="eval.csv").click()
    href = page.get_by_role("link", name="Download").get_attribute("href")
    assert href is not None
    body = requests.get(server_url + href, timeout=10)
    assert body.status_code == 200
    assert body.text == "epoch,acc\n1,0.5\n2,0.75\n"
