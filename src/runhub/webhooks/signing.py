"""The headers of a delivery: id, timestamp and the HMAC-SHA256 signature (§1.12)."""

from __future__ import annotations

import base64
import hashlib
import hmac


def signature(secret: str, delivery_id: str, timestamp: int, payload: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "<delivery_id>.<timestamp>.<payload>">``."""
    signed = f"{delivery_id}.{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def delivery_headers(
    delivery_id: str, timestamp: int, payload: bytes, secret: str | None
) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "runhub-webhooks",
        "X-MLflow-Delivery-Id": delivery_id,
        "X-MLflow-Timestamp": str(timestamp),
    }
    if secret:
        headers["X-MLflow-Signature"] = signature(secret, delivery_id, timestamp, payload)
    return headers
