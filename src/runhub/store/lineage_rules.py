"""Lineage rules every backend shares: what a dataset input must hold, and search limits."""

from __future__ import annotations

from runhub.entities import DatasetInput
from runhub.errors import InvalidParameter
from runhub.validation import (
    MAX_DATASET_DIGEST,
    MAX_DATASET_NAME,
    MAX_DATASET_PROFILE,
    MAX_DATASET_SCHEMA,
    MAX_DATASET_SOURCE,
    MAX_INPUT_TAG_KEY,
    MAX_INPUT_TAG_VALUE,
    fit_value,
)

MAX_SEARCH_DATASET_EXPERIMENTS = 20


def validate_dataset_input(item: DatasetInput) -> None:
    """Required fields and length limits of a dataset input; raises InvalidParameter."""
    d = item.dataset
    if not d.name:
        raise InvalidParameter("Missing value for required parameter 'dataset.name'.")
    if not d.digest:
        raise InvalidParameter("Missing value for required parameter 'dataset.digest'.")
    if not d.source_type:
        raise InvalidParameter("Missing value for required parameter 'dataset.source_type'.")
    for value, limit, what in (
        (d.name, MAX_DATASET_NAME, "Dataset name"),
        (d.digest, MAX_DATASET_DIGEST, "Dataset digest"),
        (d.source, MAX_DATASET_SOURCE, "Dataset source"),
        (d.schema or "", MAX_DATASET_SCHEMA, "Dataset schema"),
        (d.profile or "", MAX_DATASET_PROFILE, "Dataset profile"),
    ):
        fit_value(value, limit, what, truncate=False)
    for tag in item.tags:
        if not tag.key:
            raise InvalidParameter("Missing value for required parameter 'tags.key'.")
        fit_value(tag.key, MAX_INPUT_TAG_KEY, "Input tag key", truncate=False)
        fit_value(tag.value, MAX_INPUT_TAG_VALUE, "Input tag value", truncate=False)
