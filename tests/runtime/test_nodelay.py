"""The protocols runhub gives uvicorn set TCP_NODELAY on connections accepted from a socket
bound up front (as uvicorn's supervisor and gunicorn bind it), where asyncio leaves it off."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest

from runhub.runtime.nodelay import PROTOCOLS, nodelay_protocol, set_nodelay


def accepted_nodelay(apply: bool) -> int:
    """TCP_NODELAY of a connection accepted on a pre-bound listener, with or without us."""

    async def main() -> int:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, like uvicorn
        listener.bind(("127.0.0.1", 0))
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                if apply:
                    set_nodelay(transport)
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
            server.close()

    # In a thread of its own: another test's event loop may still be set on this one.
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(main())))
    thread.start()
    thread.join(timeout=30)
    assert result, "the probe connection was never accepted"
    return result[0]


def test_a_pre_bound_listener_needs_the_option_set_per_connection() -> None:
    if accepted_nodelay(apply=False):
        pytest.skip("this platform's asyncio already sets TCP_NODELAY on such sockets")
    assert accepted_nodelay(apply=True) == 1


def test_every_uvicorn_http_choice_maps_to_a_nodelay_protocol() -> None:
    for http in ("auto", "h11", "httptools"):
        assert nodelay_protocol(http) == PROTOCOLS[http]
    assert nodelay_protocol("some.module:Custom") == "some.module:Custom"
