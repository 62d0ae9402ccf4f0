"""Turning a plain handler function into an HTTP endpoint: parse, run off the event loop, encode.

Handlers are ordinary functions ``handler(stores, message) -> dict | Response``; they never see
HTTP. The database work they do runs in a worker thread so the event loop keeps serving.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.declaration import Declaration, declare
from runhub.api.json_body import decode_json
from runhub.api.wire import Field, parse_message, parse_query
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

Handler = Callable[[Stores, dict[str, Any]], "dict[str, Any] | Response"]
Endpoint = Callable[[Request], Awaitable[Response]]


class JSONBytes(Response):
    media_type = "application/json"


def json_response(content: Any, status_code: int = 200) -> Response:
    try:
        body = orjson.dumps(content)
    except orjson.JSONEncodeError:
        # What orjson refuses (an integer past 64 bits, a lone surrogate quoted in a message)
        # Python's encoder writes as escapes: a response is never lost to its own encoding.
        body = json.dumps(content, default=str).encode()
    return JSONBytes(body, status_code=status_code)


def _check_content_type(request: Request) -> None:
    content_type = request.headers.get("content-type")
    if content_type is None:
        raise InvalidParameter("Bad Request. Content-Type header is missing.")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise InvalidParameter(
            f"Bad Request. Content-Type must be one of ['application/json']; got '{content_type}'."
        )


async def read_message(request: Request, fields: tuple[Field, ...]) -> dict[str, Any]:
    """The request message from the query string (GET) or the JSON body."""
    method = request.method
    if method == "GET":
        if request.url.query:
            return parse_query(fields, request.query_params.multi_items())
        return parse_message(fields, decode_json(await request.body()))
    if method in ("POST", "PUT"):
        _check_content_type(request)
    return parse_message(fields, decode_json(await request.body()))


def rpc(fields: tuple[Field, ...], handler: Handler) -> Endpoint:
    """An endpoint that parses ``fields`` and answers with what ``handler`` returns."""

    async def endpoint(request: Request) -> Response:
        message = await read_message(request, fields)
        message.update(request.path_params)  # e.g. {trace_id} in the path wins over the body
        stores: Stores = request.app.state.stores
        result = await run_in_threadpool(handler, stores, message)
        if isinstance(result, Response):
            return result
        return json_response(result)

    endpoint.__name__ = handler.__name__
    return declare(Declaration(message=fields))(endpoint)  # read by the OpenAPI description
