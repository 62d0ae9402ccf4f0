"""Model-version sources must point into storage the server manages (the CVE-2023-1177 class).

Every row is one attempt to register a version; ``{a}``/``{b}`` are two runs' ids, ``{a_root}``
their artifact roots, ``{m}``/``{m_root}`` a logged model of run a.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.registry_client import experiment, logged_model, run

REFUSED: list[tuple[str, dict[str, str]]] = [
    ("/etc/passwd", {}),
    ("/etc/passwd", {"run_id": "{a}"}),
    ("file:///etc/passwd", {}),
    ("file:///etc/passwd", {"run_id": "{a}"}),
    ("relative/model", {}),
    ("./model", {}),
    ("C:\\\\Windows\\\\model", {}),
    ("C:/model", {}),
    ("dummy-source", {}),
    ("{a_root}/../../{b}/artifacts/model", {"run_id": "{a}"}),
    ("{a_root}/%2e%2e/%2e%2e/{b}/artifacts", {"run_id": "{a}"}),
    ("{a_root}/%252e%252e/x", {"run_id": "{a}"}),
    ("{a_root}/model?x=1", {"run_id": "{a}"}),
    ("{a_root}\\\\..\\\\x", {"run_id": "{a}"}),
    ("{b_root}/model", {"run_id": "{a}"}),
    ("runs:/{b}/model", {"run_id": "{a}"}),
    ("runs:/{a}/../{b}/model", {}),
    ("runs://evil/{a}/model", {}),
    ("models://evil/{m}", {}),
    ("models:/m-00000000000000000000000000000000", {"model_id": "{m}"}),
    ("{m_root}/../../x", {"model_id": "{m}"}),
    ("{a_root}/model", {"model_id": "{m}"}),
    ("s3://somebody-elses-bucket/model", {}),
    ("http://169.254.169.254/latest", {}),
    ("mlflow-artifacts:", {}),
]

NOT_FOUND: list[tuple[str, dict[str, str]]] = [
    ("runs:/ffffffffffffffffffffffffffffffff/model", {}),
    ("models:/m-ffffffffffffffffffffffffffffffff", {}),
    ("models:/no-such-model/1", {}),
]

ACCEPTED: list[tuple[str, dict[str, str]]] = [
    ("runs:/{a}/model", {"run_id": "{a}"}),
    ("runs:/{a}/model", {}),
    ("{a_root}/model", {"run_id": "{a}"}),
    ("{a_root}/model", {}),
    ("models:/{m}", {"model_id": "{m}"}),
    ("models:/{m}", {}),
    ("{m_root}", {"model_id": "{m}"}),
]


@pytest.fixture
def world(sqlite_api: Api) -> dict[str, Any]:
    exp_id = experiment(sqlite_api)
    a, b = run(sqlite_api, exp_id), run(sqlite_api, exp_id)
    m = logged_model(sqlite_api, exp_id, source_run_id=a["run_id"])["info"]
    sqlite_api.post("registered-models/create", {"name": "target"})
    return {
        "api": sqlite_api,
        "a": a["run_id"],
        "b": b["run_id"],
        "a_root": a["artifact_uri"],
        "b_root": b["artifact_uri"],
        "m": m["model_id"],
        "m_root": m["artifact_uri"],
    }


def _attempt(world: dict[str, Any], source: str, ids: dict[str, str], status: int) -> Any:
    names = {k: v for k, v in world.items() if isinstance(v, str)}
    body = {"name": "target", "source": source.format(**names).replace("\\\\", "\\")}
    body.update({k: v.format(**names) for k, v in ids.items()})
    return world["api"].post("model-versions/create", body, status=status)


@pytest.mark.parametrize(("source", "ids"), REFUSED)
def test_sources_outside_managed_storage_are_refused(
    world: dict[str, Any], source: str, ids: dict[str, str]
) -> None:
    body = _attempt(world, source, ids, 400)
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "source" in body["message"].lower() or "model" in body["message"].lower()


@pytest.mark.parametrize(("source", "ids"), NOT_FOUND)
def test_sources_naming_missing_runs_or_models_are_not_found(
    world: dict[str, Any], source: str, ids: dict[str, str]
) -> None:
    assert _attempt(world, source, ids, 404)["error_code"] == "RESOURCE_DOES_NOT_EXIST"


@pytest.mark.parametrize(("source", "ids"), ACCEPTED)
def test_sources_inside_managed_storage_are_accepted(
    world: dict[str, Any], source: str, ids: dict[str, str]
) -> None:
    version = _attempt(world, source, ids, 200)["model_version"]
    uri = world["api"].get(
        "model-versions/get-download-uri", {"name": "target", "version": version["version"]}
    )["artifact_uri"]
    assert uri.startswith((world["a_root"], world["m_root"], f"runs:/{world['a']}/"))
