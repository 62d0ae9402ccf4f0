"""Password rules and hashing (argon2id), and the hashing of access tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# Passwords every scanner tries first; MLflow once shipped the first one as the admin default.
KNOWN_WEAK = frozenset({"password1234", "password123456", "123456789012", "adminpassword"})
TOKEN_PREFIX = "rh_"

# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): a few tens of ms per check, so a
# server verifying many clients' credentials stays responsive; hashes record their own
# parameters, so raising these later keeps old hashes valid.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def password_problem(password: object, username: str = "") -> str | None:
    """Why ``password`` may not be used, or None when it may."""
    if not isinstance(password, str) or not password:
        return "Password must not be empty."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters long."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be at most {MAX_PASSWORD_LENGTH} characters long."
    if password.lower() in KNOWN_WEAK or (username and password.lower() == username.lower()):
        return "Password is too easy to guess; choose another."
    if len(set(password)) < 4:
        return "Password is too easy to guess; use more different characters."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; never raises for a wrong or malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so timing does not reveal usernames.
DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def new_token() -> str:
    """A fresh personal access token (shown once, stored only as :func:`token_digest`)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (unlike passwords).
    return hashlib.sha256(token.encode()).hexdigest()
