"""The model registry and logged models: list, search, model page, aliases, stages, versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import screenshot

MODEL = "vision-classifier"
PROMPT = "greeting-prompt"


@dataclass
class Registry:
    experiment_id: str
    run_id: str
    model_id: str


@pytest.fixture(scope="module")
def registry(client: Any) -> Registry:
    """A run with a model artifact, two registered versions of it, a prompt, a logged model."""
    # An experiment of its own, so the shared experiments keep their run counts.
    experiment_id = client.create_experiment("image-classifier")
    run = client.create_run(experiment_id, run_name="clf-train")
    run_id = run.info.run_id
    client.log_text(run_id, "flavors: {}\n", "model/MLmodel")
    client.set_terminated(run_id)
    client.create_registered_model(
        MODEL, tags={"team": "vision"}, description="Classifies vision-resnet images."
    )
    for _ in range(2):
        client.create_model_version(MODEL, f"runs:/{run_id}/model", run_id=run_id)
    client.register_prompt(PROMPT, "Hello {{name}}!")

    model = client.create_logged_model(
        experiment_id, name="resnet-clf", source_run_id=run_id, params={"depth": "50"}
    )
    client.log_metric(run_id, "val_acc", 0.91, step=1, model_id=model.model_id)
    client.finalize_logged_model(model.model_id, "READY")
    return Registry(experiment_id=experiment_id, run_id=run_id, model_id=model.model_id)


def test_models_list_and_search(page: Any, registry: Registry) -> None:
    page.goto("/models")
    table = page.get_by_role("table", name="Registered models")
    table.get_by_role("link", name=MODEL).wait_for()
    assert PROMPT not in table.inner_text()  # prompts are not models
    assert "Version 2" in table.inner_text() and "team=vision" in table.inner_text()

    page.get_by_label("Search models").fill("nothing-like-this")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("No model matches.").wait_for()
    page.get_by_label("Search models").fill("classif")
    page.get_by_role("button", name="Search").click()
    table.get_by_role("link", name=MODEL).wait_for()
    screenshot(page, "models")


def test_model_page_sets_an_alias(page: Any, registry: Registry, client: Any) -> None:
    page.goto("/models")
    page.get_by_role("link", name=MODEL).click()
    page.get_by_role("heading", name=MODEL).wait_for()
    page.get_by_text("Classifies vision-resnet images.").wait_for()
    versions = page.get_by_role("table", name="Versions")
    versions.get_by_role("link", name="Version 1").wait_for()
    assert versions.locator("tbody tr").count() == 2

    page.get_by_label("Alias", exact=True).fill("champion")
    page.get_by_label("Alias version").select_option("1")
    page.get_by_role("button", name="Set alias").click()
    page.get_by_role("button", name="Remove alias champion").wait_for()
    versions.locator("tr", has_text="Version 1").get_by_text("@champion").wait_for()
    assert client.get_model_version_by_alias(MODEL, "champion").version == "1"
    screenshot(page, "model")


def test_version_page_links_to_its_run(page: Any, registry: Registry, client: Any) -> None:
    page.goto(f"/models/{MODEL}/versions/2")
    page.get_by_role("heading", name=f"{MODEL} version 2").wait_for()
    assert "model" in page.get_by_test_id("version-source").inner_text()
    with page.expect_response(lambda r: "transition-stage" in r.url) as staged:
        page.get_by_label("Stage").select_option("Staging")
    assert staged.value.ok
    page.wait_for_function(
        "() => { const s = document.querySelector('select[aria-label=Stage]');"
        " return !s.disabled && s.value === 'Staging'; }"
    )
    page.get_by_role("button", name="Edit description").click()
    page.get_by_label("Description").fill("Second try, deeper net")
    with page.expect_response(lambda r: "model-versions/update" in r.url) as updated:
        page.get_by_role("button", name="Save").click()
    assert updated.value.ok, updated.value.text()
    page.get_by_test_id("note-text").filter(has_text="Second try, deeper net").wait_for()
    version = client.get_model_version(MODEL, "2")
    assert version.current_stage == "Staging"
    assert version.description == "Second try, deeper net"
    screenshot(page, "model-version")

    page.get_by_role("link", name=registry.run_id).click()
    page.get_by_role("heading", name="clf-train").wait_for()


def test_logged_models_tab(page: Any, registry: Registry) -> None:
    page.goto(f"/experiments/{registry.experiment_id}")
    page.get_by_role("link", name="Logged models").click()
    table = page.get_by_role("table", name="Logged models")
    row = table.locator("tr", has_text="resnet-clf")
    row.wait_for()
    text = row.inner_text()
    assert "ready" in text and registry.model_id in text
    assert "val_acc=0.91" in text and "depth=50" in text
    row.get_by_role("link", name=registry.run_id[:12]).wait_for()
    screenshot(page, "logged-models")


def test_models_page_loads_more_than_one_page(page: Any, client: Any) -> None:
    """The registry list shows 100 models a page; "Load more" appends the next ones."""
    for i in range(101):
        client.create_registered_model(f"paged-model-{i:03d}")
    page.goto("/models?q=paged-model")
    table = page.get_by_role("table", name="Registered models")
    table.get_by_role("link", name="paged-model-099").wait_for()
    links = table.get_by_role("link", name="paged-model-")
    assert links.count() == 100
    assert table.get_by_role("link", name="paged-model-100").count() == 0
    page.get_by_role("button", name="Load more").click()
    table.get_by_role("link", name="paged-model-100").wait_for()
    assert links.count() == 101
    assert page.get_by_role("button", name="Load more").count() == 0
