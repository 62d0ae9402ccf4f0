"""Model registry behaviour on every backend: models, versions, tags, aliases, stages, search."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.registry_client import experiment, logged_model, run, send


def _model(api: Api, name: str, **extra: object) -> dict:
    return api.post("registered-models/create", {"name": name, **extra})["registered_model"]


def _version(api: Api, name: str, source: str, **extra: object) -> dict:
    body = {"name": name, "source": source, **extra}
    return api.post("model-versions/create", body)["model_version"]


def test_registered_model_lifecycle(api: Api) -> None:
    created = _model(api, "Churn", tags=[{"key": "team", "value": "a"}], description="d")
    assert created["name"] == "Churn" and created["description"] == "d"
    assert created["tags"] == [{"key": "team", "value": "a"}]
    assert "latest_versions" not in created
    dup = api.post("registered-models/create", {"name": "Churn"}, status=400)
    assert dup["error_code"] == "RESOURCE_ALREADY_EXISTS"
    assert _model(api, "churn")["name"] == "churn"  # names are case-sensitive
    send(api, "PATCH", "registered-models/update", {"name": "Churn", "description": "new"})
    api.post("registered-models/set-tag", {"name": "Churn", "key": "k", "value": "v"})
    send(api, "DELETE", "registered-models/delete-tag", {"name": "Churn", "key": "team"})
    renamed = api.post("registered-models/rename", {"name": "Churn", "new_name": "Churn2"})
    assert renamed["registered_model"]["name"] == "Churn2"
    got = api.get("registered-models/get", {"name": "Churn2"})["registered_model"]
    assert got["description"] == "new" and got["tags"] == [{"key": "k", "value": "v"}]
    clash = api.post("registered-models/rename", {"name": "Churn2", "new_name": "churn"}, 400)
    assert clash["error_code"] == "RESOURCE_ALREADY_EXISTS"
    send(api, "DELETE", "registered-models/delete", {"name": "Churn2"})
    missing = api.get("registered-models/get", {"name": "Churn2"}, status=404)
    assert missing["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    # DELETE reads its JSON body: a query string alone is a missing name.
    response = api.client.delete(api.prefix + "registered-models/delete?name=churn")
    assert response.status_code == 400


def test_bad_names_are_refused(api: Api) -> None:
    for name in ["", "a/b", "a:b", "x" * 257]:
        body = api.post("registered-models/create", {"name": name}, status=400)
        assert body["error_code"] == "INVALID_PARAMETER_VALUE"


def test_versions_from_runs_models_and_artifacts(api: Api) -> None:
    exp_id = experiment(api)
    info = run(api, exp_id)
    _model(api, "m")
    v1 = _version(api, "m", f"runs:/{info['run_id']}/model", run_id=info["run_id"])
    assert v1["version"] == "1" and v1["status"] == "READY" and v1["current_stage"] == "None"
    assert v1["run_id"] == info["run_id"]
    uri = api.get("model-versions/get-download-uri", {"name": "m", "version": "1"})
    assert uri["artifact_uri"] == f"runs:/{info['run_id']}/model"  # clients resolve runs:/
    lm = logged_model(api, exp_id, name="model", source_run_id=info["run_id"])
    model_id = lm["info"]["model_id"]
    v2 = _version(api, "m", f"models:/{model_id}", model_id=model_id)
    assert v2["version"] == "2" and v2["model_id"] == model_id
    uri = api.get("model-versions/get-download-uri", {"name": "m", "version": "2"})
    assert uri["artifact_uri"] == lm["info"]["artifact_uri"]
    # The logged model lists its registrations.
    regs = api.get(f"logged-models/{model_id}")["model"]["info"]["registrations"]
    assert regs == [{"name": "m", "version": "2"}]
    v3 = _version(api, "m", f"{info['artifact_uri']}/model", run_id=info["run_id"])
    assert v3["version"] == "3"
    v4 = _version(api, "m", "models:/m/2")
    assert v4["model_id"] == model_id
    assert api.get("model-versions/get-download-uri", {"name": "m", "version": "4"}) == {
        "artifact_uri": lm["info"]["artifact_uri"]
    }
    rm = api.get("registered-models/get", {"name": "m"})["registered_model"]
    assert [v["version"] for v in rm["latest_versions"]] == ["4"]
    # Version numbers are never reused after a delete.
    send(api, "DELETE", "model-versions/delete", {"name": "m", "version": "4"})
    assert _version(api, "m", f"models:/{model_id}")["version"] == "5"
    gone = api.get("model-versions/get", {"name": "m", "version": "4"}, status=404)
    assert gone["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    bad = api.get("model-versions/get", {"name": "m", "version": "x"}, status=400)
    assert bad["error_code"] == "INVALID_PARAMETER_VALUE"


def test_version_update_tags_and_stages(api: Api) -> None:
    info = run(api, experiment(api))
    _model(api, "s")
    for _ in range(3):
        _version(api, "s", f"runs:/{info['run_id']}/m")
    updated = send(
        api, "PATCH", "model-versions/update", {"name": "s", "version": "1", "description": "x"}
    )
    assert updated["model_version"]["description"] == "x"
    api.post("model-versions/set-tag", {"name": "s", "version": "1", "key": "k", "value": "v"})
    got = api.get("model-versions/get", {"name": "s", "version": "1"})["model_version"]
    assert got["tags"] == [{"key": "k", "value": "v"}]
    send(api, "DELETE", "model-versions/delete-tag", {"name": "s", "version": "1", "key": "k"})
    got = api.get("model-versions/get", {"name": "s", "version": "1"})["model_version"]
    assert "tags" not in got
    for version in ("1", "2"):
        moved = api.post(
            "model-versions/transition-stage",
            {
                "name": "s",
                "version": version,
                "stage": "production",
                "archive_existing_versions": True,
            },
        )["model_version"]
        assert moved["current_stage"] == "Production"
    one = api.get("model-versions/get", {"name": "s", "version": "1"})["model_version"]
    assert one["current_stage"] == "Archived"
    latest = api.post("registered-models/get-latest-versions", {"name": "s"})["model_versions"]
    assert {(v["version"], v["current_stage"]) for v in latest} == {
        ("1", "Archived"),
        ("2", "Production"),
        ("3", "None"),
    }
    prod = api.get("registered-models/get-latest-versions", {"name": "s", "stages": ["Production"]})
    assert [v["version"] for v in prod["model_versions"]] == ["2"]
    bad = api.post(
        "model-versions/transition-stage",
        {"name": "s", "version": "3", "stage": "None", "archive_existing_versions": True},
        status=400,
    )
    assert bad["error_code"] == "INVALID_PARAMETER_VALUE"
    api.post(
        "model-versions/transition-stage",
        {"name": "s", "version": "3", "stage": "Bogus", "archive_existing_versions": False},
        status=400,
    )


def test_aliases(api: Api) -> None:
    info = run(api, experiment(api))
    _model(api, "a")
    for _ in range(2):
        _version(api, "a", f"runs:/{info['run_id']}/m")
    api.post("registered-models/alias", {"name": "a", "alias": "champion", "version": "1"})
    api.post("registered-models/alias", {"name": "a", "alias": "champion", "version": "2"})
    found = api.get("registered-models/alias", {"name": "a", "alias": "champion"})
    assert found["model_version"]["version"] == "2"
    assert found["model_version"]["aliases"] == ["champion"]
    rm = api.get("registered-models/get", {"name": "a"})["registered_model"]
    assert rm["aliases"] == [{"alias": "champion", "version": "2"}]
    for alias in ["latest", "LATEST", "v1", "V12", "bad alias", "x" * 256]:
        body = {"name": "a", "alias": alias, "version": "1"}
        assert api.post("registered-models/alias", body, 400)["error_code"] == (
            "INVALID_PARAMETER_VALUE"
        )
    missing_version = {"name": "a", "alias": "x", "version": "9"}
    api.post("registered-models/alias", missing_version, status=404)
    send(api, "DELETE", "registered-models/alias", {"name": "a", "alias": "champion"})
    missing = api.get("registered-models/alias", {"name": "a", "alias": "champion"}, status=400)
    assert missing["error_code"] == "INVALID_PARAMETER_VALUE"  # as MLflow answers
    # Deleting a version drops the aliases that point at it.
    api.post("registered-models/alias", {"name": "a", "alias": "b", "version": "1"})
    send(api, "DELETE", "model-versions/delete", {"name": "a", "version": "1"})
    api.get("registered-models/alias", {"name": "a", "alias": "b"}, status=400)


def test_search_registered_models_and_paging(api: Api) -> None:
    for i in range(5):
        _model(api, f"model-{i}", tags=[{"key": "i", "value": str(i)}])
    _model(api, "prompt-x", tags=[{"key": "mlflow.prompt.is_prompt", "value": "true"}])
    names = [m["name"] for m in api.get("registered-models/search")["registered_models"]]
    assert names == [f"model-{i}" for i in range(5)]  # prompts hidden by default
    page = api.get("registered-models/search", {"max_results": 2, "order_by": "name DESC"})
    assert [m["name"] for m in page["registered_models"]] == ["model-4", "model-3"]
    seen = [m["name"] for m in page["registered_models"]]
    while "next_page_token" in page:
        page = api.get(
            "registered-models/search",
            {"max_results": 2, "order_by": "name DESC", "page_token": page["next_page_token"]},
        )
        seen += [m["name"] for m in page["registered_models"]]
    assert seen == [f"model-{i}" for i in reversed(range(5))]
    like = api.get("registered-models/search", {"filter": "name LIKE 'model-%' AND tags.i = '3'"})
    assert [m["name"] for m in like["registered_models"]] == ["model-3"]
    hide = "tag.`mlflow.prompt.is_prompt` != 'true'"
    assert len(api.get("registered-models/search", {"filter": hide})["registered_models"]) == 5
    show = "tags.`mlflow.prompt.is_prompt` = 'true'"
    prompts = api.get("registered-models/search", {"filter": show})["registered_models"]
    assert [m["name"] for m in prompts] == ["prompt-x"]
    for bad in ["creation_timestamp > 0", "name = ", "foo.bar = 'x'"]:
        body = api.get("registered-models/search", {"filter": bad}, status=400)
        assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    api.get("registered-models/search", {"max_results": 1001}, status=400)
    api.get("registered-models/search", {"page_token": "not a token"}, status=400)


def test_search_model_versions(api: Api) -> None:
    info = run(api, experiment(api))
    other = run(api, experiment(api, "other"))
    _model(api, "v")
    for i in range(4):
        source_run = info if i % 2 == 0 else other
        _version(api, "v", f"runs:/{source_run['run_id']}/m", tags=[{"key": "i", "value": str(i)}])
    found = api.get("model-versions/search", {"filter": "name = 'v'"})["model_versions"]
    assert [v["version"] for v in found] == ["4", "3", "2", "1"]
    by_run = api.get("model-versions/search", {"filter": f"run_id = '{other['run_id']}'"})
    assert [v["version"] for v in by_run["model_versions"]] == ["4", "2"]
    ordered = api.get(
        "model-versions/search",
        {"filter": "name = 'v' AND version_number > 1", "order_by": "version_number ASC"},
    )
    assert [v["version"] for v in ordered["model_versions"]] == ["2", "3", "4"]
    tagged = api.get("model-versions/search", {"filter": "tags.i = '2'"})["model_versions"]
    assert [v["version"] for v in tagged] == ["3"]
    paged = api.get("model-versions/search", {"filter": "name='v'", "max_results": 3})
    assert len(paged["model_versions"]) == 3
    rest = api.get(
        "model-versions/search",
        {"filter": "name='v'", "max_results": 3, "page_token": paged["next_page_token"]},
    )
    assert [v["version"] for v in rest["model_versions"]] == ["1"]
    api.get("model-versions/search", {"filter": "version_number = 'x'"}, status=400)
    api.get("model-versions/search", {"max_results": 200_001}, status=400)


def test_prompt_versions_use_the_placeholder_source(api: Api) -> None:
    prompt_tag = [{"key": "mlflow.prompt.is_prompt", "value": "true"}]
    _model(api, "p", tags=prompt_tag)
    version_tags = [*prompt_tag, {"key": "mlflow.prompt.text", "value": "Hi {{name}}"}]
    created = _version(api, "p", "dummy-source", tags=version_tags)
    assert created["version"] == "1"
    refused = api.post(
        "model-versions/create",
        {"name": "p", "source": "/etc/passwd", "tags": version_tags},
        status=400,
    )
    assert refused["error_code"] == "INVALID_PARAMETER_VALUE"
    found = api.get("model-versions/search", {"filter": "name = 'p'"})
    assert "model_versions" not in found  # prompt versions hidden unless asked for
    asked = api.get(
        "model-versions/search",
        {"filter": "name = 'p' AND tag.`mlflow.prompt.is_prompt` = 'true'"},
    )
    assert [v["version"] for v in asked["model_versions"]] == ["1"]
    # A prompt version cannot be the source of a model version.
    _model(api, "copy")
    api.post("model-versions/create", {"name": "copy", "source": "models:/p/1"}, status=400)


def test_numbers_beyond_int64_compare_instead_of_failing(api: Api) -> None:
    huge = "99999999999999999999999"
    assert api.get("model-versions/search", {"filter": f"version_number > {huge}"}) == {}
    exp_id = experiment(api)
    body = {"experiment_ids": [exp_id], "filter": f"creation_timestamp < {huge}"}
    logged_model(api, exp_id)
    assert len(api.post("logged-models/search", body)["models"]) == 1
