"""Logged models (MLflow 3): a model's own record, separate from the run that produced it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class LoggedModelStatus(str, enum.Enum):
    UNSPECIFIED = "LOGGED_MODEL_STATUS_UNSPECIFIED"
    PENDING = "LOGGED_MODEL_PENDING"
    READY = "LOGGED_MODEL_READY"
    UPLOAD_FAILED = "LOGGED_MODEL_UPLOAD_FAILED"


# Protobuf enum numbers, accepted on the wire in place of names.
LOGGED_MODEL_STATUS_NUMBERS = {s_number: s.value for s_number, s in enumerate(LoggedModelStatus)}


@dataclass(frozen=True)
class ModelKeyValue:
    """A logged model's tag or param."""

    key: str
    value: str


@dataclass(frozen=True)
class ModelMetric:
    key: str
    value: float
    timestamp: int
    step: int
    run_id: str | None = None
    dataset_name: str | None = None
    dataset_digest: str | None = None


@dataclass(frozen=True)
class ModelRegistration:
    name: str
    version: int


@dataclass(frozen=True)
class LoggedModel:
    model_id: str
    experiment_id: str
    name: str
    artifact_uri: str
    creation_timestamp_ms: int
    last_updated_timestamp_ms: int
    status: str
    model_type: str | None = None
    source_run_id: str | None = None
    status_message: str | None = None
    tags: tuple[ModelKeyValue, ...] = ()
    params: tuple[ModelKeyValue, ...] = ()
    metrics: tuple[ModelMetric, ...] = ()
    registrations: tuple[ModelRegistration, ...] = ()


@dataclass(frozen=True)
class DatasetFilter:
    """Narrows metric filters and ordering of a logged-model search to one dataset."""

    name: str
    digest: str | None = None


@dataclass(frozen=True)
class LoggedModelOrder:
    field_name: str
    ascending: bool = True
    dataset_name: str | None = None
    dataset_digest: str | None = None
