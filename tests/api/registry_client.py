"""Helpers for registry and logged-model API tests: PATCH/DELETE with JSON bodies."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api


def send(api: Api, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    response = api.client.request(method, api.prefix + path, json=body)
    assert response.status_code == status, response.text
    return response.json()


def experiment(api: Api, name: str = "exp") -> str:
    return str(api.post("experiments/create", {"name": name})["experiment_id"])


def run(api: Api, exp_id: str) -> dict[str, Any]:
    info: dict[str, Any] = api.post("runs/create", {"experiment_id": exp_id})["run"]["info"]
    return info


def logged_model(api: Api, exp_id: str, **fields: Any) -> dict[str, Any]:
    model: dict[str, Any] = api.post("logged-models", {"experiment_id": exp_id, **fields})["model"]
    return model
