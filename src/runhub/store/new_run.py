"""What every backend checks before it creates a run: tags, the run's name and its user.

The file and SQL stores both create runs through ``check_new_run`` and
``require_active_experiment``, so a request is accepted or refused the same way on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runhub.entities import LifecycleStage, RunTag
from runhub.errors import InvalidParameter
from runhub.store.run_names import random_run_name
from runhub.validation import MAX_TAG_VAL_LENGTH, fit_value, validate_key

RUN_NAME_TAG = "mlflow.runName"
USER_TAG = "mlflow.user"


@dataclass(frozen=True)
class NewRun:
    name: str
    user_id: str
    tags: dict[str, str]  # checked values, ``mlflow.runName`` included


def check_new_run(
    tags_in: Sequence[RunTag], run_name: str | None, user_id: str | None, truncate: bool
) -> NewRun:
    """The checked tags, name and user of a run to create; InvalidParameter when a tag is
    invalid or ``run_name`` contradicts the ``mlflow.runName`` tag."""
    tags: dict[str, str] = {}
    for tag in tags_in:
        validate_key(tag.key, "Tag")
        tags[tag.key] = fit_value(tag.value, MAX_TAG_VAL_LENGTH, "value", truncate)
    tagged_name = tags.get(RUN_NAME_TAG)
    if run_name and tagged_name is not None and tagged_name != run_name:
        raise InvalidParameter(
            f"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with "
            f"different values (run_name='{run_name}', mlflow.runName='{tagged_name}')."
        )
    name = run_name or tagged_name or random_run_name()
    tags[RUN_NAME_TAG] = name
    user = user_id if user_id is not None else tags.get(USER_TAG, "")
    return NewRun(name, user, tags)


def require_active_experiment(experiment_id: str, lifecycle_stage: str) -> None:
    """InvalidParameter unless runs may be created in the experiment."""
    if lifecycle_stage != LifecycleStage.ACTIVE:
        raise InvalidParameter(
            f"The experiment {experiment_id} must be in the 'active' state. "
            f"Current state is {lifecycle_stage}."
        )
