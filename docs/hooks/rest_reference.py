"""The REST reference page, generated at build time from the OpenAPI description.

The description is built from the route table (``runhub.api.routes.served_tables``), the same
way ``GET /api/openapi.json`` builds it, so the reference cannot drift from what is served and
is never written by hand. As a MkDocs hook it adds ``reference/rest.md`` and
``reference/openapi.json`` to the site; run as a script it writes the Markdown to a file:

    .venv/bin/python docs/hooks/rest_reference.py docs/reference/rest.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from runhub.api.openapi import openapi_document
from runhub.api.routes import served_tables

PAGE = "reference/rest.md"
DOCUMENT = "reference/openapi.json"
_METHODS = ("get", "post", "put", "patch", "delete")
_MAX_DEPTH = 3  # nested body fields listed down to tags[].key-like names


def document() -> dict[str, Any]:
    """The OpenAPI document of every route runhub serves."""
    return openapi_document(served_tables())


def render(doc: dict[str, Any]) -> str:
    """The Markdown reference of ``doc``: one section per tag, one entry per operation."""
    lines = [
        "# REST reference",
        "",
        "This page is generated from runhub's route table each time the documentation is "
        "built, from the same [OpenAPI description](openapi.json) the server answers at "
        "`GET /api/openapi.json`; see [The REST API described](../api.md).",
        "",
        "Every route under `/api` is also served under `/ajax-api` (the web UI's mirror); "
        "only the routes served under `/ajax-api` alone are listed with that prefix. GET "
        "requests take their fields in the query string, other methods as a JSON body. "
        "Errors use the `Error` shape: `error_code`, `message`.",
        "",
    ]
    by_tag = _operations_by_tag(doc)
    for tag in doc["tags"]:
        operations = by_tag.get(tag["name"], [])
        if not operations:
            continue
        lines += [f"## {tag['name']}", "", tag["description"], ""]
        for method, path, op in operations:
            lines += _operation(method, path, op)
    return "\n".join(lines) + "\n"


def _operations_by_tag(doc: dict[str, Any]) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    paths: dict[str, dict[str, Any]] = doc["paths"]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in paths.items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            mirrored = path.startswith("/ajax-api/") and method in paths.get(
                "/api/" + path.removeprefix("/ajax-api/"), {}
            )
            if not mirrored:
                by_tag.setdefault(op["tags"][0], []).append((method.upper(), path, op))
    return by_tag


def _operation(method: str, path: str, op: dict[str, Any]) -> list[str]:
    lines = [
        f"### `{method} {path}`",
        "",
        f"{op['summary']}. Operation id `{op['operationId']}`.",
        "",
    ]
    parameters = op.get("parameters", [])
    if parameters:
        lines += ["| Parameter | In | Type | Required | Notes |", "|---|---|---|---|---|"]
        for p in parameters:
            schema = p.get("schema", {})
            notes = _notes(schema, p.get("description", ""))
            required = "yes" if p.get("required") else ""
            lines.append(f"| `{p['name']}` | {p['in']} | {_type(schema)} | {required} | {notes} |")
        lines.append("")
    body = op.get("requestBody")
    if body:
        lines += _body(body)
    answers = ", ".join(f"`{media}`" for media in op["responses"]["200"].get("content", {}))
    errors = " Errors: 4XX and 5XX in the `Error` shape." if "4XX" in op["responses"] else ""
    lines += [f"Answers 200{' with ' + answers if answers else ''}.{errors}", ""]
    return lines


def _body(body: dict[str, Any]) -> list[str]:
    content: dict[str, Any] = body["content"]
    schema = content.get("application/json", {}).get("schema")
    media = ", ".join(f"`{m}`" for m in content)
    if not schema or not schema.get("properties"):
        required = "required" if body.get("required") else "optional"
        return [f"Body ({required}): {media}.", ""]
    lines = [
        "Body (`application/json`):",
        "",
        "| Field | Type | Required | Notes |",
        "|---|---|---|---|",
    ]
    for name, field, required in _fields(schema, "", 0):
        lines.append(
            f"| `{name}` | {_type(field)} | {'yes' if required else ''} | {_notes(field, '')} |"
        )
    return [*lines, ""]


def _fields(schema: dict[str, Any], prefix: str, depth: int) -> list[tuple[str, Any, bool]]:
    """(dotted name, schema, required) of every property, nested ones after their parent."""
    rows: list[tuple[str, Any, bool]] = []
    required = set(schema.get("required", []))
    for name, field in schema.get("properties", {}).items():
        rows.append((prefix + name, field, name in required))
        inner = _main(field)
        if inner.get("type") == "array" or "array" in _types(inner):
            inner, suffix = _main(inner.get("items", {})), "[]."
        else:
            suffix = "."
        if inner.get("properties") and depth + 1 < _MAX_DEPTH:
            rows += _fields(inner, prefix + name + suffix, depth + 1)
    return rows


def _main(schema: dict[str, Any]) -> dict[str, Any]:
    """The first non-null branch of an ``anyOf``, else the schema itself."""
    for branch in schema.get("anyOf", []):
        if _types(branch) != ["null"]:
            return dict(branch)
    return schema


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _type(schema: dict[str, Any]) -> str:
    main = _main(schema)
    kinds = [k for k in _types(main) if k != "null"]
    if "array" in kinds:
        return "array of " + _type(main.get("items", {}))
    if "integer" in kinds:
        return "int64" if main.get("format") == "int64" else "integer"
    if "number" in kinds:
        return "double"
    for kind in ("boolean", "object", "string"):
        if kind in kinds:
            return kind
    return "enum" if "enum" in main else "any"


def _notes(schema: dict[str, Any], description: str) -> str:
    main = _main(schema)
    notes = [description or main.get("description", "")]
    if "enum" in main:
        notes.append("one of " + ", ".join(f"`{v}`" for v in main["enum"] if v is not None))
    if "default" in main:
        notes.append(f"default `{json.dumps(main['default'])}`")
    if len(schema.get("anyOf", [])) > 2:
        notes.append("a list, or a single item")
    return "; ".join(n for n in notes if n).replace("|", "\\|").replace("\n", " ")


def on_files(files: Any, config: Any) -> Any:
    """MkDocs hook: add the generated reference and the OpenAPI document to the site."""
    from mkdocs.structure.files import File

    doc = document()
    files.append(File.generated(config, PAGE, content=render(doc)))
    files.append(File.generated(config, DOCUMENT, content=json.dumps(doc, indent=2)))
    return files


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(render(document()))
