"""CSRF tokens for requests authenticated by the sign-in cookie.

A browser attaches the cookie to requests another site makes it send; it cannot attach a
header that page never learned. So every state-changing request the cookie authenticates must
carry ``X-CSRF-Token``: an HMAC of the cookie's per-sign-in nonce, which the UI receives from
the sign-in and status endpoints. Requests authenticated by Basic credentials or a bearer
token need none (the CORS middleware still refuses cross-origin writes).
"""

from __future__ import annotations

import hashlib
import hmac

from runhub.security.auth.cookie import Claims, b64, derive_key

CSRF_HEADER = "x-csrf-token"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_REFUSED = (
    "This request was authenticated by the sign-in cookie but carries no valid X-CSRF-Token "
    "header; reload the page (or sign in again) and retry."
)


class CsrfTokens:
    """Derives and checks the token bound to one sign-in."""

    def __init__(self, secret: str) -> None:
        self._key = derive_key(secret, "csrf token")

    def token_for(self, claims: Claims) -> str:
        message = f"{claims.user_id}:{claims.nonce}".encode()
        return b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def accepts(self, method: str, claims: Claims, presented: str) -> bool:
        """Whether a request with this method may go ahead with the presented header."""
        if method.upper() not in STATE_CHANGING:
            return True
        return bool(presented) and hmac.compare_digest(
            presented.encode("latin-1"), self.token_for(claims).encode()
        )
