"""Schema of webhooks (table joins ``tables.metadata``).

A webhook's events are few and always read with it, so they live in one text column
(``ENTITY.ACTION`` joined by commas) rather than a child table. The signing secret is stored
encrypted (``runhub.webhooks.secrets``); the plain secret never reaches the database.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table, Text

from runhub.store.tables import metadata

webhooks = Table(
    "webhooks",
    metadata,
    Column("webhook_id", String(32), primary_key=True),
    Column("name", String(256), nullable=False),
    Column("description", String(1000), nullable=True),
    Column("url", String(2048), nullable=False),
    Column("events", Text, nullable=False),
    Column("secret_encrypted", Text, nullable=True),
    Column("status", String(20), nullable=False),
    Column("creation_timestamp", BigInteger, nullable=False),
    Column("last_updated_timestamp", BigInteger, nullable=False),
    Index(None, "creation_timestamp", "webhook_id"),
)
