"""Security headers on every response (§7.1)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAME_OPTIONS = ("SAMEORIGIN", "DENY", "NONE")


class SecurityHeaders:
    """Adds ``X-Content-Type-Options: nosniff`` and ``X-Frame-Options`` (unless ``NONE``)."""

    def __init__(self, app: ASGIApp, frame_options: str = "SAMEORIGIN") -> None:
        self.app = app
        value = frame_options.upper()
        if value not in FRAME_OPTIONS:
            raise ValueError(f"X-Frame-Options must be one of {', '.join(FRAME_OPTIONS)}")
        self.frame_options = None if value == "NONE" else value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["x-content-type-options"] = "nosniff"
                if self.frame_options:
                    headers["x-frame-options"] = self.frame_options
            await send(message)

        await self.app(scope, receive, send_with_headers)
