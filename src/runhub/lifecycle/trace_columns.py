"""Trace fields that newer MLflow schemas keep in ``trace_info`` columns, as clients see them.

MLflow 3 moved a trace's name out of its tags and its session, token usage and cost out of its
metadata into columns of ``trace_info``; its server puts them back when it serves a trace. The
import does the same once, so runhub stores and serves them as ordinary tags and metadata.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Row

from runhub.entities.trace import TRACE_NAME_TAG
from runhub.lifecycle.mlflow_sql import get

SESSION_METADATA = "mlflow.trace.session"
TOKEN_USAGE_METADATA = "mlflow.trace.tokenUsage"
COST_METADATA = "mlflow.trace.cost"
TOKEN_COLUMNS = (
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "cache_creation_input_tokens_above_1hr",
)
COST_COLUMNS = ("input_cost", "output_cost", "total_cost")


def column_tags(info: Row[Any]) -> dict[str, str]:
    name = get(info, "trace_name")
    return {TRACE_NAME_TAG: str(name)} if name is not None else {}


def column_metadata(info: Row[Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    session = get(info, "session_id")
    if session is not None:
        found[SESSION_METADATA] = str(session)
    tokens = {c: int(v) for c in TOKEN_COLUMNS if (v := get(info, c)) is not None}
    if tokens:
        found[TOKEN_USAGE_METADATA] = json.dumps(tokens)
    cost = {c: float(v) for c in COST_COLUMNS if (v := get(info, c)) is not None}
    if cost:
        found[COST_METADATA] = json.dumps(cost)
    return found
