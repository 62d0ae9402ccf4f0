"""Everything webhooks need in one server process: store, secrets, guard and the notifier."""

from __future__ import annotations

from typing import Any

from runhub.config import Settings
from runhub.entities.webhooks import WebhookEvent
from runhub.store.protocols import RegisteredModelStore
from runhub.store.sql.db import Database
from runhub.store.sql.webhooks import SqlWebhookStore
from runhub.webhooks.delivery import DeliveryOptions
from runhub.webhooks.guard import OutboundPolicy
from runhub.webhooks.notifier import WebhookNotifier
from runhub.webhooks.registry_events import prompt_resolver
from runhub.webhooks.secrets import SecretBox


def outbound_policy(settings: Settings) -> OutboundPolicy:
    schemes = {s.strip().lower() for s in settings.webhook_allowed_schemes.split(",") if s.strip()}
    return OutboundPolicy(frozenset(schemes), settings.webhook_allow_private_targets)


class WebhookService:
    def __init__(self, settings: Settings, db: Database, models: RegisteredModelStore) -> None:
        self.store = SqlWebhookStore(db)
        self.secrets = SecretBox(settings.webhook_secret_key)
        self.options = DeliveryOptions(
            outbound_policy(settings), settings.webhook_timeout, settings.webhook_max_retries
        )

        def model_tags(name: str) -> dict[str, str]:
            return {t.key: t.value for t in models.get_registered_model(name).tags}

        self.notifier = WebhookNotifier(
            self.store, self.secrets, self.options, prompt_resolver(model_tags)
        )

    def emit(self, entity: str, action: str, data: dict[str, Any]) -> None:
        """Queue a registry event for the subscribed webhooks (off the request path)."""
        self.notifier.notify(WebhookEvent(entity, action), data)

    def close(self) -> None:
        self.notifier.close()
