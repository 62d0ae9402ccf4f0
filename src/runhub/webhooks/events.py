"""The event catalogue: which entity/action pairs exist, and a sample payload for each."""

from __future__ import annotations

from typing import Any

from runhub.entities.webhooks import WebhookEvent
from runhub.errors import InvalidParameter

STATUSES = ("ACTIVE", "DISABLED")

VALID_ACTIONS: dict[str, tuple[str, ...]] = {
    "REGISTERED_MODEL": ("CREATED",),
    "MODEL_VERSION": ("CREATED",),
    "MODEL_VERSION_TAG": ("SET", "DELETED"),
    "MODEL_VERSION_ALIAS": ("CREATED", "DELETED"),
    "PROMPT": ("CREATED",),
    "PROMPT_VERSION": ("CREATED",),
    "PROMPT_TAG": ("SET", "DELETED"),
    "PROMPT_VERSION_TAG": ("SET", "DELETED"),
    "PROMPT_ALIAS": ("CREATED", "DELETED"),
    "BUDGET_POLICY": ("EXCEEDED",),
}

_SAMPLE_TAGS = {"example_key": "example_value"}
_SAMPLES: dict[str, dict[str, Any]] = {
    "REGISTERED_MODEL": {
        "name": "example_model",
        "tags": _SAMPLE_TAGS,
        "description": "An example registered model",
    },
    "MODEL_VERSION": {
        "name": "example_model",
        "version": "1",
        "source": "models:/123",
        "run_id": "abcd1234abcd5678",
        "tags": _SAMPLE_TAGS,
        "description": "An example model version",
    },
    "MODEL_VERSION_TAG": {"name": "example_model", "version": "1", "key": "example_key"},
    "MODEL_VERSION_ALIAS": {"name": "example_model", "alias": "example_alias", "version": "1"},
    "PROMPT": {"name": "example_prompt", "tags": _SAMPLE_TAGS, "description": "An example"},
    "PROMPT_VERSION": {
        "name": "example_prompt",
        "version": "1",
        "template": "Hello {{name}}!",
        "tags": _SAMPLE_TAGS,
        "description": "An example prompt version",
    },
    "PROMPT_TAG": {"name": "example_prompt", "key": "example_key"},
    "PROMPT_VERSION_TAG": {"name": "example_prompt", "version": "1", "key": "example_key"},
    "PROMPT_ALIAS": {"name": "example_prompt", "alias": "example_alias", "version": "1"},
    "BUDGET_POLICY": {"budget_policy_id": "example_policy", "limit": 100.0},
}


def parse_event(raw: Any) -> WebhookEvent:
    """``{"entity", "action"}`` from a request as an event; 400 for unknown pairs."""
    if not isinstance(raw, dict):
        raise InvalidParameter("A webhook event must be an object with 'entity' and 'action'.")
    entity, action = raw.get("entity"), raw.get("action")
    if entity not in VALID_ACTIONS:
        raise InvalidParameter(
            f"Invalid webhook event entity {entity!r}; expected one of {sorted(VALID_ACTIONS)}."
        )
    if action not in VALID_ACTIONS[entity]:
        raise InvalidParameter(
            f"Invalid action {action!r} for entity {entity!r}; "
            f"valid actions are {list(VALID_ACTIONS[entity])}."
        )
    return WebhookEvent(entity, action)


def parse_events(raw: list[Any]) -> tuple[WebhookEvent, ...]:
    if not raw:
        raise InvalidParameter("A webhook needs at least one event.")
    return tuple(sorted({parse_event(e) for e in raw}))


def sample_payload(event: WebhookEvent) -> dict[str, Any]:
    """The data of a test delivery for ``event``."""
    data = dict(_SAMPLES[event.entity])
    if event.action == "SET":
        data["value"] = "example_value"
    return data


def encode_events(events: tuple[WebhookEvent, ...]) -> str:
    return ",".join(f"{e.entity}.{e.action}" for e in events)


def decode_events(text: str) -> tuple[WebhookEvent, ...]:
    return tuple(WebhookEvent(*part.split(".", 1)) for part in text.split(",") if part)
