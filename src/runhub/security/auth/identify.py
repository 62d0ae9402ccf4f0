"""Who sent a request: the authorization function (Basic or bearer by default), else the web
UI's sign-in cookie; with the failed-login lock-out applied to Basic credentials.

Runs off the event loop (it reads the auth database and may verify a password).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import cookie_parser

from runhub.security.auth.authenticate import basic_credentials
from runhub.security.auth.cookie import COOKIE_NAME, Claims
from runhub.security.auth.service import AuthService
from runhub.security.auth.store import User


@dataclass(frozen=True)
class Identity:
    """The outcome: a user (with the cookie's claims when the cookie identified them), or
    why there is none."""

    user: User | None = None
    claims: Claims | None = None
    retry_after: int | None = None  # Basic credentials of a locked-out login: not checked
    stale_cookie: bool = False  # a cookie that no longer signs anyone in (clear it)


def signin_cookie(headers: Mapping[str, str]) -> str | None:
    """The value of the sign-in cookie the request carries, if any."""
    value = cookie_parser(headers.get("cookie", "")).get(COOKIE_NAME)
    return value or None


def identify(service: AuthService, headers: Mapping[str, str], address: str) -> Identity:
    """Who sent a request with these (lower-case) headers from this client address."""
    credentials = basic_credentials(headers.get("authorization", ""))
    # Basic costs one more indexed read per request (the lock); a success does not clear the
    # username's count as the form does: that would be a write per request (it expires with
    # its window instead).
    if credentials is not None:
        wait = service.limiter.retry_after(credentials[0], address)
        if wait is not None:
            return Identity(retry_after=wait)
    user = service.authenticate(headers, service.store)
    if user is not None:
        return Identity(user)
    if credentials is not None:
        service.limiter.failed(credentials[0], address)
        return Identity()
    cookie = signin_cookie(headers)
    if cookie is None or headers.get("authorization"):
        return Identity()
    return from_cookie(service, cookie)


def from_cookie(service: AuthService, cookie: str) -> Identity:
    """The user a sign-in cookie names, while it is valid, not signed out, and their password
    unchanged."""
    claims = service.cookies.verify(cookie)
    found = service.store.user_and_hash(claims.user_id) if claims is not None else None
    if claims is None or found is None or service.sign_outs.ended(claims.nonce):
        return Identity(stale_cookie=True)
    user, password_hash = found
    if not hmac.compare_digest(service.cookies.fingerprint(password_hash), claims.fingerprint):
        return Identity(stale_cookie=True)
    return Identity(user, claims)
