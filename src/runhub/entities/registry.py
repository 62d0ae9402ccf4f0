"""Registered models, their versions, tags and aliases."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class Stage(str, enum.Enum):
    """Deprecated deployment stages (aliases replace them); names as clients spell them."""

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"


# Model version statuses; runhub registers synchronously, so versions are READY at once.
VERSION_READY = "READY"


@dataclass(frozen=True)
class RegistryTag:
    key: str
    value: str


@dataclass(frozen=True)
class ModelVersion:
    name: str
    version: int
    creation_timestamp: int
    last_updated_timestamp: int
    current_stage: str
    source: str
    status: str
    description: str | None = None
    user_id: str | None = None
    run_id: str | None = None
    run_link: str | None = None
    model_id: str | None = None
    status_message: str | None = None
    tags: tuple[RegistryTag, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelVersionRows:
    """A page of model versions as plain driver rows, for pages too long to build entities for.

    Each row is the version's row id followed by ModelVersion's fields from ``name`` to
    ``status_message`` (``version`` as an int); ``tags`` ((key, value) pairs in key order) and
    ``aliases`` (sorted) are keyed by row id and lack versions that have none.
    """

    rows: Sequence[Sequence[Any]]
    tags: Mapping[int, list[tuple[str, str]]]
    aliases: Mapping[int, list[str]]
    next_page_token: str | None = None


@dataclass(frozen=True)
class RegisteredModel:
    name: str
    creation_timestamp: int
    last_updated_timestamp: int
    description: str | None = None
    latest_versions: tuple[ModelVersion, ...] = ()
    tags: tuple[RegistryTag, ...] = ()
    aliases: tuple[tuple[str, int], ...] = ()  # (alias, version)
