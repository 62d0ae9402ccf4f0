"""model-versions/search builds its JSON straight from rows; it must match, byte for byte, the
JSON of the same versions read one by one through model-versions/get (the entity path)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import create_engine, text

from tests.api.conftest import Api
from tests.api.registry_client import experiment, logged_model, run, send

MODEL = "enc"
OTHER = "enc-other"
LONG = 520  # past the 500-version chunk: the page reads tags and aliases per model


def _raw(api: Api, path: str, params: Any) -> bytes:
    response = api.client.get(api.prefix + path, params=params)
    assert response.status_code == 200, response.text
    return response.content


def _seed(api: Api, database_url: str) -> str:
    exp_id = experiment(api)
    info = run(api, exp_id)
    model_id = logged_model(api, exp_id, name="m", source_run_id=info["run_id"])["info"]["model_id"]
    api.post("registered-models/create", {"name": MODEL})
    api.post("registered-models/create", {"name": OTHER})
    runs_source = f"runs:/{info['run_id']}/model"
    shapes: list[dict[str, Any]] = [
        {  # tags inserted out of order, with case, accents and an empty value
            "source": runs_source,
            "run_id": info["run_id"],
            "tags": [
                {"key": "zeta", "value": "last"},
                {"key": "Alpha", "value": 'É"quoted"\n'},
                {"key": "alpha", "value": ""},
                {"key": "_under", "value": "ü"},
            ],
            "description": 'multi\nline "desc" ✓',
            "run_link": "http://localhost/#/runs/x",
        },
        {"source": f"models:/{model_id}", "model_id": model_id},
        {"source": f"{info['artifact_uri']}/model", "run_id": info["run_id"]},
        {"source": runs_source, "run_id": info["run_id"]},
        {"source": f"models:/{MODEL}/1"},
    ]
    for body in shapes:
        api.post("model-versions/create", {"name": MODEL, **body})
    for i in range(LONG - len(shapes)):
        body = {"name": MODEL, "source": runs_source, "run_id": info["run_id"]}
        if i % 3:
            body["tags"] = [{"key": "shard", "value": str(i % 7)}]
        api.post("model-versions/create", body)
    for version, stage in [("1", "Staging"), ("2", "Production"), ("3", "Archived")]:
        api.post(
            "model-versions/transition-stage",
            {"name": MODEL, "version": version, "stage": stage, "archive_existing_versions": False},
        )
    for alias, version in [("champion", "1"), ("Beta", "1"), ("b2", "1"), ("solo", "7")]:
        api.post("registered-models/alias", {"name": MODEL, "alias": alias, "version": version})
    api.post("model-versions/set-tag", {"name": MODEL, "version": "9", "key": "late", "value": "v"})
    send(api, "DELETE", "model-versions/delete", {"name": MODEL, "version": "4"})
    for _ in range(3):
        api.post("model-versions/create", {"name": OTHER, "source": runs_source})
    # Versions imported from MLflow may be pending or failed, with a user and a message;
    # the API cannot produce these, so the rows are set directly.
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE model_versions SET user_id = 'ana', status = 'PENDING_REGISTRATION', "
                "status_message = 'copying' WHERE version = 5 OR version = 2"
            )
        )
        conn.execute(
            text("UPDATE model_versions SET status = 'FAILED_REGISTRATION' WHERE version = 6")
        )
        # Empty strings are not missing values: they stay in the JSON.
        conn.execute(
            text("UPDATE model_versions SET description = '', user_id = '' WHERE version = 3")
        )
    engine.dispose()
    return str(info["run_id"])


def _entity_json(api: Api, name: str, version: str) -> bytes:
    body = _raw(api, "model-versions/get", {"name": name, "version": version})
    prefix = b'{"model_version":'
    assert body.startswith(prefix) and body.endswith(b"}")
    return body[len(prefix) : -1]


def _check_page(api: Api, params: list[tuple[str, str]]) -> tuple[list[str], str | None]:
    """Search with ``params``; assert the bytes equal the entity path's; return the page."""
    body = _raw(api, "model-versions/search", params)
    page = orjson.loads(body)
    items = [(v["name"], v["version"]) for v in page.get("model_versions", [])]
    token = page.get("next_page_token")
    expected = b"{"
    if items:
        entities = b",".join(_entity_json(api, name, version) for name, version in items)
        expected += b'"model_versions":[' + entities + b"]"
    if token:
        expected += (b"," if items else b"") + b'"next_page_token":' + orjson.dumps(token)
    assert body == expected + b"}"
    return [f"{name}/{version}" for name, version in items], token


def _walk(api: Api, params: list[tuple[str, str]], size: int) -> list[str]:
    """Every page of a search of ``size`` results each, each page checked."""
    seen: list[str] = []
    token: str | None = None
    while True:
        extra = [("page_token", token)] if token else []
        page, token = _check_page(api, [*params, ("max_results", str(size)), *extra])
        assert len(page) <= size
        seen.extend(page)
        if token is None:
            return seen


def test_search_json_matches_the_entity_path(api: Api, database_url: str) -> None:
    run_id = _seed(api, database_url)
    by_name = [("filter", f"name = '{MODEL}'")]
    whole, token = _check_page(api, [*by_name, ("max_results", "1000")])
    assert token is None and len(whole) == LONG - 1  # one version was deleted
    assert f"{MODEL}/4" not in whole
    # Short pages (tags read per version) walk the same versions in the same order.
    assert _walk(api, by_name, 7)[:60] == whole[:60]
    orders = [
        [("order_by", "version_number ASC")],
        [("order_by", "run_id DESC"), ("order_by", "creation_timestamp ASC")],
        [("order_by", "model_id ASC")],
        [("order_by", "name DESC"), ("order_by", "last_updated_timestamp DESC")],
    ]
    for order in orders:
        every, _ = _check_page(api, [*order, ("max_results", "1000")])
        assert len(every) == LONG - 1 + 3
        assert _walk(api, order, 250) == every
    _check_page(api, [("filter", f"run_id = '{run_id}'"), ("max_results", "600")])
    tagged, _ = _check_page(api, [("filter", "tags.shard = '3'"), ("max_results", "100")])
    assert tagged
    nothing, _ = _check_page(api, [("filter", "name = 'none'")])
    assert nothing == []
