"""Limits on names, keys and values (mlflow-api.md §4), checked before anything is written."""

from __future__ import annotations

import math
import posixpath
import re
import sys
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from runhub.errors import InvalidParameter

MAX_ENTITY_KEY_LENGTH = 250
MAX_PARAM_VAL_LENGTH = 6000
MAX_TAG_VAL_LENGTH = 8000
MAX_EXPERIMENT_NAME_LENGTH = 500
MAX_EXPERIMENT_TAG_VAL_LENGTH = 20000
MAX_ARTIFACT_LOCATION_LENGTH = 2048
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_TAGS_PER_BATCH = 100
MAX_ENTITIES_PER_BATCH = 1000
MAX_DATASET_NAME = 500
MAX_DATASET_DIGEST = 36
MAX_DATASET_SOURCE = 65535
MAX_DATASET_SCHEMA = 1048575
MAX_DATASET_PROFILE = 16777215
MAX_INPUT_TAG_KEY = 255
MAX_INPUT_TAG_VALUE = 500
MAX_RUN_NAME_LENGTH = 250
# Span attribute values longer than this are not kept as searchable attribute rows.
MAX_SPAN_ATTRIBUTE_TEXT = 250
INT64_MAX = 2**63 - 1
MAX_FLOAT = sys.float_info.max

_KEY_RE = re.compile(r"^[/\w.\- :]*$")
_RUN_ID_RE = re.compile(r"^[a-zA-Z0-9][\w\-]{0,255}$")


@lru_cache(maxsize=8192)
def validate_key(key: str, what: str) -> None:
    """A metric, param or tag key: length, characters, and no path tricks (valid keys cached)."""
    if not key:
        raise InvalidParameter(f"Missing value for required parameter '{what} key'.")
    if len(key) > MAX_ENTITY_KEY_LENGTH:
        raise InvalidParameter(
            f"'{what} key' exceeds the maximum length of {MAX_ENTITY_KEY_LENGTH} characters"
        )
    if not _KEY_RE.match(key):
        raise InvalidParameter(
            f"Invalid {what.lower()} key '{key}'. Names may only contain alphanumerics, "
            "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."
        )
    normalized = posixpath.normpath(key)
    if normalized != key or key.startswith("/") or normalized.startswith(".."):
        raise InvalidParameter(
            f"Invalid {what.lower()} key '{key}'. Names must not resolve to other names "
            "when treated as paths ('..', leading '/', './' or '//')."
        )


def validate_run_id(run_id: str) -> None:
    if not _RUN_ID_RE.match(run_id or ""):
        raise InvalidParameter(f"Invalid run ID: '{run_id}'")


def fit_value(value: str, limit: int, what: str, truncate: bool) -> str:
    """Return ``value``, truncated to ``limit`` when allowed, else refuse it."""
    if len(value) <= limit:
        return value
    if truncate:
        return value[:limit]
    raise InvalidParameter(
        f"'{what}' exceeds the maximum length of {limit} characters (got {len(value)})"
    )


def clamp_metric_value(value: float) -> tuple[float, bool]:
    """(stored value, is_nan): NaN is flagged; ±inf is stored as ±max float, as clients expect."""
    if math.isnan(value):
        return 0.0, True
    if math.isinf(value):
        return (MAX_FLOAT if value > 0 else -MAX_FLOAT), False
    return value, False


def validate_timestamp(timestamp: int | None) -> int:
    if timestamp is None:
        raise InvalidParameter("Missing value for required parameter 'timestamp'.")
    if timestamp < 0 or timestamp > INT64_MAX:
        raise InvalidParameter(
            f"Timestamp must be a nonnegative long (64-bit integer); got {timestamp}"
        )
    return timestamp


def validate_experiment_name(name: str | None) -> str:
    if name is None or not name.strip():
        raise InvalidParameter(f"Invalid experiment name: '{name or ''}'")
    if len(name) > MAX_EXPERIMENT_NAME_LENGTH:
        raise InvalidParameter(
            f"'name' exceeds the maximum length of {MAX_EXPERIMENT_NAME_LENGTH} characters"
        )
    return name


def validate_batch_sizes(n_metrics: int, n_params: int, n_tags: int) -> None:
    if n_metrics > MAX_METRICS_PER_BATCH:
        raise InvalidParameter(
            f"A batch logging request can contain at most {MAX_METRICS_PER_BATCH} metrics. "
            f"Got {n_metrics} metrics. Please split up metrics across multiple requests and "
            "try again."
        )
    if n_params > MAX_PARAMS_TAGS_PER_BATCH:
        raise InvalidParameter(
            f"A batch logging request can contain at most {MAX_PARAMS_TAGS_PER_BATCH} params. "
            f"Got {n_params} params. Please split up params across multiple requests and try "
            "again."
        )
    if n_tags > MAX_PARAMS_TAGS_PER_BATCH:
        raise InvalidParameter(
            f"A batch logging request can contain at most {MAX_PARAMS_TAGS_PER_BATCH} tags. "
            f"Got {n_tags} tags. Please split up tags across multiple requests and try again."
        )
    total = n_metrics + n_params + n_tags
    if total > MAX_ENTITIES_PER_BATCH:
        raise InvalidParameter(
            f"A batch logging request can contain at most {MAX_ENTITIES_PER_BATCH} metrics, "
            f"params, and tags. Got {total} metrics, params, and tags. Please split up across "
            "multiple requests and try again."
        )


def reject_duplicate_keys(keys: Sequence[str], what: str) -> None:
    dupes = sorted(key for key, count in Counter(keys).items() if count > 1)
    if dupes:
        raise InvalidParameter(
            f"Duplicate {what} keys have been submitted: {dupes}. Please ensure the request "
            f"contains only one {what} value per {what} key."
        )
