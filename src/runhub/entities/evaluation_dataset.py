"""GenAI evaluation datasets and their records (mlflow-genai-api.md §1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EvaluationDataset:
    """A dataset's own fields; ``schema`` is the JSON text of its column types (None until it
    has records), ``record_count`` becomes the ``profile``."""

    dataset_id: str
    name: str
    digest: str
    created_time: int
    last_update_time: int
    record_count: int = 0
    schema: str | None = None
    created_by: str | None = None
    last_updated_by: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordInput:
    """One record of an upsert as the client sent it; ``has_outputs`` tells an explicit
    ``"outputs": null`` (which clears) from no outputs at all (which keeps)."""

    inputs: Mapping[str, Any]
    outputs: Any = None
    has_outputs: bool = False
    expectations: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, Any] = field(default_factory=dict)
    source: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int
    updated: int


@dataclass(frozen=True)
class DatasetRecord:
    """A stored record; ``outputs`` is the stored value (``{}`` when never given)."""

    dataset_record_id: str
    dataset_id: str
    inputs: Any
    outputs: Any
    expectations: Any
    tags: Any
    source: Any
    source_type: str | None
    source_id: str | None
    created_time: int
    last_update_time: int
    created_by: str | None
    last_updated_by: str | None
