"""Assessment endpoints: feedback and expectations on traces (mlflow-api.md §1.10)."""

from __future__ import annotations

from typing import Any

from runhub.api.trace_json import assessment_json, parse_assessment
from runhub.api.wire import Field
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

CREATE = (Field("trace_id"), Field("assessment", "json", required=True))
# trace_id and assessment_id come from the path.
BY_ID = (Field("trace_id"), Field("assessment_id"))
UPDATE = (
    Field("trace_id"),
    Field("assessment_id"),
    Field("assessment", "json", required=True),
    Field("update_mask", "json", required=True),
)


def create_assessment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    assessment = parse_assessment(msg["assessment"], str(msg["trace_id"] or ""))
    if not assessment.trace_id:
        raise InvalidParameter("Missing value for required parameter 'assessment.trace_id'.")
    return {"assessment": assessment_json(stores.assessments.create_assessment(assessment))}


def get_assessment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    found = stores.assessments.get_assessment(msg["trace_id"], msg["assessment_id"])
    return {"assessment": assessment_json(found)}


def update_assessment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    changes = parse_assessment(msg["assessment"], msg["trace_id"], partial=True)
    updated = stores.assessments.update_assessment(
        msg["trace_id"], msg["assessment_id"], changes, _mask_paths(msg["update_mask"])
    )
    return {"assessment": assessment_json(updated)}


def delete_assessment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.assessments.delete_assessment(msg["trace_id"], msg["assessment_id"])
    return {}


def _mask_paths(mask: Any) -> list[str]:
    """A FieldMask as JSON: ``"a,b"`` or ``{"paths": ["a", "b"]}``."""
    if isinstance(mask, dict):
        mask = mask.get("paths")
    if isinstance(mask, str):
        paths = [p.strip() for p in mask.split(",") if p.strip()]
    elif isinstance(mask, list) and all(isinstance(p, str) for p in mask):
        paths = list(mask)
    else:
        raise InvalidParameter("'update_mask' must be a FieldMask such as \"feedback,rationale\".")
    # camelCase paths name the same fields
    return ["".join("_" + c.lower() if c.isupper() else c for c in p) for p in paths]
