"""One OpenAPI operation from a route and its endpoint's declaration."""

from __future__ import annotations

from typing import Any

from runhub.api.declaration import JSON, Declaration
from runhub.api.openapi_schemas import Schema, message_schema, query_schema
from runhub.api.wire import Field

# Shared by every operation that can fail: components.responses.Error of the document.
ERROR_RESPONSE = {
    "description": "An error, in runhub's JSON error shape.",
    "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_ERROR_REF = {"$ref": "#/components/responses/Error"}
_BINARY = ("application/octet-stream", "application/x-protobuf", "*/*")

# The first fragment found in a path names its tag; more specific fragments come first.
_TAG_RULES = (
    ("/mlflow-artifacts/", "Artifacts"),
    ("/assessments", "Assessments"),
    ("/logged-models", "Logged models"),
    ("/registered-models/", "Model registry"),
    ("/model-versions/", "Model registry"),
    ("/webhooks", "Webhooks"),
    ("/traces", "Traces"),
    ("/artifacts/", "Run artifacts"),
    ("-artifact", "Run artifacts"),
    ("/experiments/", "Experiments"),
    ("/runs/", "Runs"),
    ("/metrics/", "Runs"),
    ("/graphql", "GraphQL"),
)


def tag_of(path: str) -> str:
    """The area a route belongs to, from its path."""
    for fragment, tag in _TAG_RULES:
        if fragment in path:
            return tag
    return "Server"


def summary_of(name: str) -> str:
    """``search_experiments`` → ``Search experiments``."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def operation(
    method: str,
    path_params: list[tuple[str, str]],
    declared: Declaration,
    operation_id: str,
    tag: str,
    name: str,
) -> dict[str, Any]:
    """The OpenAPI operation of a route: its ``method``, the (name, convertor) of its path
    parameters, its endpoint's declaration and name."""
    in_path = {name for name, _ in path_params}
    message = tuple(f for f in declared.message if f.name not in in_path)  # the path wins
    in_query = (message if method == "GET" else ()) + declared.query
    in_body = message if method != "GET" else ()
    parameters = [_path_parameter(name, convertor) for name, convertor in path_params]
    parameters += [_query_parameter(f) for f in in_query if f.name not in in_path]
    parameters += [
        {
            "name": h.name,
            "in": "header",
            "required": h.required,
            "description": h.description,
            "schema": {"type": "string"},
        }
        for h in declared.headers
    ]
    if declared.ranges:
        parameters.append(
            {
                "name": "Range",
                "in": "header",
                "required": False,
                "description": "One byte range, e.g. `bytes=0-1023`.",
                "schema": {"type": "string"},
            }
        )
    op: dict[str, Any] = {
        "operationId": operation_id,
        "summary": declared.summary or summary_of(name),
        "tags": [tag],
    }
    if parameters:
        op["parameters"] = parameters
    body = _request_body(method, in_body, declared)
    if body is not None:
        op["requestBody"] = body
    op["responses"] = _responses(declared)
    return op


def _path_parameter(name: str, convertor: str) -> dict[str, Any]:
    schema: Schema
    if convertor == "int":
        schema = {"type": "integer", "minimum": 0}
    elif convertor == "path":
        schema = {"type": "string", "description": "May contain `/`."}
    else:
        schema = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query_parameter(field: Field) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": field.name,
        "in": "query",
        "required": field.required,
        "schema": query_schema(field),
    }
    if field.repeated:
        parameter["style"] = "form"
        parameter["explode"] = True
    return parameter


def _request_body(
    method: str, fields: tuple[Field, ...], declared: Declaration
) -> dict[str, Any] | None:
    if declared.body:
        content = {
            media: {} if media in _BINARY else {"schema": {"type": "object"}}
            for media in declared.body
        }
        return {"required": True, "content": content}
    if method == "GET" or not (fields or method in ("POST", "PUT")):
        return None
    # POST and PUT need the JSON Content-Type even when the message is empty.
    required = method in ("POST", "PUT") or any(f.required for f in fields)
    return {"required": required, "content": {JSON: {"schema": message_schema(fields)}}}


def _responses(declared: Declaration) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for media in declared.answers:
        if media == JSON:
            content[media] = {"schema": {"type": "object"}}
        elif media.startswith("text/"):
            content[media] = {"schema": {"type": "string"}}
        else:
            content[media] = {}
    responses: dict[str, Any] = {"200": {"description": "Success.", "content": content}}
    if declared.ranges:
        # A range outside the file is 416, in the error shape like every other 4XX.
        responses["206"] = {"description": "The requested byte range.", "content": {"*/*": {}}}
    if declared.errors:
        responses["4XX"] = _ERROR_REF
        responses["5XX"] = _ERROR_REF
    return responses
