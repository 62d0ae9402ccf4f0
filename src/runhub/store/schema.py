"""The whole schema: every table module registered on one MetaData (what migrations target)."""

from __future__ import annotations

from runhub.store import (  # noqa: F401  (registers their tables)
    evaluation_dataset_tables,
    registry_tables,
    trace_tables,
    webhook_tables,
)
from runhub.store.tables import metadata

__all__ = ["metadata"]
