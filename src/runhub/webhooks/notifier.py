"""Delivering registry events to webhooks off the request path.

``notify`` only puts the event on a queue. One background thread, started the first time an
event arrives while active webhooks exist, looks up the subscribed webhooks and delivers to
each (with the timeout and retries of :mod:`runhub.webhooks.delivery`). ``close`` stops it.
Whether any active webhook exists is cached for a few seconds, so a server without webhooks
does no extra database work per registry write and never starts the thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from runhub.entities.webhooks import WebhookEvent
from runhub.store.sql.webhooks import SqlWebhookStore
from runhub.webhooks.delivery import DeliveryOptions, deliver, event_body
from runhub.webhooks.secrets import SecretBox

log = logging.getLogger("runhub.webhooks")
ACTIVE_CACHE_SECONDS = 5.0
QUEUE_LIMIT = 10_000

# Resolves the event to send (e.g. MODEL_VERSION → PROMPT_VERSION) in the worker thread.
# ``None`` drops the event (e.g. a tag on a plain registered model has no webhook event).
Resolver = Callable[[WebhookEvent, dict[str, Any]], "tuple[WebhookEvent, dict[str, Any]] | None"]
_STOP = object()


class WebhookNotifier:
    def __init__(
        self,
        store: SqlWebhookStore,
        secrets: SecretBox,
        options: DeliveryOptions,
        resolve: Resolver | None = None,
    ) -> None:
        self._store = store
        self._secrets = secrets
        self._options = options
        self._resolve = resolve
        self._queue: queue.Queue[object] = queue.Queue(QUEUE_LIMIT)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._active_checked_at = -ACTIVE_CACHE_SECONDS
        self._has_active = False

    def webhooks_changed(self) -> None:
        """Forget the cached "any active webhook" answer (after create/update/delete)."""
        self._active_checked_at = -ACTIVE_CACHE_SECONDS

    def _any_active(self) -> bool:
        now = time.monotonic()
        if now - self._active_checked_at >= ACTIVE_CACHE_SECONDS:
            self._has_active = self._store.has_active_webhooks()
            self._active_checked_at = now
        return self._has_active

    def notify(self, event: WebhookEvent, data: dict[str, Any]) -> None:
        """Queue ``event`` for delivery; never blocks the caller and never raises."""
        try:
            if not self._any_active():
                return
            self._ensure_worker()
            self._queue.put_nowait((event, data))
        except queue.Full:
            log.warning("webhook queue full; dropped %s.%s", event.entity, event.action)
        except Exception:
            log.exception("could not queue webhook event %s.%s", event.entity, event.action)

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="runhub-webhooks", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            assert isinstance(item, tuple)
            event: WebhookEvent = item[0]
            data: dict[str, Any] = item[1]
            try:
                self._deliver_all(event, data)
            except Exception:
                log.exception("webhook delivery of %s.%s failed", event.entity, event.action)

    def _deliver_all(self, event: WebhookEvent, data: dict[str, Any]) -> None:
        if self._resolve is not None:
            resolved = self._resolve(event, data)
            if resolved is None:
                return
            event, data = resolved
        body = event_body(event, data)
        for hook in self._store.active_webhooks_for(event):
            secret = self._secrets.decrypt(hook.secret_encrypted) if hook.secret_encrypted else None
            result = deliver(hook.url, body, secret, self._options)
            if not result.success:
                log.warning(
                    "webhook %s (%s.%s) not delivered after %d attempt(s): %s",
                    hook.webhook_id,
                    event.entity,
                    event.action,
                    result.attempts,
                    result.error_message or f"HTTP {result.response_status}",
                )

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after the events already queued (waiting at most ``timeout``)."""
        with self._lock:
            thread = self._thread
            self._thread = None
        if thread is not None and thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=timeout)
            except queue.Full:
                return
            thread.join(timeout)
