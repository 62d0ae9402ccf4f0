"""``POST /graphql``: JSON in, ``{"data", "errors"}`` out, always HTTP 200 (mlflow-api.md §10)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.declaration import Declaration, declare
from runhub.api.endpoint import json_response
from runhub.api.json_body import decode_json_value
from runhub.api.wire import Field
from runhub.errors import InvalidParameter
from runhub.graphql.executor import run_request
from runhub.graphql.resolvers import Context
from runhub.security.auth.middleware import USER_KEY

# Described for clients; the body is read as is, and problems come back in ``errors``.
REQUEST = (Field("query", required=True), Field("variables", "json"), Field("operationName"))


@declare(Declaration(message=REQUEST))
async def graphql(request: Request) -> Response:
    try:
        body = decode_json_value(await request.body())
    except InvalidParameter as exc:
        return json_response({"data": None, "errors": [exc.message]})
    auth = request.app.state.auth
    user = request.scope.get("state", {}).get(USER_KEY) if auth is not None else None
    context = Context(request.app.state.stores, auth, user)
    return json_response(await run_in_threadpool(run_request, body, context))
