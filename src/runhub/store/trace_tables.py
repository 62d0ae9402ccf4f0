"""Schema of traces, spans and assessments (tables join ``tables.metadata``)."""

from __future__ import annotations
