"""Registered models, their versions, tags and aliases."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
class RegisteredModel:
    name: str
    creation_timestamp: int
    last_updated_timestamp: int
    description: str | None = None
    latest_versions: tuple[ModelVersion, ...] = ()
    tags: tuple[RegistryTag, ...] = ()
    aliases: tuple[tuple[str, int], ...] = ()  # (alias, version)
