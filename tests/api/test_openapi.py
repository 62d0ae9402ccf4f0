"""The OpenAPI description: valid OpenAPI 3.1, exactly the routes served, every declared field
with its type, schemas that accept what the parser accepts, and served as generated."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from runhub.api.declaration import declaration_of
from runhub.api.json_body import decode_json
from runhub.api.openapi import openapi_document, openapi_path
from runhub.api.openapi_schemas import field_schema, query_schema
from runhub.api.routes import build_routes, served_tables
from runhub.api.wire import Field, parse_message, parse_query
from runhub.errors import InvalidParameter
from runhub.security.route_index import route_keys
from runhub.ui.serve import ASSETS_PATH

DOCUMENT = openapi_document(served_tables())
KINDS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "msg": "object"}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOCUMENT["openapi"].startswith("3.1")
    validate(DOCUMENT)  # raises on the first violation of the OpenAPI 3.1 schema


def test_every_route_and_method_is_described_and_nothing_else() -> None:
    served = {
        (method, openapi_path(path))
        for method, path in route_keys(build_routes())
        if not path.startswith(("<", ASSETS_PATH))  # the web app and its assets
    }
    described = {(method, path) for method, path, _ in operations(DOCUMENT)}
    assert len(served) > 200
    assert described == served
    assert ("GET", "/api/openapi.json") in described
    assert ("PUT", "/api/2.0/mlflow-artifacts/mpu/parts/{upload_id}/{part_number}") in described


def test_operation_ids_are_unique_and_every_operation_has_a_known_tag() -> None:
    ids = [op["operationId"] for _, _, op in operations(DOCUMENT)]
    assert len(ids) == len(set(ids))
    tags = {t["name"] for t in DOCUMENT["tags"]}
    assert all(op["tags"][0] in tags for _, _, op in operations(DOCUMENT))
    by_id = {op["operationId"]: (method, path) for method, path, op in operations(DOCUMENT)}
    assert by_id["log_batch"] == ("POST", "/api/2.0/mlflow/runs/log-batch")
    assert by_id["ajax_log_batch"] == ("POST", "/ajax-api/2.0/mlflow/runs/log-batch")
    assert by_id["set_trace_tag_v3"] == ("PATCH", "/api/3.0/mlflow/traces/{trace_id}/tags")


def test_path_parameters_follow_the_route_convertors() -> None:
    item = DOCUMENT["paths"]["/api/2.0/mlflow-artifacts/mpu/parts/{upload_id}/{part_number}"]
    params = {p["name"]: p for p in item["put"]["parameters"]}
    assert params["part_number"]["schema"]["type"] == "integer"
    assert params["upload_id"]["schema"]["pattern"] == "^[^/]+$"
    item = DOCUMENT["paths"]["/api/2.0/mlflow/logged-models/{model_id}/tags/{tag_key}"]
    (tag_key,) = [p for p in item["delete"]["parameters"] if p["name"] == "tag_key"]
    assert tag_key["in"] == "path" and "pattern" not in tag_key["schema"]  # may hold a '/'


def _types(schema: dict[str, Any]) -> set[str]:
    """Every JSON type a schema names, through anyOf."""
    found: set[str] = set()
    kind = schema.get("type")
    found.update(kind if isinstance(kind, list) else [kind] if kind else [])
    for part in schema.get("anyOf", []):
        found |= _types(part)
    return found


def _check_body_field(field: Field, schema: dict[str, Any], where: str) -> None:
    if field.repeated:
        (many,) = [s for s in schema["anyOf"] if s.get("type") == "array"]
        schema = many["items"]
    if field.kind == "enum":
        assert field.enum is not None
        assert set(field.enum.values()) <= set(schema["enum"]), where
    elif field.kind == "json":
        assert "type" not in schema and "anyOf" not in schema, where  # any JSON value
    else:
        assert KINDS[field.kind] in _types(schema), where
    if field.kind == "msg":
        _check_body(field.fields, schema, where)


def _check_body(fields: tuple[Field, ...], schema: dict[str, Any], where: str) -> None:
    assert schema["type"] == "object" or "object" in schema["type"], where
    for field in fields:
        assert field.name in schema["properties"], f"{where}: {field.name}"
        _check_body_field(field, schema["properties"][field.name], f"{where}.{field.name}")
    assert set(schema.get("required", [])) == {f.name for f in fields if f.required}, where


def test_every_declared_field_is_in_its_operation_with_its_type() -> None:
    checked = 0
    for prefix, table in served_tables():
        for method, path, endpoint in table:
            declared = declaration_of(endpoint)
            assert declared is not None, f"{method} {prefix}{path} has no declaration"
            op = DOCUMENT["paths"][openapi_path(prefix + path)][method.lower()]
            params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
            in_path = set(re.findall(r"\{(\w+)", path))
            where = f"{method} {prefix}{path}"
            body_fields = []
            for field in declared.message + declared.query:
                if field.name in in_path:
                    assert ("path", field.name) in params, where
                elif method == "GET" or field in declared.query:
                    param = params[("query", field.name)]
                    assert param["required"] == field.required, where
                    types = _types(param["schema"])
                    if field.repeated:
                        assert types == {"array"}, where
                        types = _types(param["schema"]["items"])
                    if field.kind in ("int", "float", "bool"):
                        assert KINDS[field.kind] in types, where
                else:
                    body_fields.append(field)
                checked += 1
            if body_fields:
                schema = op["requestBody"]["content"]["application/json"]["schema"]
                _check_body(tuple(body_fields), schema, where)
            for header in declared.headers:
                assert params[("header", header.name)]["required"] == header.required, where
    assert checked > 300


def test_operations_answer_errors_in_the_error_shape() -> None:
    error = DOCUMENT["components"]["schemas"]["Error"]
    assert error["required"] == ["error_code", "message"]
    assert set(error["properties"]) == {"error_code", "message", "sqlstate", "error_class"}
    for _, path, op in operations(DOCUMENT):
        if path.startswith(("/api/", "/ajax-api/")):
            assert op["responses"]["4XX"] == {"$ref": "#/components/responses/Error"}, path
            assert op["responses"]["5XX"] == {"$ref": "#/components/responses/Error"}, path


# Each kind with values on both sides of the parser's rules. The schemas must accept exactly
# what the parser accepts (on these samples), so requests generated from them are right.
# Integers in an experiment id are taken too but described in words only (see
# openapi_schemas), so they are left out here.
SAMPLES: list[tuple[Field, list[Any]]] = [
    (Field("name"), ["a", "", None, 5, 1.5, True, [], {}]),
    (Field("name", required=True), ["a", "", None, 5]),
    (Field("experiment_id"), ["1", None, 1.5, 7.0, True]),
    (
        Field("count", "int"),
        [5, -5, "12", "-3", 3.0, 2**63 - 1, 2**63, "x", 1.5, True, None, "", [1]],
    ),
    (Field("value", "float"), [1.5, 2, "NaN", "Infinity", "-Infinity", "1.5", "x", True, None]),
    (Field("flag", "bool"), [True, False, "true", "FALSE", "yes", 1, None]),
    (Field("kind", "enum", enum={1: "ONE", 2: "TWO"}), ["ONE", 2, "THREE", 3, True, None]),
    (Field("ids", repeated=True), [["a", "b"], "a", [], None, [1.5], [None]]),
    (Field("ids", repeated=True, required=True), [["a"], [], None]),
    (Field("any", "json"), [None, 1, "x", [1], {"a": {"b": None}}]),
    (Field("any", "json", required=True), [None, "", 0, "x", [], {}, {"a": None}]),
    (
        Field("tag", "msg", fields=(Field("key", required=True), Field("value"))),
        [{"key": "k"}, {"key": "k", "value": "v"}, {}, {"value": "v"}, "x", None, []],
    ),
]


def _parses(fields: tuple[Field, ...], data: dict[str, Any]) -> bool:
    """Whether ``data`` sent as a JSON body is a valid message, as the server decodes it."""
    try:
        parse_message(fields, decode_json(json.dumps(data).encode()))
    except InvalidParameter:
        return False
    return True


@pytest.mark.parametrize(("field", "values"), SAMPLES, ids=lambda v: getattr(v, "kind", ""))
def test_body_schemas_accept_what_the_parser_accepts(field: Field, values: list[Any]) -> None:
    validator = jsonschema.Draft202012Validator(
        {"type": "object", "properties": {field.name: field_schema(field)}}
        | ({"required": [field.name]} if field.required else {})
    )
    for value in values:
        parsed = _parses((field,), {field.name: value})
        assert validator.is_valid({field.name: value}) == parsed, (field, value, parsed)


def _meanings(text: str) -> list[Any]:
    """The typed values a query string value can stand for (how clients serialize them)."""
    values: list[Any] = [text]
    if re.fullmatch(r"-?[0-9]+", text):
        values.append(int(text))
    if text in ("true", "false"):
        values.append(text == "true")
    return values


@pytest.mark.parametrize(
    ("field", "texts"),
    [
        (Field("count", "int"), ["5", "-5", "x", "1.5", ""]),
        (Field("flag", "bool"), ["true", "false", "yes"]),
        (Field("kind", "enum", enum={1: "ONE"}), ["ONE", "1", "TWO", "2"]),
        (Field("name", required=True), ["a", ""]),
        (Field("ids", repeated=True, required=True), ["a"]),
    ],
    ids=lambda v: getattr(v, "kind", ""),
)
def test_query_schemas_accept_what_the_parser_accepts(field: Field, texts: list[str]) -> None:
    validator = jsonschema.Draft202012Validator(query_schema(field))
    for text in texts:
        meanings = [[m] for m in _meanings(text)] if field.repeated else _meanings(text)
        accepted = any(validator.is_valid(m) for m in meanings)
        try:
            parse_query((field,), [(field.name, text)])
            parsed = True
        except InvalidParameter:
            parsed = False
        assert accepted == parsed, (field, text)


def test_the_served_document_is_the_generated_one(sqlite_url: str, tmp_path: Any) -> None:
    from runhub.app import create_app
    from runhub.cli.server import prepare_database
    from runhub.config import Settings

    settings = Settings(backend_store_uri=sqlite_url, artifacts_destination=str(tmp_path / "a"))
    prepare_database(settings)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        response = client.get("/api/openapi.json")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == DOCUMENT
        assert client.get("/api/openapi.json").content == response.content  # built once


def test_under_a_static_prefix_the_server_url_carries_it(tmp_path: Any) -> None:
    from runhub.app import create_app
    from runhub.config import Settings

    settings = Settings(backend_store_uri="sqlite://", static_prefix="/mlflow")
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        document = client.get("/mlflow/api/openapi.json").json()
    assert document["servers"] == [{"url": "/mlflow"}]
    assert document["paths"] == DOCUMENT["paths"]
