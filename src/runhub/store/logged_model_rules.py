"""What every backend checks of a logged-model request, and the errors it answers.

The SQL and file stores both go through these, so a request is accepted or refused the same
way (same checks, same order, same messages) on both.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from runhub.entities.logged_model import LoggedModelStatus, ModelKeyValue
from runhub.errors import InvalidParameter, NotFound
from runhub.store.run_names import random_run_name
from runhub.validation import fit_value, validate_key

MAX_MODEL_TAG_VALUE = 100_000
MAX_MODEL_PARAM_VALUE = 100_000
MAX_MODEL_NAME = 500
FINAL_STATUSES = (LoggedModelStatus.READY.value, LoggedModelStatus.UPLOAD_FAILED.value)


def new_model_id() -> str:
    return f"m-{uuid.uuid4().hex}"


def check_model_name(name: str | None) -> str:
    """The name of a new model: the one given (at most 500 characters) or a random one."""
    name = name or random_run_name()
    fit_value(name, MAX_MODEL_NAME, "name", truncate=False)
    return name


def check_items(items: Sequence[ModelKeyValue], what: str, limit: int) -> dict[str, str]:
    """Tags or params (``what`` is "Tag" or "Param") as key -> value; the last of a key wins."""
    out: dict[str, str] = {}
    for item in items:
        validate_key(item.key, what)
        out[item.key] = fit_value(item.value, limit, f"{what} value", truncate=False)
    return out


def check_tags(items: Sequence[ModelKeyValue]) -> dict[str, str]:
    return check_items(items, "Tag", MAX_MODEL_TAG_VALUE)


def check_params(items: Sequence[ModelKeyValue]) -> dict[str, str]:
    return check_items(items, "Param", MAX_MODEL_PARAM_VALUE)


def check_final_status(status: str) -> None:
    if status not in FINAL_STATUSES:
        raise InvalidParameter(
            f"Invalid status '{status}': a logged model is finalized as "
            f"{' or '.join(FINAL_STATUSES)}."
        )


def inactive_experiment(experiment_id: str) -> InvalidParameter:
    return InvalidParameter(f"The experiment {experiment_id} must be in the 'active' state.")


def model_not_found(model_id: str) -> NotFound:
    return NotFound(f"Logged model with ID '{model_id}' not found.")


def model_tag_not_found(model_id: str, key: str) -> NotFound:
    return NotFound(f"No tag with key '{key}' on logged model '{model_id}'.")
