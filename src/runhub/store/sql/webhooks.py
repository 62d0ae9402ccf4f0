"""Webhooks in SQL: create, read, list by creation time, update, delete."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.engine import Connection, Row

from runhub.entities.paging import Page
from runhub.entities.webhooks import Webhook, WebhookChange, WebhookEvent
from runhub.errors import InvalidParameter, NotFound
from runhub.store.sql.db import Database
from runhub.store.webhook_tables import webhooks as W
from runhub.times import now_ms
from runhub.webhooks.events import decode_events, encode_events


def _webhook(row: Row[Any]) -> Webhook:
    return Webhook(
        webhook_id=row.webhook_id,
        name=row.name,
        url=row.url,
        events=decode_events(row.events),
        status=row.status,
        creation_timestamp=row.creation_timestamp,
        last_updated_timestamp=row.last_updated_timestamp,
        description=row.description,
        secret_encrypted=row.secret_encrypted,
    )


def _encode_token(created: int, webhook_id: str) -> str:
    return base64.urlsafe_b64encode(f"{created}:{webhook_id}".encode()).decode()


def _decode_token(token: str) -> tuple[int, str]:
    try:
        created, webhook_id = base64.urlsafe_b64decode(token.encode()).decode().split(":", 1)
        return int(created), webhook_id
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameter(f"Invalid page token '{token}'.") from None


class SqlWebhookStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create_webhook(
        self,
        name: str,
        url: str,
        events: tuple[WebhookEvent, ...],
        description: str | None,
        secret_encrypted: str | None,
        status: str,
    ) -> Webhook:
        now = now_ms()
        hook = Webhook(
            uuid.uuid4().hex, name, url, events, status, now, now, description, secret_encrypted
        )

        def write(conn: Connection) -> None:
            conn.execute(
                insert(W).values(
                    webhook_id=hook.webhook_id,
                    name=name,
                    description=description,
                    url=url,
                    events=encode_events(events),
                    secret_encrypted=secret_encrypted,
                    status=status,
                    creation_timestamp=now,
                    last_updated_timestamp=now,
                )
            )

        self._db.run_write(write)
        return hook

    def get_webhook(self, webhook_id: str) -> Webhook:
        with self._db.read() as conn:
            row = conn.execute(select(W).where(W.c.webhook_id == webhook_id)).first()
        if row is None:
            raise NotFound(f"Webhook with ID {webhook_id} not found.")
        return _webhook(row)

    def list_webhooks(self, max_results: int, page_token: str | None) -> Page[Webhook]:
        query = select(W).order_by(W.c.creation_timestamp, W.c.webhook_id).limit(max_results + 1)
        if page_token:
            created, webhook_id = _decode_token(page_token)
            query = query.where(
                or_(
                    W.c.creation_timestamp > created,
                    and_(W.c.creation_timestamp == created, W.c.webhook_id > webhook_id),
                )
            )
        with self._db.read() as conn:
            rows = conn.execute(query).all()
        hooks = [_webhook(r) for r in rows[:max_results]]
        token = None
        if len(rows) > max_results:
            last = hooks[-1]
            token = _encode_token(last.creation_timestamp, last.webhook_id)
        return Page(hooks, token)

    def update_webhook(self, webhook_id: str, change: WebhookChange) -> Webhook:
        values: dict[str, Any] = {
            k: v
            for k, v in (
                ("name", change.name),
                ("description", change.description),
                ("url", change.url),
                ("secret_encrypted", change.secret_encrypted),
                ("status", change.status),
            )
            if v is not None
        }
        if change.events is not None:
            values["events"] = encode_events(change.events)
        values["last_updated_timestamp"] = now_ms()

        def write(conn: Connection) -> int:
            return conn.execute(
                update(W).where(W.c.webhook_id == webhook_id).values(**values)
            ).rowcount

        if not self._db.run_write(write):
            raise NotFound(f"Webhook with ID {webhook_id} not found.")
        return self.get_webhook(webhook_id)

    def delete_webhook(self, webhook_id: str) -> None:
        def write(conn: Connection) -> int:
            return conn.execute(delete(W).where(W.c.webhook_id == webhook_id)).rowcount

        if not self._db.run_write(write):
            raise NotFound(f"Webhook with ID {webhook_id} not found.")

    def has_active_webhooks(self) -> bool:
        with self._db.read() as conn:
            row = conn.execute(select(W.c.webhook_id).where(W.c.status == "ACTIVE").limit(1))
            return row.first() is not None

    def active_webhooks_for(self, event: WebhookEvent) -> list[Webhook]:
        with self._db.read() as conn:
            rows = conn.execute(select(W).where(W.c.status == "ACTIVE")).all()
        return [h for h in map(_webhook, rows) if event in h.events]
