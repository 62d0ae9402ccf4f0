"""The outbound guard: which delivery addresses runhub may call.

A webhook URL must use an allowed scheme (``https`` by default), and every address its host
resolves to must be public: loopback, private, link-local, shared, reserved and multicast
ranges are refused unless the operator allows private targets. Cloud metadata addresses are
refused always. The caller connects to the address checked here (not a fresh lookup), so DNS
rebinding between check and connect does not help an attacker; redirects are checked again.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS IPv6
    )
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class BlockedTarget(Exception):
    """A delivery address the guard refuses; the message says why."""


@dataclass(frozen=True)
class OutboundPolicy:
    allowed_schemes: frozenset[str] = frozenset({"https"})
    allow_private: bool = False


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    scheme: str
    host: str
    port: int
    address: IPAddress


def check_scheme(url: str, policy: OutboundPolicy) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in policy.allowed_schemes:
        allowed = ", ".join(sorted(policy.allowed_schemes))
        raise BlockedTarget(f"Webhook URL scheme '{parts.scheme}' is not allowed ({allowed}).")
    if not parts.hostname:
        raise BlockedTarget(f"Webhook URL '{url}' has no host.")


def _refusal(address: IPAddress, policy: OutboundPolicy) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "is a cloud metadata address"
    if not policy.allow_private and not address.is_global:
        return "is not a public address (loopback, private, link-local or reserved)"
    if address.is_multicast or address.is_unspecified:
        return "is not a unicast address"
    return None


def resolve_target(url: str, policy: OutboundPolicy) -> Target:
    """The address to deliver ``url`` to; raises :class:`BlockedTarget` when refused."""
    check_scheme(url, policy)
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if host in METADATA_HOSTS:
        raise BlockedTarget(f"Webhook host '{host}' is a cloud metadata host.")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise BlockedTarget(f"Webhook URL '{url}' has an invalid port.") from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedTarget(f"Webhook host '{host}' does not resolve: {exc}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:  # every address must pass: any of them may be chosen
        reason = _refusal(address, policy)
        if reason:
            raise BlockedTarget(f"Webhook host '{host}' resolves to {address}, which {reason}.")
    return Target(parts.scheme.lower(), host, port, addresses[0])
