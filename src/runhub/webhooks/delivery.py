"""One delivery: POST a signed JSON event to a checked address, with timeout and retries."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
import orjson

from runhub.entities.webhooks import WebhookEvent
from runhub.webhooks.guard import BlockedTarget, OutboundPolicy, resolve_target
from runhub.webhooks.signing import delivery_headers

MAX_REDIRECTS = 3
MAX_BODY_CHARS = 1000
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class DeliveryResult:
    success: bool
    response_status: int | None = None
    response_body: str | None = None
    error_message: str | None = None
    attempts: int = 1


@dataclass(frozen=True)
class DeliveryOptions:
    policy: OutboundPolicy
    timeout: float = 30.0
    max_retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubles each time


def event_body(event: WebhookEvent, data: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {
            "entity": event.entity,
            "action": event.action,
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "data": data,
        }
    )


@dataclass(frozen=True)
class _Reply:
    status: int
    body: str


def _read_prefix(response: httpx.Response) -> str:
    """At most MAX_BODY_CHARS bytes of the body: a receiver cannot make us buffer more."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY_CHARS:
            break
    return b"".join(chunks)[:MAX_BODY_CHARS].decode("utf-8", errors="replace")


def _pinned_request(
    client: httpx.Client, url: str, body: bytes, headers: dict[str, str], policy: OutboundPolicy
) -> _Reply:
    """POST to the checked address of ``url``, following redirects only to checked addresses."""
    for _ in range(MAX_REDIRECTS + 1):
        target = resolve_target(url, policy)
        parts = urlsplit(url)
        ip = str(target.address)
        netloc = f"[{ip}]:{target.port}" if ":" in ip else f"{ip}:{target.port}"
        pinned = urlunsplit((target.scheme, netloc, parts.path or "/", parts.query, ""))
        host_header = parts.netloc.rsplit("@", 1)[-1]
        with client.stream(
            "POST",
            pinned,
            content=body,
            headers={**headers, "Host": host_header},
            extensions={"sni_hostname": target.host},
        ) as response:
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location:
                return _Reply(response.status_code, _read_prefix(response))
        url = urljoin(url, location)
    raise BlockedTarget(f"Webhook delivery followed more than {MAX_REDIRECTS} redirects.")


def deliver(url: str, body: bytes, secret: str | None, options: DeliveryOptions) -> DeliveryResult:
    """Deliver ``body`` to ``url``; retries connection errors and retryable statuses."""
    delivery_id = str(uuid.uuid4())
    attempts = 0
    result = DeliveryResult(False, error_message="not attempted")
    with httpx.Client(timeout=options.timeout, follow_redirects=False, trust_env=False) as client:
        while attempts <= options.max_retries:
            if attempts:
                time.sleep(options.backoff * 2 ** (attempts - 1))
            attempts += 1
            headers = delivery_headers(delivery_id, int(time.time()), body, secret)
            try:
                response = _pinned_request(client, url, body, headers, options.policy)
            except BlockedTarget as exc:
                return DeliveryResult(False, error_message=str(exc), attempts=attempts)
            except httpx.HTTPError as exc:
                result = DeliveryResult(
                    False, error_message=f"{type(exc).__name__}: {exc}", attempts=attempts
                )
                continue
            ok = 200 <= response.status < 300
            result = DeliveryResult(ok, response.status, response.body, None, attempts)
            if ok or response.status not in RETRY_STATUSES:
                return result
    return result
