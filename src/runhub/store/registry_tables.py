"""Schema of the model registry and logged models (tables join ``tables.metadata``)."""

from __future__ import annotations
