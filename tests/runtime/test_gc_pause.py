"""The collector pause around large responses: nested and concurrent holders, and no pause
that outlives its holders or lets cycles pile up without bound."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest

from runhub.runtime import gc_pause
from runhub.runtime.gc_pause import gc_paused


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


@pytest.fixture(autouse=True)
def collector_on() -> None:
    gc.enable()


def test_collector_is_off_inside_and_back_on_after() -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc_pause.collector_held_off_since() is None


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_last_of_overlapping_threads_turns_it_back_on() -> None:
    inside, release = threading.Barrier(3), threading.Event()

    def hold() -> None:
        with gc_paused():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_an_overlong_pause_collects_when_the_next_holder_comes_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gc_pause, "MAX_PAUSE_S", 0.05)
    first_in, release = threading.Event(), threading.Event()

    def long_holder() -> None:
        with gc_paused():
            first_in.set()
            release.wait()

    holder = threading.Thread(target=long_holder)
    holder.start()
    first_in.wait()
    cycle = Node()
    ref = weakref.ref(cycle)
    del cycle
    assert ref() is not None  # the collector is off: the cycle is still there
    time.sleep(0.1)
    with gc_paused():  # comes in after MAX_PAUSE_S: collects first
        assert ref() is None
        assert not gc.isenabled()
    release.set()
    holder.join()
    assert gc.isenabled()
