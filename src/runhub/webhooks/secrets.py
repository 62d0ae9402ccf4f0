"""Webhook signing secrets, encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The Fernet key is derived (SHA-256) from the operator's ``webhook_secret_key`` setting, so any
string works as a key and the same setting decrypts the secrets after a restart. Without that
setting, webhooks can be created but not with a secret: storing one unencrypted is refused.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from runhub.errors import InvalidParameter

KEY_ENV = "RUNHUB_WEBHOOK_SECRET_KEY"


class SecretBox:
    """Encrypts and decrypts webhook secrets with one server-wide key."""

    def __init__(self, key: str | None) -> None:
        self._fernet = (
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest())) if key else None
        )

    def encrypt(self, secret: str) -> str:
        if self._fernet is None:
            raise InvalidParameter(
                f"Webhook secrets are encrypted at rest, and no key is configured: set "
                f"{KEY_ENV} (or MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY) on the server."
            )
        return self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, token: str) -> str | None:
        """The plain secret, or ``None`` when the key changed since it was stored."""
        if self._fernet is None:
            return None
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None
