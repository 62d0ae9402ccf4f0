"""Experiment rules every backend shares: the default experiment, the id form, and what is
checked of an experiment to create and of experiment tags."""

from __future__ import annotations

from collections.abc import Sequence

from runhub.artifacts.locations import validate_artifact_location
from runhub.entities import ExperimentTag
from runhub.errors import InvalidParameter, NotFound
from runhub.validation import (
    MAX_ARTIFACT_LOCATION_LENGTH,
    MAX_EXPERIMENT_TAG_VAL_LENGTH,
    fit_value,
    validate_experiment_name,
    validate_key,
)

DEFAULT_EXPERIMENT_ID = 0
DEFAULT_EXPERIMENT_NAME = "Default"


def parse_experiment_id(experiment_id: str | int | None) -> int:
    """The integer id of an experiment id string; unknown shapes are simply not found."""
    if experiment_id is None or experiment_id == "":
        raise InvalidParameter("Missing value for required parameter 'experiment_id'.")
    try:
        value = int(experiment_id)
    except (TypeError, ValueError):
        raise NotFound(f"No Experiment with id={experiment_id} exists") from None
    if value < 0 or value >= 2**63:
        raise NotFound(f"No Experiment with id={experiment_id} exists")
    return value


def validate_experiment_tag(key: str, value: str) -> None:
    validate_key(key, "Tag")
    fit_value(value, MAX_EXPERIMENT_TAG_VAL_LENGTH, "value", truncate=False)


def check_new_experiment(
    name: str, artifact_location: str | None, tags: Sequence[ExperimentTag]
) -> None:
    """InvalidParameter for a bad name, artifact location or tag (name clashes are the
    store's to find)."""
    validate_experiment_name(name)
    if artifact_location and len(artifact_location) > MAX_ARTIFACT_LOCATION_LENGTH:
        raise InvalidParameter(
            f"'artifact_location' exceeds the maximum length of "
            f"{MAX_ARTIFACT_LOCATION_LENGTH} characters"
        )
    if artifact_location:
        validate_artifact_location(artifact_location)
    for tag in tags:
        validate_experiment_tag(tag.key, tag.value)
