"""Holding off Python's cyclic garbage collector while a large response is built.

Building a page of tens of thousands of small dicts and lists allocates enough container
objects to trigger many collections, and the survivors (the page itself) to trigger full
collections of the whole heap: in a server that doubled the time of a 10,000-version page.
Those objects hold no reference cycles, so reference counting frees them without the
collector. The collector is off while at least one thread is inside ``gc_paused()`` and
back on, as it was, when the last one leaves. Overlapping requests could keep it off for
good, so once it has been off for ``MAX_PAUSE_S`` the next thread to come in collects first:
cycles made meanwhile by other requests never pile up for long.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

MAX_PAUSE_S = 2.0

_lock = threading.Lock()
_holders = 0
_was_enabled = False
_off_since = 0.0


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (reference counting still frees memory)."""
    global _holders, _was_enabled, _off_since
    overdue = False
    with _lock:
        now = time.monotonic()
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
            _off_since = now
        elif now - _off_since > MAX_PAUSE_S:
            overdue, _off_since = True, now
        _holders += 1
    try:
        if overdue and _was_enabled:
            gc.collect()  # runs even while automatic collection is off
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()


def collector_held_off_since() -> float | None:
    """When the collector was last turned off here (monotonic seconds), or None when no
    thread holds it off."""
    with _lock:
        return _off_since if _holders else None
