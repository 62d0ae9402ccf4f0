"""Webhooks and the events they subscribe to (mlflow-api.md §1.12)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class WebhookEvent:
    entity: str  # e.g. MODEL_VERSION
    action: str  # e.g. CREATED


@dataclass(frozen=True)
class Webhook:
    webhook_id: str
    name: str
    url: str
    events: tuple[WebhookEvent, ...]
    status: str  # ACTIVE or DISABLED
    creation_timestamp: int
    last_updated_timestamp: int
    description: str | None = None
    secret_encrypted: str | None = None  # Fernet token; see runhub.webhooks.secrets


@dataclass(frozen=True)
class WebhookChange:
    """The fields an update sets; ``None`` leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    url: str | None = None
    events: tuple[WebhookEvent, ...] | None = None
    secret_encrypted: str | None = None
    status: str | None = None
