"""The experiments list: search, create, rename, delete, restore, tags."""

from __future__ import annotations

import uuid
from typing import Any

from .conftest import screenshot
from .seed import Seeded


def rows(page: Any) -> Any:
    return page.locator("table.experiments tbody tr")


def test_list_and_search(page: Any, seeded: Seeded) -> None:
    page.goto("/")
    page.get_by_role("link", name="vision-resnet").wait_for()
    assert page.url.endswith("/experiments")
    screenshot(page, "experiments")

    page.get_by_label("Search experiments").fill("vision")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/experiments?q=vision")
    page.get_by_role("link", name="nlp-bert").wait_for(state="detached")
    assert rows(page).count() == 1

    page.get_by_label("Search experiments").fill("tags.team = 'nlp'")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="nlp-bert").wait_for()
    assert rows(page).count() == 1

    page.get_by_label("Search experiments").fill("name = ")
    page.get_by_role("button", name="Search").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().strip()


def test_deleted_view_and_restore(page: Any, seeded: Seeded, client: Any) -> None:
    page.goto("/experiments?view=DELETED_ONLY")
    row = page.locator(f'tr[data-experiment-id="{seeded.archived}"]')
    row.wait_for()
    row.get_by_role("button", name="Restore").click()
    row.wait_for(state="detached")
    assert client.get_experiment(seeded.archived).lifecycle_stage == "active"
    client.delete_experiment(seeded.archived)


def test_create_rename_delete(page: Any, seeded: Seeded, client: Any) -> None:
    name = f"ui-made-{uuid.uuid4().hex[:6]}"
    page.goto("/experiments")
    page.get_by_role("button", name="New experiment").click()
    page.get_by_label("Experiment name").fill(name)
    page.get_by_role("button", name="Create").click()
    page.get_by_role("link", name=name).wait_for()
    created = client.get_experiment_by_name(name)
    assert created is not None

    # A duplicate name shows the server's message next to the form.
    page.get_by_role("button", name="New experiment").click()
    page.get_by_label("Experiment name").fill(name)
    page.get_by_role("button", name="Create").click()
    page.get_by_role("alert").wait_for()

    page.get_by_role("button", name="Cancel").click()
    row = page.locator(f'tr[data-experiment-id="{created.experiment_id}"]')
    row.get_by_role("button", name="Rename").click()
    row.get_by_label("New name").fill(name + "-renamed")
    row.get_by_role("button", name="Save").click()
    page.get_by_role("link", name=name + "-renamed").wait_for()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Delete").click()
    row.wait_for(state="detached")
    assert client.get_experiment(created.experiment_id).lifecycle_stage == "deleted"


def test_experiment_tags(page: Any, seeded: Seeded, client: Any) -> None:
    page.goto(f"/experiments/{seeded.nlp}")
    page.get_by_role("button", name="Tags (1)").click()
    page.get_by_label("Tag key").fill("owner")
    page.get_by_label("Tag value").fill("ada")
    page.get_by_role("button", name="Add tag").click()
    page.get_by_text("ada", exact=True).wait_for()
    assert client.get_experiment(seeded.nlp).tags["owner"] == "ada"
    page.get_by_role("button", name="Remove tag owner").click()
    page.get_by_text("ada", exact=True).wait_for(state="detached")
    assert "owner" not in client.get_experiment(seeded.nlp).tags
