"""CORS allowlist, preflight answers, and the server-side block of cross-origin writes (§7.1)."""

from __future__ import annotations

import fnmatch
import logging
import re
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runhub.security.responses import header, send_text

log = logging.getLogger("runhub.security")

BLOCKED_MESSAGE = "Cross-origin request blocked"
STATE_CHANGING = frozenset({"POST", "PUT", "DELETE", "PATCH"})
ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS, PATCH"
_LOCALHOST_ORIGIN = re.compile(r"http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]+)?")


def is_localhost_origin(origin: str) -> bool:
    return _LOCALHOST_ORIGIN.fullmatch(origin) is not None


def origin_allowed(origin: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``origin`` is a localhost origin or matches the allowlist (fnmatch wildcards)."""
    if not origin or origin == "null":
        return False
    if is_localhost_origin(origin):
        return True
    return any(
        origin == entry or ("*" in entry and fnmatch.fnmatchcase(origin, entry))
        for entry in allowed
    )


def is_same_origin(origin: str, host: str) -> bool:
    """A page served by this very host (already checked by the host guard) is not cross-origin."""
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return False
    return bool(host) and netloc.lower() == host.lower()


def should_block(method: str, origin: str, host: str, allowed: tuple[str, ...]) -> bool:
    """A state-changing request from a foreign origin is refused by the server itself.

    MLflow blocks only API paths; every path is covered here (OTLP, GraphQL, sign-up form).
    """
    return (
        bool(origin)
        and method in STATE_CHANGING
        and not origin_allowed(origin, allowed)
        and not is_same_origin(origin, host)
    )


class Cors:
    """Answers preflights, adds CORS headers for allowed origins, blocks foreign writes.

    With ``allowed == ("*",)`` every origin may read, without credentials, and nothing is
    blocked: the operator asked for it (a warning is logged at start-up).
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = allowed
        self.wildcard = "*" in allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = header(scope, b"origin") if scope["type"] == "http" else ""
        if not origin:
            # Browsers that leave Origin out still say where a request comes from (CSRF).
            if (
                scope["type"] == "http"
                and not self.wildcard
                and scope["method"] in STATE_CHANGING
                and header(scope, b"sec-fetch-site") == "cross-site"
            ):
                await send_text(send, 403, BLOCKED_MESSAGE)
                return
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        host = header(scope, b"host")
        permitted = self.wildcard or origin_allowed(origin, self.allowed)
        preflight = method == "OPTIONS" and header(scope, b"access-control-request-method")
        if preflight:
            await self._preflight(scope, send, origin, permitted)
            return
        if not self.wildcard and should_block(method, origin, host, self.allowed):
            log.warning("blocked a cross-origin %s from %r", method, origin[:200])
            await send_text(send, 403, BLOCKED_MESSAGE)
            return
        if not permitted:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in self._grant(origin):
                    headers[key] = value
                headers.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def _grant(self, origin: str) -> list[tuple[str, str]]:
        if self.wildcard:
            return [("access-control-allow-origin", "*")]
        return [
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
        ]

    async def _preflight(self, scope: Scope, send: Send, origin: str, permitted: bool) -> None:
        if not permitted:
            await send_text(send, 400, "Disallowed CORS origin", [(b"vary", b"Origin")])
            return
        requested = header(scope, b"access-control-request-headers")
        extra = [
            (key.encode(), value.encode())
            for key, value in [
                *self._grant(origin),
                ("access-control-allow-methods", ALLOWED_METHODS),
                ("access-control-max-age", "600"),
                ("vary", "Origin"),
            ]
        ]
        if requested:
            extra.append((b"access-control-allow-headers", requested.encode("latin-1")))
        await send_text(send, 200, "OK", extra)
