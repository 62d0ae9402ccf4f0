"""Prompts through the registry, exactly as the stock client stores them."""

from __future__ import annotations

import mlflow
import pytest
from mlflow import MlflowClient

pytestmark = pytest.mark.compat


def _name(unique_name: str) -> str:
    return unique_name.replace("[", "_").replace("]", "_")  # prompt names: [A-Za-z0-9_.-]


def test_register_load_alias_and_search(
    client: MlflowClient, tracking_uri: str, unique_name: str
) -> None:
    name = _name(unique_name)
    first = mlflow.genai.register_prompt(name, "Hello {{name}}!", commit_message="v1")
    assert first.version == 1
    second = mlflow.genai.register_prompt(name, "Hi {{name}}, welcome.", tags={"lang": "en"})
    assert second.version == 2
    loaded = mlflow.genai.load_prompt(f"prompts:/{name}/1")
    assert loaded.template == "Hello {{name}}!"
    assert loaded.format(name="Ada") == "Hello Ada!"
    mlflow.genai.set_prompt_alias(name, alias="production", version=2)
    by_alias = mlflow.genai.load_prompt(f"prompts:/{name}@production")
    assert by_alias.version == 2 and by_alias.format(name="Ada") == "Hi Ada, welcome."
    found = mlflow.genai.search_prompts(filter_string=f"name = '{name}'")
    assert [p.name for p in found] == [name]
    # Prompts stay out of the model search.
    models = client.search_registered_models(filter_string=f"name = '{name}'")
    assert list(models) == []


def test_chat_prompt_round_trips(tracking_uri: str, unique_name: str) -> None:
    name = _name(unique_name)
    template = [
        {"role": "system", "content": "You are {{style}}."},
        {"role": "user", "content": "{{question}}"},
    ]
    mlflow.genai.register_prompt(name, template)
    loaded = mlflow.genai.load_prompt(f"prompts:/{name}/1")
    assert loaded.template == template
    assert loaded.format(style="brief", question="Why?")[1]["content"] == "Why?"
