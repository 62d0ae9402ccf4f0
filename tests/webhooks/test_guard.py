"""The outbound guard on its own: schemes, private ranges, metadata addresses."""

from __future__ import annotations

import pytest

from runhub.webhooks.guard import BlockedTarget, OutboundPolicy, resolve_target

STRICT = OutboundPolicy()
OPEN = OutboundPolicy(frozenset({"http", "https"}), allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.5/hook",
        "https://169.254.10.10/hook",
        "https://100.64.0.1/hook",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
    ],
)
def test_private_targets_are_refused_by_default(url: str) -> None:
    with pytest.raises(BlockedTarget, match=r"not a public address|not a unicast"):
        resolve_target(url, STRICT)


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "http://169.254.169.254/",
        "https://[fd00:ec2::254]/",
        "https://100.100.100.200/",
        "https://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_metadata_targets_are_refused_even_when_private_targets_are_allowed(url: str) -> None:
    with pytest.raises(BlockedTarget, match="metadata"):
        resolve_target(url, OPEN)


def test_only_allowed_schemes() -> None:
    with pytest.raises(BlockedTarget, match="scheme 'http' is not allowed"):
        resolve_target("http://8.8.8.8/hook", STRICT)
    with pytest.raises(BlockedTarget, match="scheme 'file'"):
        resolve_target("file:///etc/passwd", OPEN)


def test_public_and_allowed_private_targets_pass() -> None:
    target = resolve_target("https://8.8.8.8:8443/hook", STRICT)
    assert (str(target.address), target.port, target.host) == ("8.8.8.8", 8443, "8.8.8.8")
    assert str(resolve_target("http://127.0.0.1:9/x", OPEN).address) == "127.0.0.1"


def test_unresolvable_host_is_refused() -> None:
    with pytest.raises(BlockedTarget, match="does not resolve"):
        resolve_target("https://no-such-host.invalid/hook", STRICT)
