"""create_app(settings): the only place the pieces are wired together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from runhub.api.endpoint import json_response
from runhub.api.failures import UnexpectedErrors, unexpected_response
from runhub.api.routes import build_routes
from runhub.api.service_modes import ServiceModes
from runhub.config import Settings, settings_from_environment
from runhub.errors import EndpointNotFound, RunhubError, error_json
from runhub.security.auth.service import auth_if_enabled
from runhub.security.stack import auth_middleware, auth_routes_if, security_middleware
from runhub.store.stores import Stores, open_stores


async def _runhub_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RunhubError)
    return json_response(exc.to_json(), exc.http_status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        err: RunhubError = EndpointNotFound(f"No route for {request.method} {request.url.path}")
        return json_response(err.to_json(), 404)
    if exc.status_code == 405:
        body = error_json(
            "BAD_REQUEST", f"Method {request.method} is not allowed for {request.url.path}"
        )
        return (
            json_response(body, 405)
            if not exc.headers
            else Response(
                content=json_response(body).body,
                status_code=405,
                headers=exc.headers,
                media_type="application/json",
            )
        )
    return json_response(error_json("BAD_REQUEST", str(exc.detail)), exc.status_code)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Reached only for errors raised outside UnexpectedErrors (the outermost layers).
    return unexpected_response(request, exc)


def create_app(settings: Settings, stores: Stores | None = None) -> Starlette:
    """The ASGI application for ``settings``; opens its stores unless given them."""
    opened = stores or open_stores(settings)
    auth = auth_if_enabled(settings)  # None unless --app-name basic-auth

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if stores is None:
                opened.close()
            if auth is not None:
                auth.close()

    routes, outer = _serving_layers(settings, [*auth_routes_if(auth), *build_routes()])
    app = Starlette(
        routes=routes,
        exception_handlers={
            RunhubError: _runhub_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
        middleware=[
            *outer,
            Middleware(UnexpectedErrors),
            *security_middleware(settings),
            # A file store has no database: start-up refuses the auth app on one.
            *(auth_middleware(auth, opened.db, routes, settings) if opened.db is not None else []),
            Middleware(
                ServiceModes,
                artifacts_only=settings.artifacts_only,
                serve_artifacts=settings.serve_artifacts,
                static_prefix=settings.static_prefix or "",
            ),
        ],
    )
    app.state.stores = opened
    app.state.settings = settings
    app.state.auth = auth
    return app


def _serving_layers(
    settings: Settings, routes: list[BaseRoute]
) -> tuple[list[BaseRoute], list[Middleware]]:
    """The optional layers around the routes: Prometheus metrics and the static prefix."""
    middleware: list[Middleware] = []
    if settings.prometheus_dir:
        from runhub.runtime.prometheus import PrometheusMiddleware, RequestMetrics, metrics_route

        metrics = RequestMetrics(settings.prometheus_dir)
        routes = [metrics_route(metrics), *routes]  # ahead of the web app's catch-all
        middleware.append(Middleware(PrometheusMiddleware, metrics=metrics))
    if settings.static_prefix:
        routes = [Mount(settings.static_prefix, routes=routes)]
    return routes, middleware


def app_from_environment() -> Starlette:
    """Factory for worker processes started by ``runhub server`` (uvicorn --factory)."""
    return create_app(settings_from_environment())


def wsgi_app_from_environment() -> Any:
    """The same app as a WSGI callable, for waitress (``runhub server --waitress-opts``)."""
    from a2wsgi import ASGIMiddleware

    return ASGIMiddleware(app_from_environment())  # type: ignore[arg-type]
