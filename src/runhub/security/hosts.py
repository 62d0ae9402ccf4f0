"""Host-header allowlist against DNS rebinding (mlflow-api.md §7.1)."""

from __future__ import annotations

import fnmatch
import ipaddress
import logging
import re

from starlette.types import ASGIApp, Receive, Scope, Send

from runhub.security.responses import header, send_text

log = logging.getLogger("runhub.security")

INVALID_HOST_MESSAGE = "Invalid Host header - possible DNS rebinding attack detected"
EXEMPT_PATHS = ("/health", "/version")
_LOCAL = ("localhost", "127.0.0.1", "[::1]", "0.0.0.0")
_PRIVATE = (
    "192.168.*",
    "10.*",
    *(f"172.{i}.*" for i in range(16, 32)),
    # fc00::/7 unique-local IPv6, as Host headers carry it: "[fd12:3456::1]:5000"
    "[[]fc??:*",
    "[[]fd??:*",
)
# A pattern made of digits, dots and wildcards names IPv4 addresses, never host names.
_IPV4_SHAPED = re.compile(r"[0-9][0-9.*?]*(:[0-9*]+)?")
# ... and one that starts with a hex group and a colon names IPv6 addresses.
_IPV6_SHAPED = re.compile(r"(\[\[\]|\[)?[0-9a-fA-F?]{1,4}:[0-9a-fA-F:*?\]]*")


def default_allowed_hosts() -> tuple[str, ...]:
    """Loopback names with any port, plus the private address ranges."""
    with_port = tuple(f"{host.replace('[', '[[]', 1)}:*" for host in _LOCAL)
    return (*_LOCAL, *with_port, *_PRIVATE)


def parse_list(value: str | None) -> tuple[str, ...] | None:
    """A comma-separated option as a tuple; ``None`` when unset or blank."""
    if value is None:
        return None
    items = tuple(item.strip() for item in value.split(",") if item.strip())
    return items or None


def _hostname(host: str) -> str:
    """``host`` without its port (IPv6 literals keep their brackets off)."""
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(_hostname(host))
    except ValueError:
        return False
    return True


def host_allowed(host: str, patterns: tuple[str, ...]) -> bool:
    """Whether a Host header value matches one of ``patterns`` (fnmatch wildcards).

    IPv4-shaped patterns such as ``10.*`` match IP literals only, so ``10.evil.com`` is not
    let in by a private-range entry.
    """
    if not host:
        return False
    host = host.lower()
    for pattern in patterns:
        if pattern == "*":
            return True
        pattern = pattern.lower()
        if host == pattern:
            return True
        if "*" not in pattern or not fnmatch.fnmatchcase(host, pattern):
            continue
        ip_shaped = _IPV4_SHAPED.fullmatch(pattern) or _IPV6_SHAPED.fullmatch(pattern)
        if ip_shaped and not _is_ip_literal(host):
            continue
        return True
    return False


def is_exempt(path: str, static_prefix: str = "") -> bool:
    return any(path == static_prefix + exempt for exempt in EXEMPT_PATHS)


class HostGuard:
    """Refuses requests whose Host header is not allowed: 403 text/plain."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...], static_prefix: str = "") -> None:
        self.app = app
        self.allowed = allowed
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_exempt(scope["path"], self.static_prefix):
            await self.app(scope, receive, send)
            return
        host = header(scope, b"host")
        if host_allowed(host, self.allowed):
            await self.app(scope, receive, send)
            return
        log.warning("refused a request with Host header %r", host[:200])
        await send_text(send, 403, INVALID_HOST_MESSAGE)
