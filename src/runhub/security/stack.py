"""The security middleware for a :class:`Settings`, outermost first; used by ``create_app``."""

from __future__ import annotations

import logging

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from runhub.config import Settings
from runhub.security.auth.middleware import AuthMiddleware
from runhub.security.auth.routes import auth_routes
from runhub.security.auth.service import AuthService
from runhub.security.body_limit import BodyLimit
from runhub.security.cors import Cors
from runhub.security.headers import SecurityHeaders
from runhub.security.hosts import HostGuard, default_allowed_hosts, parse_list
from runhub.store.sql.db import Database

log = logging.getLogger("runhub.security")


def security_middleware(settings: Settings) -> list[Middleware]:
    """Headers → host allowlist → CORS → body limit; only the body limit when disabled."""
    static_prefix = (settings.static_prefix or "").rstrip("/")
    limit = Middleware(BodyLimit, limit=settings.max_request_body_size)
    if settings.disable_security_middleware:
        log.warning(
            "security middleware disabled: no Host allowlist, CORS checks or security headers"
        )
        return [limit]
    hosts = parse_list(settings.allowed_hosts) or default_allowed_hosts()
    origins = parse_list(settings.cors_allowed_origins) or ()
    if "*" in hosts:
        log.warning("--allowed-hosts '*' accepts any Host header: no DNS-rebinding protection")
    if "*" in origins:
        log.warning(
            "--cors-allowed-origins '*': every origin may call the API (without credentials) "
            "and cross-origin writes are no longer blocked"
        )
    return [
        Middleware(SecurityHeaders, frame_options=settings.x_frame_options),
        Middleware(HostGuard, allowed=hosts, static_prefix=static_prefix),
        Middleware(Cors, allowed=origins),
        limit,
    ]


def auth_middleware(
    auth: AuthService | None, tracking_db: Database, routes: list[BaseRoute], settings: Settings
) -> list[Middleware]:
    """The authentication and permission layer, when the auth app is on."""
    if auth is None:
        return []
    static_prefix = (settings.static_prefix or "").rstrip("/")
    return [
        Middleware(
            AuthMiddleware,
            service=auth,
            tracking_db=tracking_db,
            routes=routes,
            static_prefix=static_prefix,
        )
    ]


def auth_routes_if(auth: AuthService | None) -> list[BaseRoute]:
    """The users and permissions API, when the auth app is on."""
    return auth_routes() if auth is not None else []
