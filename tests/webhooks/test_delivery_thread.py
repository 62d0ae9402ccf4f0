"""Deliveries happen off the request path, and the delivery thread lives only while needed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.api.conftest import Api
from tests.webhooks.conftest import app_api
from tests.webhooks.receiver import Receiver, webhook_receiver

THREAD = "runhub-webhooks"


def _delivery_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD]


def test_a_slow_receiver_does_not_slow_down_registry_writes(api: Api, receiver: Receiver) -> None:
    receiver.delay = 2.0
    event = {"entity": "REGISTERED_MODEL", "action": "CREATED"}
    api.post("webhooks", {"name": "slow", "url": receiver.url, "events": [event]})
    started = time.monotonic()
    api.post("registered-models/create", {"name": "m"})
    assert time.monotonic() - started < 1.0
    assert receiver.wait_for(1, timeout=10)[0].body


def test_the_thread_starts_with_the_first_event_and_stops_with_the_app(tmp_path: Path) -> None:
    baseline = set(_delivery_threads())  # other apps' threads, if any are still finishing
    with webhook_receiver() as receiver:
        for api in app_api(
            tmp_path, webhook_allowed_schemes="http", webhook_allow_private_targets=True
        ):
            api.post("registered-models/create", {"name": "before"})
            assert set(_delivery_threads()) <= baseline  # no webhooks: nothing started
            event = {"entity": "REGISTERED_MODEL", "action": "CREATED"}
            api.post("webhooks", {"name": "h", "url": receiver.url, "events": [event]})
            api.post("registered-models/create", {"name": "after"})
            receiver.wait_for(1)
            ours = set(_delivery_threads()) - baseline
            assert len(ours) == 1
        assert not any(t.is_alive() for t in ours)  # stopped when the app shut down
