"""Webhook endpoints (mlflow-api.md §1.12): create, list, get, update, delete and test."""

from __future__ import annotations

from typing import Any

from runhub.api.wire import Field
from runhub.entities.webhooks import Webhook, WebhookChange
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores
from runhub.webhooks.delivery import DeliveryOptions, deliver, event_body
from runhub.webhooks.events import STATUSES, parse_event, parse_events, sample_payload
from runhub.webhooks.guard import BlockedTarget, resolve_target

MAX_LIST = 1000
DEFAULT_LIST = 100
MAX_NAME = 256
MAX_DESCRIPTION = 1000
MAX_URL = 2048

EVENT = (Field("entity"), Field("action"))
WEBHOOK_ID = Field("webhook_id")  # always in the path
_BODY = (
    Field("description"),
    Field("secret"),
    Field("status"),
)
CREATE = (
    Field("name", required=True),
    Field("url", required=True),
    Field("events", "msg", repeated=True, fields=EVENT),
    *_BODY,
)
UPDATE = (
    WEBHOOK_ID,
    Field("name"),
    Field("url"),
    Field("events", "msg", repeated=True, fields=EVENT),
    *_BODY,
)
LIST = (Field("max_results", "int"), Field("page_token"))
BY_ID = (WEBHOOK_ID,)
TEST = (WEBHOOK_ID, Field("event", "msg", fields=EVENT))


def webhook_json(hook: Webhook) -> dict[str, Any]:
    out: dict[str, Any] = {
        "webhook_id": hook.webhook_id,
        "name": hook.name,
        "url": hook.url,
        "events": [{"entity": e.entity, "action": e.action} for e in hook.events],
        "status": hook.status,
        "creation_timestamp": hook.creation_timestamp,
        "last_updated_timestamp": hook.last_updated_timestamp,
    }
    if hook.description:
        out["description"] = hook.description
    return out


def _text(name: str, value: str | None, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise InvalidParameter(f"Webhook {name} is longer than {limit} characters.")
    return value


def _status(value: str | None) -> str | None:
    if value is not None and value not in STATUSES:
        raise InvalidParameter(f"Invalid webhook status {value!r}; expected ACTIVE or DISABLED.")
    return value


def _checked_url(stores: Stores, url: str) -> str:
    if not url.strip():
        raise InvalidParameter("Missing value for required parameter 'url'.")
    _text("url", url, MAX_URL)
    try:
        resolve_target(url, stores.webhooks.options.policy)
    except BlockedTarget as exc:
        raise InvalidParameter(str(exc)) from None
    return url


def create_webhook(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    service = stores.webhooks
    if not msg["name"].strip():
        raise InvalidParameter("Missing value for required parameter 'name'.")
    hook = service.store.create_webhook(
        _text("name", msg["name"], MAX_NAME) or "",
        _checked_url(stores, msg["url"]),
        parse_events(msg["events"]),
        _text("description", msg["description"], MAX_DESCRIPTION),
        service.secrets.encrypt(msg["secret"]) if msg["secret"] else None,
        _status(msg["status"]) or "ACTIVE",
    )
    service.notifier.webhooks_changed()
    return {"webhook": webhook_json(hook)}


def list_webhooks(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = DEFAULT_LIST if msg["max_results"] is None else msg["max_results"]
    if not 1 <= max_results <= MAX_LIST:
        raise InvalidParameter(f"max_results must be between 1 and {MAX_LIST}.")
    page = stores.webhooks.store.list_webhooks(max_results, msg["page_token"] or None)
    out: dict[str, Any] = {"webhooks": [webhook_json(h) for h in page.items]}
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out


def get_webhook(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    return {"webhook": webhook_json(stores.webhooks.store.get_webhook(msg["webhook_id"]))}


def update_webhook(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    service = stores.webhooks
    if msg["name"] is not None and not msg["name"].strip():
        raise InvalidParameter("A webhook name cannot be empty.")
    change = WebhookChange(
        name=_text("name", msg["name"], MAX_NAME),
        description=_text("description", msg["description"], MAX_DESCRIPTION),
        url=_checked_url(stores, msg["url"]) if msg["url"] is not None else None,
        events=parse_events(msg["events"]) if msg["events"] else None,
        secret_encrypted=service.secrets.encrypt(msg["secret"]) if msg["secret"] else None,
        status=_status(msg["status"]),
    )
    hook = service.store.update_webhook(msg["webhook_id"], change)
    service.notifier.webhooks_changed()
    return {"webhook": webhook_json(hook)}


def delete_webhook(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.webhooks.store.delete_webhook(msg["webhook_id"])
    stores.webhooks.notifier.webhooks_changed()
    return {}


def test_webhook(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    """Send one sample event now (no retries) and report what the receiver answered."""
    service = stores.webhooks
    hook = service.store.get_webhook(msg["webhook_id"])
    raw = msg["event"]
    event = parse_event(raw) if raw and (raw["entity"] or raw["action"]) else hook.events[0]
    secret = service.secrets.decrypt(hook.secret_encrypted) if hook.secret_encrypted else None
    once = DeliveryOptions(service.options.policy, service.options.timeout, max_retries=0)
    result = deliver(hook.url, event_body(event, sample_payload(event)), secret, once)
    out: dict[str, Any] = {"success": result.success}
    if result.response_status is not None:
        out["response_status"] = result.response_status
    if result.response_body:
        out["response_body"] = result.response_body
    if result.error_message:
        out["error_message"] = result.error_message
    return {"result": out}
