"""Permission levels on experiments and registered models, and what each allows."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    """Ordered permission levels: a higher level allows everything a lower one does."""

    DENY = -1  # an explicit veto (MLflow 3.x); as a user's own grant it equals NO_PERMISSIONS
    NO_PERMISSIONS = 0
    READ = 1
    USE = 2
    EDIT = 3
    MANAGE = 4


PERMISSION_NAMES = tuple(level.name for level in Level)


def parse_level(name: str) -> Level:
    """The level called ``name`` (case-insensitive); ValueError for anything else."""
    try:
        return Level[name.strip().upper()]
    except KeyError:
        raise ValueError(
            f"Invalid permission '{name}'; expected one of {', '.join(PERMISSION_NAMES)}"
        ) from None


def allows(granted: Level, required: Level) -> bool:
    return granted >= required
