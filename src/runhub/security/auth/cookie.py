"""The web UI's signed sign-in cookie: who signed in, when, and with which password.

The value is ``<payload>.<signature>``, both base64url; the payload is JSON with the user id
(``uid``), the issue time in seconds (``iat``), a fingerprint of the user's password hash
(``fp``) and a random ``nonce``. The signature is HMAC-SHA256 under a key derived from
``MLFLOW_FLASK_SERVER_SECRET_KEY``: every worker and replica sharing the secret accepts a
cookie another one issued, and nothing is stored server-side. Changing the password (or
deleting the user) changes the fingerprint, so every cookie issued before stops working.
The nonce is new at each sign-in; the CSRF token is derived from it (``csrf``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import orjson

COOKIE_NAME = "runhub_signin"
# A cookie issued this far in the future (clock skew between replicas) is still accepted.
CLOCK_SKEW_S = 60


@dataclass(frozen=True)
class Claims:
    """What a valid cookie says."""

    user_id: int
    issued_at: int
    fingerprint: str
    nonce: str


def derive_key(secret: str, purpose: str) -> bytes:
    """A key for one purpose, so the cookie, CSRF tokens and webhooks never share a key."""
    return hmac.new(secret.encode(), f"runhub {purpose}".encode(), hashlib.sha256).digest()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CookieSigner:
    """Issues and verifies sign-in cookies that live ``max_age`` seconds."""

    def __init__(self, secret: str, max_age: int) -> None:
        self._key = derive_key(secret, "sign-in cookie")
        self.max_age = max_age

    def _sign(self, payload: str) -> str:
        return b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())

    def fingerprint(self, password_hash: str) -> str:
        """A keyed digest of the password hash: reveals nothing, changes with the password."""
        digest = hmac.new(self._key, b"password " + password_hash.encode(), hashlib.sha256)
        return b64(digest.digest()[:16])

    def issue(
        self, user_id: int, password_hash: str, now: float | None = None
    ) -> tuple[str, Claims]:
        """A new cookie value for the user and what it says (``now``: seconds since the epoch)."""
        claims = Claims(
            user_id,
            int(time.time() if now is None else now),
            self.fingerprint(password_hash),
            b64(secrets.token_bytes(16)),
        )
        data = {"uid": user_id, "iat": claims.issued_at, "fp": claims.fingerprint}
        payload = b64(orjson.dumps({**data, "nonce": claims.nonce}))
        return f"{payload}.{self._sign(payload)}", claims

    def verify(self, value: str) -> Claims | None:
        """The claims of a cookie this secret signed and that has not expired, else None."""
        payload, dot, signature = value.partition(".")
        if not dot or not payload.isascii() or not signature.isascii():
            return None
        if not hmac.compare_digest(signature.encode(), self._sign(payload).encode()):
            return None
        try:
            data = orjson.loads(_unb64(payload))
        except (binascii.Error, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        uid, iat, fp, nonce = (data.get(k) for k in ("uid", "iat", "fp", "nonce"))
        if not (isinstance(uid, int) and isinstance(iat, int)):
            return None
        if not (isinstance(fp, str) and isinstance(nonce, str)):
            return None
        age = time.time() - iat
        if age > self.max_age or age < -CLOCK_SKEW_S:
            return None
        return Claims(uid, iat, fp, nonce)


def cookie_path(static_prefix: str) -> str:
    """The cookie covers the server's mount point: ``/`` or the ``--static-prefix``."""
    return static_prefix.rstrip("/") or "/"


def set_cookie_header(value: str, max_age: int, path: str, secure: bool) -> bytes:
    """A ``Set-Cookie`` value; ``max_age`` 0 with an empty value removes the cookie.

    HttpOnly keeps it from page scripts; SameSite=Lax keeps it off cross-site subrequests
    and form posts; Secure when the request came over https (uvicorn sets the scheme from
    X-Forwarded-Proto only for proxies it trusts: --forwarded-allow-ips).
    """
    parts = [f"{COOKIE_NAME}={value}", f"Path={path}", f"Max-Age={max_age}"]
    if max_age == 0:
        parts.append("Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    parts += ["HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode("latin-1")
