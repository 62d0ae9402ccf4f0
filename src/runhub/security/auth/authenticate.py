"""Who is making a request: HTTP Basic or a bearer access token, checked against the store.

Password hashes are deliberately slow (argon2), so a successful check is remembered for a
short time in this process, keyed by a keyed hash of the credential (never the password),
together with the stored hash it was checked against. The user row is read on every request,
so deleting a user, changing their admin flag or changing their password takes effect at once
on every worker and replica: a remembered check counts only while the stored hash is the same.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import importlib
import secrets
import threading
import time
from collections.abc import Callable, Mapping

from runhub.security.auth.store import AuthStore, User

Authenticator = Callable[[Mapping[str, str], AuthStore], "User | None"]
CREDENTIAL_CACHE_TTL_S = 30.0
CREDENTIAL_CACHE_MAX = 10_000


class CredentialCache:
    """Recently verified (username, password) pairs → (user id, password hash checked), for
    ``ttl`` seconds."""

    def __init__(self, ttl: float = CREDENTIAL_CACHE_TTL_S) -> None:
        self.ttl = ttl
        self._key = secrets.token_bytes(32)
        self._entries: dict[bytes, tuple[int, str, float]] = {}
        self._lock = threading.Lock()

    def _digest(self, username: str, password: str) -> bytes:
        message = username.encode() + b"\0" + password.encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def get(self, username: str, password: str) -> tuple[int, str] | None:
        digest = self._digest(username, password)
        with self._lock:
            entry = self._entries.get(digest)
        if entry is None or entry[2] < time.monotonic():
            return None
        return entry[0], entry[1]

    def put(self, username: str, password: str, user_id: int, password_hash: str) -> None:
        digest = self._digest(username, password)
        with self._lock:
            if len(self._entries) >= CREDENTIAL_CACHE_MAX:
                self._entries.clear()
            self._entries[digest] = (user_id, password_hash, time.monotonic() + self.ttl)

    def forget_user(self, user_id: int) -> None:
        with self._lock:
            for digest in [d for d, (uid, _, _) in self._entries.items() if uid == user_id]:
                del self._entries[digest]


_cache = CredentialCache()


def basic_credentials(authorization: str) -> tuple[str, str] | None:
    """(username, password) of a ``Basic`` Authorization header, or None."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep and username else None


def basic_or_token(headers: Mapping[str, str], store: AuthStore) -> User | None:
    """The default authorization function: HTTP Basic, or ``Bearer <access token>``."""
    authorization = headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return store.check_token(value.strip())
    credentials = basic_credentials(authorization)
    if credentials is None:
        return None
    username, password = credentials
    cached = _cache.get(username, password)
    if cached is not None:
        found = store.user_and_hash(cached[0])
        if found is not None and found[0].username == username and found[1] == cached[1]:
            return found[0]
    verified = store.verify_password(username, password)
    if verified is None:
        return None
    user, password_hash = verified
    _cache.put(username, password, user.id, password_hash)
    return user


def forget_credentials(user_id: int) -> None:
    """Drop this process's remembered credentials of a user (password change, deletion)."""
    _cache.forget_user(user_id)


def load_authenticator(spec: str) -> Authenticator:
    """The function named ``module:function``; ValueError when it cannot be loaded."""
    module_name, sep, attribute = spec.partition(":")
    if not sep:
        raise ValueError(f"authorization_function '{spec}' must look like module:function")
    try:
        function = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot load authorization_function '{spec}': {exc}") from None
    if not callable(function):
        raise ValueError(f"authorization_function '{spec}' is not callable")
    return function  # type: ignore[no-any-return]
