"""Authentication and authorisation of every request, by the route's rule in ``policy``.

Public routes pass; everything else needs a user: 401 with a Basic challenge for API clients,
a JSON 401 without one for the web UI (its sign-in form takes over; no browser prompt), 429
while a login is locked out. A write authenticated by the sign-in cookie needs its CSRF token.
A route with no rule is refused (deny by default). Resource rules read the resource from
the request before the app sees it; the body is read once and replayed to the app.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runhub.api.json_body import decode_json
from runhub.errors import InvalidParameter, NotFound
from runhub.security.auth.cookie import cookie_path, set_cookie_header
from runhub.security.auth.csrf import CSRF_HEADER, CSRF_REFUSED
from runhub.security.auth.follow_up import follow_up
from runhub.security.auth.identify import Identity, identify, signin_cookie
from runhub.security.auth.login_limits import LOCKED_OUT, client_address
from runhub.security.auth.resources import RequestFacts, Unlocatable, locate
from runhub.security.auth.service import AuthService
from runhub.security.auth.store import User
from runhub.security.permissions import Level
from runhub.security.policy import Access, Locate, Rule, rule_for
from runhub.security.responses import send_error, send_raw, send_text
from runhub.security.route_index import RouteIndex
from runhub.security.visibility import visibility_scope
from runhub.store.sql.db import Database

log = logging.getLogger("runhub.security")

UNAUTHENTICATED_BODY = (
    b"You are not authenticated. Please see "
    b"https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow "
    b"on how to authenticate."
)
CHALLENGE = [(b"www-authenticate", b'Basic realm="mlflow"')]
SIGN_IN_NEEDED = "You are not signed in, or your sign-in has expired: sign in again."
DENIED = "Permission denied"
USER_KEY = "runhub.user"
CLAIMS_KEY = "runhub.signin"
# Locators that read only the path or headers: the body (maybe a large upload) is not touched.
_BODYLESS = {
    Locate.ARTIFACT_PATH,
    Locate.TRACE_PATH,
    Locate.LOGGED_MODEL_PATH,
    Locate.EXPERIMENT_HEADER,
    Locate.DATASET_PATH,
}


def current_user(scope: Scope) -> User:
    """The authenticated user of a request that passed the auth middleware."""
    user = scope.get("state", {}).get(USER_KEY)
    if not isinstance(user, User):
        raise RuntimeError("no authenticated user on this request")
    return user


class AuthMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        service: AuthService,
        tracking_db: Database,
        routes: Sequence[BaseRoute],
        static_prefix: str = "",
    ) -> None:
        self.app = app
        self.service = service
        self.db = tracking_db
        self.index = RouteIndex(routes)
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hit = self.index.find(scope)
        rule = rule_for(scope["method"], hit.template, self.static_prefix) if hit else None
        if rule is not None and rule.access is Access.PUBLIC:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        address = client_address(scope.get("client"))
        identity = await run_in_threadpool(identify, self.service, headers, address)
        user = identity.user
        if user is None:
            await self._refuse(scope, send, headers, identity)
            return
        if identity.claims is not None:
            if not self.service.csrf.accepts(
                scope["method"], identity.claims, headers.get(CSRF_HEADER, "")
            ):
                await send_error(send, 403, "PERMISSION_DENIED", CSRF_REFUSED)
                return
            scope.setdefault("state", {})[CLAIMS_KEY] = identity.claims
        scope.setdefault("state", {})[USER_KEY] = user
        if hit is None:  # no such route: the app answers 404 or 405
            await self.app(scope, receive, send)
            return
        if rule is None:
            log.warning(
                "refused %s %s: the route has no permission rule", scope["method"], hit.template
            )
            await send_text(send, 403, DENIED)
            return
        if rule.access is Access.ADMIN and not user.is_admin:
            await send_text(send, 403, DENIED)
            return
        request: dict[str, Any] = {}
        if rule.access is Access.RESOURCE and (not user.is_admin or _changes_grants(rule)):
            authorized = await self._authorize(scope, receive, send, rule, user, hit.params)
            if authorized is None:
                return
            receive, request = authorized
        send = follow_up(self.service, scope, send, user, request)
        if rule.access is not Access.AUTHENTICATED or user.is_admin:
            await self.app(scope, receive, send)
            return
        # Searches name no single resource: their queries keep only what the user may read.
        with visibility_scope(await run_in_threadpool(self.service.visibility, user)):
            await self.app(scope, receive, send)

    async def _refuse(
        self, scope: Scope, send: Send, headers: dict[str, str], identity: Identity
    ) -> None:
        """429 for a locked-out login; else 401: the web UI (its ajax calls, or a request
        with the sign-in cookie) gets JSON and no Basic challenge, API clients get both."""
        if identity.retry_after is not None:
            wait = identity.retry_after
            extra = [(b"retry-after", str(wait).encode())]
            await send_error(send, 429, "RESOURCE_EXHAUSTED", LOCKED_OUT.format(wait), extra)
            return
        ajax = scope["path"].startswith(self.static_prefix + "/ajax-api/")
        if not ajax and signin_cookie(headers) is None:
            await send_raw(send, 401, UNAUTHENTICATED_BODY, b"text/html; charset=utf-8", CHALLENGE)
            return
        extra = []
        if identity.stale_cookie:
            path = cookie_path(self.static_prefix)
            expired = set_cookie_header("", 0, path, scope.get("scheme") == "https")
            extra.append((b"set-cookie", expired))
        await send_error(send, 401, "UNAUTHENTICATED", SIGN_IN_NEEDED, extra)

    async def _authorize(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        rule: Rule,
        user: User,
        params: tuple[object, ...],
    ) -> tuple[Receive, dict[str, Any]] | None:
        """The receive to hand on and the parsed body when the user may act; None after
        sending a refusal. Admins may always act; their requests are only parsed."""
        how, resource_type = rule.locate, rule.resource_type
        assert how is not None and resource_type is not None
        body = b""
        if how not in _BODYLESS:
            body, receive = await _buffer_body(receive)
        facts = RequestFacts(
            query=parse_qsl(scope.get("query_string", b"").decode("latin-1")),
            body=_json_object(body),
            params=params,
            headers={k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]},
        )
        if user.is_admin:
            return receive, dict(facts.body)

        def allowed() -> bool:
            ids = locate(self.db, how, facts)
            # A request that names no resource is refused rather than guessed at.
            return bool(ids) and all(
                self.service.level(user, resource_type, i) >= rule.level for i in ids
            )

        try:
            ok = await run_in_threadpool(allowed)
        except NotFound as exc:
            await send_error(send, 404, exc.error_code, exc.message)
            return None
        except Unlocatable:
            ok = False
        if not ok:
            await send_text(send, 403, DENIED)
            return None
        return receive, dict(facts.body)


def _changes_grants(rule: Rule) -> bool:
    """Registered-model rename and delete, and experiment purge, move or drop grants: their
    body is needed."""
    return rule.locate in (Locate.MODEL, Locate.EXPERIMENT) and rule.level is Level.MANAGE


async def _buffer_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a receive that replays it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _json_object(body: bytes) -> dict[str, Any]:
    """The body as the app will parse it (same decoder), or {} when the app will refuse it."""
    try:
        data = decode_json(body)
    except InvalidParameter:
        return {}
    return data if isinstance(data, dict) else {}
