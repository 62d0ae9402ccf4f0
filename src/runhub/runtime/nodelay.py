"""uvicorn HTTP protocols that switch Nagle's algorithm off on every accepted connection.

When uvicorn binds the listening socket before the event loop sees it (several workers, or
``--dev``'s reloader), asyncio does not set ``TCP_NODELAY`` on the connections it accepts. A
response written in two pieces (headers, then body) then waits for the client's delayed ACK:
about 40 ms per request on a kept-alive connection (measured: ``bench/keepalive.py``). Setting
the option ourselves on each connection, in uvicorn and in gunicorn's uvicorn workers alike,
makes every server choice behave like the single-process one whatever the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

# uvicorn's --http names mapped to the protocol classes below (import strings, so that the
# choice survives being pickled into spawned worker processes).
PROTOCOLS = {
    "auto": "runhub.runtime.nodelay:AutoNoDelayProtocol",
    "h11": "runhub.runtime.nodelay:H11NoDelayProtocol",
    "httptools": "runhub.runtime.nodelay:HttpToolsNoDelayProtocol",
}


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Set ``TCP_NODELAY`` on the transport's socket, if it is a TCP socket."""
    sock: Any = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    with contextlib.suppress(OSError):  # the peer may already be gone: nothing to tune
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def nodelay_protocol(http: str) -> str:
    """The protocol to give uvicorn for its ``--http`` value ``http`` (others pass through)."""
    return PROTOCOLS.get(http, http)


class H11NoDelayProtocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)


def _httptools_protocol() -> type[asyncio.Protocol]:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # httptools is optional in uvicorn; fall back to h11
        return H11NoDelayProtocol

    class HttpToolsNoDelay(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            set_nodelay(transport)
            super().connection_made(transport)

    HttpToolsNoDelay.__qualname__ = HttpToolsNoDelay.__name__ = "HttpToolsNoDelayProtocol"
    return HttpToolsNoDelay


HttpToolsNoDelayProtocol = _httptools_protocol()
# uvicorn's "auto" is httptools when it is installed, else h11; so is ours.
AutoNoDelayProtocol = HttpToolsNoDelayProtocol
