"""The web UI's sign-in: a JSON form that sets the signed cookie, sign-out, and who-am-I.

Sign-in takes only ``application/json``: a cross-site page can send a form or text/plain
without a preflight, never JSON, so it cannot sign a victim into the attacker's account
(login CSRF); the CORS middleware refuses cross-origin writes besides.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.endpoint import json_response
from runhub.api.json_body import decode_json
from runhub.errors import BadRequest, InvalidParameter, PermissionDenied, RunhubError
from runhub.security.auth.cookie import Claims, cookie_path, set_cookie_header
from runhub.security.auth.csrf import CSRF_HEADER, CSRF_REFUSED
from runhub.security.auth.identify import signin_cookie
from runhub.security.auth.login_limits import LOCKED_OUT, client_address
from runhub.security.auth.middleware import CLAIMS_KEY, current_user
from runhub.security.auth.service import AuthService
from runhub.security.auth.store import User

Endpoint = Callable[[Request], Awaitable[Response]]
WRONG_CREDENTIALS = "Wrong username or password."


class LockedOut(RunhubError):
    error_code = "RESOURCE_EXHAUSTED"

    def __init__(self, retry_after: int) -> None:
        super().__init__(LOCKED_OUT.format(retry_after))
        self.retry_after = retry_after


def _service(request: Request) -> AuthService:
    service: AuthService = request.app.state.auth
    return service


def _cookie(request: Request, value: str, max_age: int) -> bytes:
    settings = request.app.state.settings
    path = cookie_path(settings.static_prefix or "")
    return set_cookie_header(value, max_age, path, request.url.scheme == "https")


async def _credentials(request: Request) -> tuple[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise BadRequest("Sign-in takes a JSON body: send Content-Type: application/json.")
    body = decode_json(await request.body())
    if not isinstance(body, dict):
        raise InvalidParameter("Sign-in takes a JSON object with 'username' and 'password'.")
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not username or not isinstance(password, str):
        raise InvalidParameter("Sign-in needs 'username' and 'password' strings.")
    return username, password


def _check(
    service: AuthService, username: str, password: str, address: str
) -> tuple[User, str, Claims]:
    """The user, a new cookie value and its claims. LockedOut, without checking the password,
    while the login is locked; RunhubError UNAUTHENTICATED for a wrong password (counted)."""
    wait = service.limiter.retry_after(username, address)
    if wait is not None:
        raise LockedOut(wait)
    user = service.store.check_password(username, password)
    found = service.store.user_and_hash(user.id) if user is not None else None
    if found is None:
        service.limiter.failed(username, address)
        raise RunhubError(WRONG_CREDENTIALS, error_code="UNAUTHENTICATED")
    service.limiter.succeeded(username)
    user, password_hash = found
    return (user, *service.cookies.issue(user.id, password_hash))


async def sign_in(request: Request) -> Response:
    """``POST .../runhub/auth/sign-in`` ``{"username", "password"}``: sets the cookie and
    answers ``{"user", "csrf_token"}``."""
    service = _service(request)
    username, password = await _credentials(request)
    address = client_address(request.scope.get("client"))
    try:
        user, value, claims = await run_in_threadpool(_check, service, username, password, address)
    except LockedOut as exc:
        response = json_response(exc.to_json(), 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    response = json_response({"user": user.to_json(), "csrf_token": service.csrf.token_for(claims)})
    cookie = _cookie(request, value, service.cookies.max_age)
    response.headers.append("Set-Cookie", cookie.decode("latin-1"))
    return response


async def sign_out(request: Request) -> Response:
    """``POST .../runhub/auth/sign-out``: ends the sign-in and removes the cookie.

    A valid cookie's sign-in is recorded as ended, so no copy of it works again; that takes
    the CSRF token, so another site cannot sign a user out. A stale or missing cookie is
    simply removed."""
    service = _service(request)
    cookie = signin_cookie({k: v for k, v in request.headers.items()})
    claims = service.cookies.verify(cookie) if cookie else None
    if claims is not None:
        if not service.csrf.accepts("POST", claims, request.headers.get(CSRF_HEADER, "")):
            raise PermissionDenied(CSRF_REFUSED)
        expires_at = claims.issued_at + service.cookies.max_age
        await run_in_threadpool(service.sign_outs.record, claims.nonce, expires_at)
    response = json_response({})
    response.headers.append("Set-Cookie", _cookie(request, "", 0).decode("latin-1"))
    return response


async def status(request: Request) -> Response:
    """``GET .../runhub/auth/status``: the signed-in user, and the CSRF token when the
    sign-in cookie authenticated the request (null for Basic or token clients)."""
    claims = request.scope.get("state", {}).get(CLAIMS_KEY)
    token = _service(request).csrf.token_for(claims) if isinstance(claims, Claims) else None
    user = current_user(request.scope)
    return json_response({"user": user.to_json(), "csrf_token": token})


# (method, path below /api and /ajax-api, endpoint)
SIGNIN_TABLE: list[tuple[str, str, Endpoint]] = [
    ("POST", "/2.0/runhub/auth/sign-in", sign_in),
    ("POST", "/2.0/runhub/auth/sign-out", sign_out),
    ("GET", "/2.0/runhub/auth/status", status),
]
