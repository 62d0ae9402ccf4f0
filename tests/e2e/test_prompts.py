"""Prompts: list and search, template and variables, diff, aliases, new versions from the UI.

Prompts are seeded and read back with ``mlflow.genai``, so what the UI writes is checked by the
same client that users load prompts with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import mlflow
import pytest

from .conftest import screenshot

TEXT = "support-answer"
CHAT = "triage-chat"
V1 = "Answer {{question}} politely."
V2 = "Answer {{question}} politely.\nSign as {{ agent_name }}."
CHAT_V1 = [
    {"role": "system", "content": "You triage {{product}} tickets."},
    {"role": "user", "content": "{{ticket}}"},
]


@dataclass
class Prompts:
    text: str
    chat: str


@pytest.fixture(scope="module")
def prompts(server_url: str) -> Iterator[Prompts]:
    """A text prompt with two versions and an alias on the first; a chat prompt."""
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(server_url)
    try:
        mlflow.genai.register_prompt(TEXT, V1, commit_message="first draft")
        mlflow.genai.register_prompt(TEXT, V2, commit_message="add a signature")
        mlflow.genai.set_prompt_alias(TEXT, alias="production", version=1)
        mlflow.genai.register_prompt(CHAT, CHAT_V1, commit_message="triage as chat")
        yield Prompts(text=TEXT, chat=CHAT)
    finally:
        mlflow.set_tracking_uri(previous)


def test_prompts_list_and_search(page: Any, prompts: Prompts) -> None:
    page.goto("/experiments")
    page.locator("header").get_by_role("link", name="Prompts").click()
    table = page.get_by_role("table", name="Prompts")
    row = table.locator("tr", has_text=TEXT)
    row.wait_for()
    text = row.inner_text()
    assert "Version 2" in text and "@production → v1" in text and "add a signature" in text
    table.get_by_role("link", name=CHAT).wait_for()

    page.get_by_label("Search prompts").fill("support")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/prompts?q=support")
    table.get_by_role("link", name=CHAT).wait_for(state="detached")
    assert table.get_by_role("link", name=TEXT).count() == 1
    page.get_by_label("Search prompts").fill("nothing-like-this")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("No prompt matches.").wait_for()


def test_prompt_page_diff_alias_and_new_version(page: Any, prompts: Prompts, client: Any) -> None:
    page.goto("/prompts?q=support")
    page.get_by_role("link", name=TEXT).click()
    page.get_by_role("heading", name=TEXT).wait_for()
    versions = page.get_by_role("table", name="Prompt versions")
    versions.get_by_role("link", name="Version 1").wait_for()
    assert versions.locator("tbody tr").count() == 2
    # The newest version is shown: its template, placeholders marked, and its variables.
    page.get_by_role("heading", name="Version 2").wait_for()
    assert page.get_by_test_id("template-text").inner_text() == V2
    marks = page.locator("mark.prompt-var").all_inner_texts()
    assert marks == ["{{question}}", "{{ agent_name }}"]
    variables = page.get_by_role("list", name="Variables").locator("li").all_inner_texts()
    assert variables == ["question", "agent_name"]

    page.get_by_role("button", name="Compare versions").click()
    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("2")
    diff = page.get_by_role("table", name="Template diff")
    added = diff.locator("tr.diff-added .diff-text").all_inner_texts()
    assert added == ["Sign as {{ agent_name }}."]
    assert diff.locator("tr.diff-removed").count() == 0
    assert diff.locator("tr.diff-same").count() == 1
    assert page.get_by_test_id("diff-summary").inner_text() == "1 line added, 0 removed"

    # Move the alias from version 1 to version 2; the client follows it.
    page.get_by_label("Alias", exact=True).fill("production")
    page.get_by_label("Alias version").select_option("2")
    page.get_by_role("button", name="Set alias").click()
    versions.locator("tr", has_text="Version 2").get_by_text("@production").wait_for()
    assert versions.locator("tr", has_text="Version 1").get_by_text("@production").count() == 0
    assert client.get_prompt_version_by_alias(TEXT, "production").version == 2
    assert mlflow.genai.load_prompt(f"prompts:/{TEXT}@production").version == 2
    versions.get_by_role("link", name="Version 2").click()
    page.get_by_role("heading", name="Version 2").wait_for()
    screenshot(page, "prompts")

    # A new version from the UI, loaded back with the client.
    page.get_by_role("button", name="New version").click()
    template = page.get_by_label("Template", exact=True)
    assert template.input_value() == V2  # the form starts from the shown version
    v3 = "Answer {{question}} briefly.\nSign as {{ agent_name }}.\nTone: {{tone}}."
    template.fill(v3)
    page.get_by_text("Variables: {{question}}, {{agent_name}}, {{tone}}").wait_for()
    page.get_by_label("Commit message").fill("shorter answers, a tone")
    page.get_by_role("button", name="Create version").click()
    page.get_by_role("heading", name="Version 3").wait_for()
    assert page.get_by_test_id("template-text").inner_text() == v3
    assert versions.locator("tbody tr").count() == 3
    loaded = mlflow.genai.load_prompt(f"prompts:/{TEXT}/3")
    assert loaded.template == v3
    assert loaded.commit_message == "shorter answers, a tone"
    assert loaded.format(question="Why?", agent_name="Ada", tone="warm").startswith(
        "Answer Why? briefly."
    )


def test_chat_prompt_shows_messages_and_takes_a_chat_version(page: Any, prompts: Prompts) -> None:
    page.goto(f"/prompts/{CHAT}")
    page.get_by_role("heading", name="Version 1").wait_for()
    messages = page.get_by_role("list", name="Messages").locator("li")
    assert messages.count() == 2
    assert messages.nth(0).locator(".chat-role").inner_text().lower() == "system"
    assert "You triage {{product}} tickets." in messages.nth(0).inner_text()
    variables = page.get_by_role("list", name="Variables").locator("li").all_inner_texts()
    assert variables == ["product", "ticket"]

    page.get_by_role("button", name="New version").click()
    assert page.get_by_label("Template type").input_value() == "chat"
    page.get_by_label("Template", exact=True).fill("not a list")
    page.get_by_role("button", name="Create version").click()
    page.get_by_role("alert").filter(has_text="JSON list of messages").wait_for()
    page.get_by_label("Template", exact=True).fill(
        '[{"role": "system", "content": "Triage {{product}}."},'
        ' {"role": "user", "content": "{{ticket}}"}]'
    )
    page.get_by_role("button", name="Create version").click()
    page.get_by_role("heading", name="Version 2").wait_for()
    loaded = mlflow.genai.load_prompt(f"prompts:/{CHAT}/2")
    assert loaded.template == [
        {"role": "system", "content": "Triage {{product}}."},
        {"role": "user", "content": "{{ticket}}"},
    ]
