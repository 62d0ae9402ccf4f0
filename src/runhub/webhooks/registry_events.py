"""Registry writes as webhook events: a prompt is a registered model tagged as one.

The registry API reports what happened to models (``MODEL_VERSION.CREATED`` ...). Here, in the
delivery thread, each becomes the event subscribers know: the model event itself, or its
``PROMPT_*`` twin when the model is a prompt. Tags on a plain registered model have no event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runhub.entities.webhooks import WebhookEvent
from runhub.errors import NotFound

PROMPT_TAG = "mlflow.prompt.is_prompt"
PROMPT_TEXT_TAG = "mlflow.prompt.text"
# Internal entity for registered-model tags: only prompts have an event for them.
MODEL_TAG = "REGISTERED_MODEL_TAG"

_PROMPT_TWIN = {
    "REGISTERED_MODEL": "PROMPT",
    "MODEL_VERSION": "PROMPT_VERSION",
    "MODEL_VERSION_TAG": "PROMPT_VERSION_TAG",
    "MODEL_VERSION_ALIAS": "PROMPT_ALIAS",
    MODEL_TAG: "PROMPT_TAG",
}


def prompt_resolver(
    model_tags: Callable[[str], dict[str, str]],
) -> Callable[[WebhookEvent, dict[str, Any]], tuple[WebhookEvent, dict[str, Any]] | None]:
    """A resolver that looks a model's tags up with ``model_tags(name)``."""

    def resolve(
        event: WebhookEvent, data: dict[str, Any]
    ) -> tuple[WebhookEvent, dict[str, Any]] | None:
        tags = data.get("tags") if event.entity == "REGISTERED_MODEL" else None
        if tags is None:
            try:
                tags = model_tags(data["name"])
            except NotFound:  # deleted meanwhile: report it as a model event
                tags = {}
        if str(tags.get(PROMPT_TAG, "")).lower() != "true":
            return None if event.entity == MODEL_TAG else (event, data)
        twin = WebhookEvent(_PROMPT_TWIN[event.entity], event.action)
        if twin.entity == "PROMPT_VERSION":
            data = {
                "name": data["name"],
                "version": data["version"],
                "template": data.get("tags", {}).get(PROMPT_TEXT_TAG, ""),
                "tags": data.get("tags", {}),
                "description": data.get("description"),
            }
        return twin, data

    return resolve
