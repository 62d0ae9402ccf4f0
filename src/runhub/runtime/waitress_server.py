"""waitress serving the runhub app through a2wsgi, with a graceful stop on SIGTERM/SIGINT.

waitress itself stops at once on a signal, dropping the responses of requests in flight. Here
the signal only stops accepting connections; the loop keeps running until every request in
progress (being received, run or sent) has been answered, or the grace period is over.
"""

from __future__ import annotations

import signal
import time
from typing import Any

GRACEFUL_SHUTDOWN_S = 30.0
LOOP_TICK_S = 0.2


def serve(options: dict[str, Any]) -> None:
    """Run waitress with ``options`` (``waitress.create_server`` keywords) until signalled."""
    from waitress import create_server, wasyncore
    from waitress.channel import HTTPChannel

    from runhub.app import wsgi_app_from_environment

    server: Any = create_server(wsgi_app_from_environment(), **options)
    server.print_listen("runhub (waitress) serving on http://{}:{}")
    stop_requested: list[float] = []

    def stop(_signum: int, _frame: object) -> None:
        if not stop_requested:
            stop_requested.append(time.monotonic() + GRACEFUL_SHUTDOWN_S)
            server.accepting = False  # readable() is False from now on: no new connections

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tick = min(LOOP_TICK_S, server.adj.asyncore_loop_timeout)
    try:
        while True:
            wasyncore.loop(timeout=tick, map=server._map, count=1)
            if not stop_requested:
                continue
            busy = [
                channel
                for channel in server._map.values()
                if isinstance(channel, HTTPChannel)
                and (channel.request or channel.requests or channel.total_outbufs_len)
            ]
            if not busy or time.monotonic() > stop_requested[0]:
                break
    finally:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)
