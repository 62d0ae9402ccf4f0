"""Rules for registry names, tags, aliases and stages (mlflow-api.md §1.7, §4)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from runhub.entities.registry import RegistryTag, Stage
from runhub.errors import InvalidParameter
from runhub.validation import fit_value, validate_key

MAX_MODEL_NAME = 256
MAX_REGISTRY_TAG_VALUE = 100_000
MAX_DESCRIPTION = 100_000
MAX_ALIAS = 255
_ALIAS_RE = re.compile(r"^[\w\-]*$")
_VERSION_ALIAS_RE = re.compile(r"^[vV]\d+$")
STAGES = {stage.value.lower(): stage.value for stage in Stage}


def validate_model_name(name: str | None) -> str:
    if not name or not name.strip():
        raise InvalidParameter("Registered model name cannot be empty.")
    if len(name) > MAX_MODEL_NAME:
        raise InvalidParameter(
            f"Registered model name exceeds the maximum length of {MAX_MODEL_NAME} characters."
        )
    if "/" in name or ":" in name:
        raise InvalidParameter(f"Invalid model name: '{name}'. Names cannot contain '/' or ':'.")
    if posixpath.normpath(name) != name or name in (".", ".."):
        raise InvalidParameter(f"Invalid model name: '{name}'. Names must not be path tricks.")
    return name


def check_tags(tags: Sequence[RegistryTag]) -> dict[str, str]:
    """Validated tags as a dict (the last value of a repeated key wins)."""
    out: dict[str, str] = {}
    for tag in tags:
        validate_key(tag.key, "Tag")
        out[tag.key] = fit_value(tag.value, MAX_REGISTRY_TAG_VALUE, "Tag value", truncate=False)
    return out


def check_description(description: str | None) -> str | None:
    if description is None:
        return None
    return fit_value(description, MAX_DESCRIPTION, "description", truncate=False)


def validate_alias(alias: str | None) -> str:
    if not alias:
        raise InvalidParameter("Missing value for required parameter 'alias'.")
    if len(alias) > MAX_ALIAS:
        raise InvalidParameter(f"Alias exceeds the maximum length of {MAX_ALIAS} characters.")
    if not _ALIAS_RE.match(alias):
        raise InvalidParameter(
            f"Invalid alias '{alias}': aliases may only contain letters, digits, '_' and '-'."
        )
    if alias.lower() == "latest" or _VERSION_ALIAS_RE.match(alias):
        raise InvalidParameter(
            f"Invalid alias '{alias}': 'latest' and 'v<number>' are reserved version references."
        )
    return alias


def canonical_stage(stage: str | None) -> str:
    """The stage spelled as clients expect ("staging" -> "Staging"); 400 for unknown stages."""
    found = STAGES.get((stage or "").strip().lower())
    if found is None:
        raise InvalidParameter(
            f"Invalid Model Version stage: {stage}. Value must be one of "
            f"{', '.join(STAGES.values())}."
        )
    return found
