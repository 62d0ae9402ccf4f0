"""A model logged by the stock mlflow client, served by every URI form and every input format."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fixtures.live_server import S3_ENV, moto_s3, s3_client

from .conftest import MODEL_NAME, LoggedModel, ServeFn


def predictions(url: str, body: Any, content_type: str = "application/json") -> Any:
    data = body if isinstance(body, (str, bytes)) else None
    resp = requests.post(
        f"{url}/invocations",
        data=data,
        json=None if data is not None else body,
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["predictions"]


def uri_of(form: str, logged: LoggedModel) -> str:
    return {
        "runs": f"runs:/{logged.run_id}/model",
        "version": f"models:/{MODEL_NAME}/1",
        "alias": f"models:/{MODEL_NAME}@champion",
        "logged-model": f"models:/{logged.model_id}",
        "artifacts": logged.artifact_uri,
        "path": str(logged.local_path),
    }[form]


URI_FORMS = ("runs", "version", "alias", "logged-model", "artifacts", "path")


def test_every_uri_form_serves_the_model(logged: LoggedModel, serve: ServeFn) -> None:
    split = logged.frame.to_dict(orient="split")
    body = {"dataframe_split": {"columns": split["columns"], "data": split["data"]}}

    def check(form: str) -> tuple[str, Any]:
        options = ("--workers", "2") if form == "path" else ()
        with serve(uri_of(form, logged), *options) as server:
            return form, predictions(server.url, body)

    # Started side by side: each server spends its start-up importing pandas and sklearn.
    with ThreadPoolExecutor(len(URI_FORMS)) as pool:
        answers = dict(pool.map(check, URI_FORMS))
    assert answers == {form: logged.expected for form in URI_FORMS}


def test_an_s3_model(logged: LoggedModel, serve: ServeFn, tmp_path: Path) -> None:
    with moto_s3(tmp_path) as s3:
        client: Any = s3_client(s3.url)
        client.create_bucket(Bucket="models")
        for file in logged.local_path.rglob("*"):
            if file.is_file():
                key = f"iris/{file.relative_to(logged.local_path).as_posix()}"
                client.upload_file(str(file), "models", key)
        env = {**S3_ENV, "MLFLOW_S3_ENDPOINT_URL": s3.url}
        with serve("s3://models/iris", env=env) as server:
            body = {"dataframe_records": logged.frame.to_dict(orient="records")}
            assert predictions(server.url, body) == logged.expected


@pytest.fixture(scope="module")
def served(logged: LoggedModel, serve: ServeFn) -> Any:
    with serve(f"models:/{MODEL_NAME}@champion", "--max-request-size", "1000000") as server:
        yield server


def test_every_input_format_gives_the_models_predictions(logged: LoggedModel, served: Any) -> None:
    frame = logged.frame
    split = frame.to_dict(orient="split")
    records = frame.to_dict(orient="records")
    csv = io.StringIO()
    frame.to_csv(csv, index=False)
    bodies: list[tuple[Any, str]] = [
        ({"dataframe_split": {"columns": split["columns"], "data": split["data"]}}, "json"),
        ({"dataframe_split": split}, "json"),
        ({"dataframe_records": records}, "json"),
        ({"instances": records}, "json"),
        ({"instances": split["data"]}, "json"),
        ({"inputs": frame.to_dict(orient="list")}, "json"),
        ({"inputs": split["data"], "params": {}}, "json"),
        (csv.getvalue(), "text/csv"),
    ]
    for body, kind in bodies:
        content_type = "application/json; charset=utf-8" if kind == "json" else kind
        assert predictions(served.url, body, content_type) == logged.expected, body


def test_ping_health_and_version(served: Any) -> None:
    for path in ("/ping", "/health"):
        resp = requests.get(served.url + path, timeout=10)
        assert resp.status_code == 200 and resp.text == "\n"
    version = requests.get(served.url + "/version", timeout=10)
    assert version.status_code == 200 and version.text[0].isdigit()


ROW = {"sepal": 0.1, "petal": 0.2, "count": 3}
ERRORS: list[tuple[str, str, bytes, int, str, str]] = [
    # (case, content type, body, status, error_code, words in the message)
    ("invalid json", "application/json", b"{not json", 400, "BAD_REQUEST", "Invalid JSON"),
    ("a list", "application/json", b"[1, 2]", 400, "BAD_REQUEST", "Received a list"),
    ("no key", "application/json", b"{}", 400, "BAD_REQUEST", "exactly one of"),
    (
        "two keys",
        "application/json",
        b'{"inputs": [[1,2,3]], "instances": [[1,2,3]]}',
        400,
        "BAD_REQUEST",
        "exactly one of",
    ),
    (
        "1.x body",
        "application/json",
        b'{"columns": ["a"], "data": [[1]]}',
        400,
        "BAD_REQUEST",
        "exactly one of",
    ),
    (
        "missing column",
        "application/json",
        b'{"dataframe_records": [{"sepal": 1.0, "count": 1}]}',
        400,
        "INVALID_PARAMETER_VALUE",
        "missing inputs ['petal']",
    ),
    (
        "wrong type",
        "application/json",
        b'{"dataframe_records": [{"sepal": "tall", "petal": 1.0, "count": 1}]}',
        400,
        "INVALID_PARAMETER_VALUE",
        "'sepal'",
    ),
    (
        "fraction for a long",
        "application/json",
        b'{"dataframe_records": [{"sepal": 1.0, "petal": 1.0, "count": 1.5}]}',
        400,
        "INVALID_PARAMETER_VALUE",
        "'count'",
    ),
    (
        "ragged tensor",
        "application/json",
        b'{"inputs": [[1, 2, 3], [1]]}',
        400,
        "BAD_REQUEST",
        "rectangular",
    ),
    ("scalar input", "application/json", b'{"inputs": 5}', 400, "INVALID_PARAMETER_VALUE", "shape"),
    (
        "split shape",
        "application/json",
        b'{"dataframe_split": {"columns": ["sepal"], "data": [[1, 2]]}}',
        400,
        "BAD_REQUEST",
        "cannot build a DataFrame",
    ),
    ("bad csv", "text/csv", b'sepal,petal\n"1,2\n', 400, "BAD_REQUEST", "Invalid CSV"),
    ("wrong type", "text/plain", b"1,2,3", 415, "BAD_REQUEST", "content types"),
    ("old format", "application/json; format=pandas-split", b"{}", 415, "BAD_REQUEST", "format"),
    ("latin-1", "application/json; charset=latin-1", b"{}", 415, "BAD_REQUEST", "UTF-8"),
    ("too large", "application/json", b"[" + b"1," * 600_000 + b"1]", 413, "BAD_REQUEST", "limit"),
]


@pytest.mark.parametrize(
    ("case", "content_type", "body", "status", "code", "words"),
    ERRORS,
    ids=[row[0] for row in ERRORS],
)
def test_bad_requests_get_a_clear_error(
    served: Any, case: str, content_type: str, body: bytes, status: int, code: str, words: str
) -> None:
    resp = requests.post(
        f"{served.url}/invocations", data=body, headers={"Content-Type": content_type}, timeout=30
    )
    assert resp.status_code == status, resp.text
    error = resp.json()
    assert error["error_code"] == code
    assert words in error["message"], error["message"]


def test_unknown_paths_and_methods_use_the_error_shape(served: Any) -> None:
    missing = requests.get(f"{served.url}/nope", timeout=10)
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    wrong = requests.get(f"{served.url}/invocations", timeout=10)
    assert wrong.status_code == 405 and "error_code" in wrong.json()
