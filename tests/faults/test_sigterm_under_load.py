"""SIGTERM under write load: the requests in flight complete with 200 and stay stored, none
gets an error, and the server exits cleanly (one request in flight on every server choice:
tests/runtime/test_graceful_shutdown.py)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.faults.load import Writer, check_acknowledged_once, create_run, run_writers
from tests.runtime.live import running, start, stop

LOAD_S = 1.5
THREADS = 4


def test_sigterm_under_load_completes_requests_in_flight(tmp_path: Path) -> None:
    server = start(tmp_path)
    base = f"http://127.0.0.1:{server.port}"
    try:
        run_id = create_run(base)
        writers = [Writer(base, run_id, f"m{i}") for i in range(THREADS)]
        run_writers(writers)
        time.sleep(LOAD_S)
        signalled_at = time.monotonic()
        os.killpg(server.process.pid, signal.SIGTERM)
        for writer in writers:
            writer.join(30)
        assert server.process.wait(timeout=30) in (0, -signal.SIGTERM), server.log_text()
    finally:
        stop(server)
    # Each writer ran until the server stopped taking connections: every answer it got was a
    # 200, then its next connection was refused or closed before a request was read.
    assert [f for w in writers for f in w.other_failures] == []
    # The requests in flight when the signal came were answered after it.
    assert max(w.last_answer_at for w in writers) > signalled_at
    for writer in writers:
        assert writer.acknowledged and set(writer.statuses) == {200}, writer.errors[:3]
        assert writer.connection_errors == 1
    assert "Traceback" not in server.log_text()
    with running(tmp_path) as restarted:
        assert check_acknowledged_once(f"http://127.0.0.1:{restarted.port}", run_id, writers) > 0
