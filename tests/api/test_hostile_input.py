"""Input that no field may hold is refused where the body is decoded, names its field, and
stores nothing; protocol paths never fall through to the web app's page."""

from __future__ import annotations

import pytest

from runhub.api.json_body import MAX_DEPTH

from .conftest import Api

JSON = {"Content-Type": "application/json"}


def _post_raw(api: Api, path: str, body: str) -> dict:
    response = api.client.post(api.prefix + path, content=body.encode(), headers=JSON)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert payload["error_code"] == "INVALID_PARAMETER_VALUE"
    return payload


def test_lone_surrogate_names_its_field_and_stores_nothing(sqlite_api: Api) -> None:
    body = '{"name": "exp-s", "tags": [{"key": "k", "value": "x\\ud800"}]}'
    error = _post_raw(sqlite_api, "experiments/create", body)
    assert "tags[0].value" in error["message"]
    assert "surrogate" in error["message"]
    missing = sqlite_api.get(
        "experiments/get-by-name", params={"experiment_name": "exp-s"}, status=404
    )
    assert missing["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_lone_surrogate_in_a_key_is_refused(sqlite_api: Api) -> None:
    error = _post_raw(sqlite_api, "experiments/create", '{"name": "e", "\\udfff": 1}')
    assert "key" in error["message"]


def test_paired_surrogates_are_text(sqlite_api: Api) -> None:
    # An escaped emoji (a valid pair) is ordinary text, stored and read back as such.
    raw = '{"name": "emoji-\\ud83d\\ude00", "tags": [{"key": "k", "value": NaN}]}'
    response = sqlite_api.client.post(
        sqlite_api.prefix + "experiments/create", content=raw.encode(), headers=JSON
    )
    # NaN is no string: the tag value is refused, but for its type, not its text.
    assert response.status_code == 400
    assert "tags.value" in response.json()["message"]
    created = sqlite_api.post("experiments/create", {"name": "emoji-\U0001f600"})
    got = sqlite_api.get("experiments/get", params={"experiment_id": created["experiment_id"]})
    assert got["experiment"]["name"] == "emoji-\U0001f600"


@pytest.mark.parametrize("depth", [2_000, 5_000, 100_000])
def test_nesting_past_the_stack_is_a_400(sqlite_api: Api, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    error = _post_raw(sqlite_api, "experiments/create", '{"name": "d", "extra": ' + nested + "}")
    assert "nests JSON deeper" in error["message"]


def test_the_lenient_decoder_keeps_the_depth_limit(sqlite_api: Api) -> None:
    # A NaN literal sends the body to Python's decoder, which would take this nesting.
    nested = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    body = '{"name": "d", "n": NaN, "extra": ' + nested + "}"
    error = _post_raw(sqlite_api, "experiments/create", body)
    assert f"deeper than {MAX_DEPTH} levels" in error["message"]


def test_a_json_field_may_not_nest_past_the_limit(sqlite_api: Api) -> None:
    deep = "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2)
    response = sqlite_api.client.post(
        "/api/3.0/mlflow/traces",
        content=('{"trace": {"trace_info": {"x": ' + deep + "}}}").encode(),
        headers=JSON,
    )
    assert response.status_code == 400, response.text
    assert "trace.trace_info.x" in response.json()["message"]


def test_integers_past_int64_are_refused_not_rounded(sqlite_api: Api) -> None:
    exp = sqlite_api.post("experiments/create", {"name": "ints"})["experiment_id"]
    for literal in ("9223372036854775808", "-9223372036854775809", "1" + "0" * 30, "1e300"):
        body = f'{{"experiment_id": "{exp}", "start_time": {literal}}}'
        error = _post_raw(sqlite_api, "runs/create", body)
        assert "start_time" in error["message"]
    nothing = sqlite_api.post("runs/search", {"experiment_ids": [exp]})
    assert nothing == {}
    # The int64 bounds themselves and integral floats stay valid.
    for literal in ("9223372036854775807", "1700000000000.0"):
        body = f'{{"experiment_id": "{exp}", "start_time": {literal}}}'
        response = sqlite_api.client.post(
            "/api/2.0/mlflow/runs/create", content=body.encode(), headers=JSON
        )
        assert response.status_code == 200, response.text


def test_numbers_are_strings_only_for_experiment_ids(sqlite_api: Api) -> None:
    error = sqlite_api.post("experiments/create", {"name": 12345}, status=400)
    assert error["error_code"] == "INVALID_PARAMETER_VALUE"
    exp = sqlite_api.post("experiments/create", {"name": "numbers"})["experiment_id"]
    run = sqlite_api.post("runs/create", {"experiment_id": int(exp)})["run"]
    assert run["info"]["experiment_id"] == exp
    found = sqlite_api.post("runs/search", {"experiment_ids": [int(exp)]})
    assert [r["info"]["run_id"] for r in found["runs"]] == [run["info"]["run_id"]]
    bad = sqlite_api.post("runs/set-tag", {"run_id": run["info"]["run_id"], "key": 1}, status=400)
    assert "'key'" in bad["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/gateway/mlflow/v1/models",
        "/gateway",
        "/v1/chat/completions",
        "/v1/traces",
        "/graphql",
        "/graphql/x",
        "/api",
        "/api/2.0/mlflow/nope",
        "/ajax-api",
        "/version/x",
        "/invocations",
        "/model-versions/nope",
    ],
)
def test_protocol_paths_never_answer_with_the_web_app(sqlite_api: Api, path: str) -> None:
    response = sqlite_api.client.get(path)
    assert response.status_code in (404, 405), (path, response.status_code)
    assert response.headers["content-type"].startswith("application/json"), path
    assert response.json()["error_code"] in ("ENDPOINT_NOT_FOUND", "BAD_REQUEST")


def test_browser_paths_still_get_the_web_app(sqlite_api: Api) -> None:
    for path in ("/", "/experiments/1", "/models/m/versions/1", "/compare"):
        response = sqlite_api.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html"), path


def test_values_the_database_refuses_are_a_400(api: Api) -> None:
    # PostgreSQL text cannot hold NUL; the other backends store it. Either way, never a 500.
    postgres = "postgresql" in str(api.client.app.state.settings.backend_store_uri)  # type: ignore[attr-defined]
    lookup = api.client.get(
        api.prefix + "experiments/get-by-name", params={"experiment_name": "a\x00b"}
    )
    assert lookup.status_code == (400 if postgres else 404), lookup.text
    created = api.client.post(api.prefix + "experiments/create", json={"name": "nul\x00name"})
    if postgres:
        assert created.status_code == 400, created.text
        assert created.json()["error_code"] == "INVALID_PARAMETER_VALUE"
        assert "NUL" in created.json()["message"]
    else:
        assert created.status_code == 200, created.text
    # The connection and the database are fine afterwards.
    assert api.post("experiments/create", {"name": "after-nul"})["experiment_id"]
