"""The OpenAPI 3.1 description of runhub's REST API, built from the route table.

Every (prefix, method, path) of the table becomes one operation; its parameters and request body
come from the endpoint's :class:`~runhub.api.declaration.Declaration`. Nothing here is written
per route, so the description cannot drift from what is served: a test checks it against the
routes. Served at ``GET /api/openapi.json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from runhub import __version__
from runhub.api.declaration import Declaration, declaration_of, declare
from runhub.api.endpoint import Endpoint
from runhub.api.openapi_operations import ERROR_RESPONSE, operation, tag_of
from runhub.api.openapi_schemas import ERROR

# (prefix, [(method, path below the prefix, endpoint)]): the route table as served.
Tables = Sequence[tuple[str, Sequence[tuple[str, str, Endpoint]]]]

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")

TAGS = [
    ("Experiments", "Experiments, their tags and datasets."),
    ("Runs", "Runs, their metrics, parameters, tags, inputs and outputs."),
    ("Run artifacts", "A run's artifact listing, presigned URLs and the UI's transfers."),
    ("Artifacts", "The proxied artifact service, multipart uploads included."),
    ("Model registry", "Registered models, model versions, tags and aliases."),
    ("Logged models", "Logged models, their tags, parameters and files."),
    ("Traces", "Traces, their tags, links and metrics; OTLP span ingest."),
    ("Assessments", "Feedback and expectations on traces."),
    ("Webhooks", "Webhooks on registry events (admins only under authentication)."),
    ("GraphQL", "Read-only GraphQL queries."),
    ("Server", "Health, version, capabilities and this description."),
]

_INFO_DESCRIPTION = (
    "The REST API of runhub, an ML tracking server that speaks MLflow's REST protocol. "
    "Protocol routes are served under both `/api` and `/ajax-api` (the web UI's mirror). "
    "Message fields are listed in snake_case; lowerCamelCase names are accepted too. "
    "GET requests take the message in the query string (a repeated field as a repeated "
    "key); other methods take it as a JSON body, and POST and PUT need "
    "`Content-Type: application/json`. Errors are JSON objects with `error_code` and "
    "`message`. This document is generated from runhub's route table."
)


def openapi_path(path: str) -> str:
    """A Starlette path template as an OpenAPI one: ``{p:path}`` and ``{p:int}`` → ``{p}``."""
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


def path_parameters(path: str) -> list[tuple[str, str]]:
    """The (name, Starlette convertor) of each parameter of a path template."""
    return [(m.group(1), m.group(2) or "str") for m in _PARAM.finditer(path)]


def openapi_document(tables: Tables, server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document of the routes in ``tables``, served below ``server_url``."""
    paths: dict[str, dict[str, Any]] = {}
    entries = [
        (prefix, method, prefix + path, endpoint)
        for prefix, table in tables
        for method, path, endpoint in table
    ]
    ids = _operation_ids(
        [(prefix, method, path, e.__name__) for prefix, method, path, e in entries]
    )
    for (_, method, path, endpoint), operation_id in zip(entries, ids, strict=True):
        declared = declaration_of(endpoint) or Declaration()
        item = paths.setdefault(openapi_path(path), {})
        item[method.lower()] = operation(
            method, path_parameters(path), declared, operation_id, tag_of(path), endpoint.__name__
        )
    for item in paths.values():  # a stable, conventional method order within each path
        ordered = sorted(item.items(), key=lambda kv: _METHOD_ORDER.index(kv[0].upper()))
        item.clear()
        item.update(ordered)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "runhub REST API",
            "version": __version__,
            "description": _INFO_DESCRIPTION,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "paths": paths,
        "components": {"schemas": {"Error": ERROR}, "responses": {"Error": ERROR_RESPONSE}},
    }


def _operation_ids(entries: list[tuple[str, str, str, str]]) -> list[str]:
    """Unique ids from endpoint names: ``search_experiments``, plus the method and the API
    version where one name serves several routes; ``ajax_`` on the /ajax-api mirror."""
    routes = {(method, path[len(prefix) :], name) for prefix, method, path, name in entries}
    by_name: dict[str, list[tuple[str, str]]] = {}
    for method, path, name in routes:
        by_name.setdefault(name, []).append((method, path))
    ids: list[str] = []
    for prefix, method, path, name in entries:
        same = by_name[name]
        base = name
        if len({m for m, _ in same}) > 1:
            base += f"_{method.lower()}"
        version = re.search(r"/(\d+)\.\d+/", path)
        if version and sum(1 for m, _ in same if m == method) > 1:
            base += f"_v{version.group(1)}"
        ids.append(f"ajax_{base}" if prefix == "/ajax-api" else base)
    return ids


def document_endpoint(tables: Callable[[], Tables]) -> Endpoint:
    """``GET /api/openapi.json``: the document of ``tables()``, built once per process (per
    server root, so it stays right under ``--static-prefix``)."""

    @cache
    def encoded(server_url: str) -> bytes:
        return orjson.dumps(openapi_document(tables(), server_url))

    @declare(Declaration(summary="This OpenAPI description"))
    async def openapi_json(request: Request) -> Response:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return Response(encoded(root or "/"), media_type="application/json")

    return openapi_json
