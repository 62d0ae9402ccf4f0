"""Host-header allowlist: DNS rebinding is refused before the app is reached."""

from __future__ import annotations

import pytest

from runhub.security.hosts import INVALID_HOST_MESSAGE, default_allowed_hosts, host_allowed

from .conftest import MakeClient

DEFAULTS = default_allowed_hosts()


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:5000",
        "127.0.0.1:5000",
        "[::1]:5000",
        "0.0.0.0:80",
        "10.1.2.3:5000",
        "192.168.0.7",
        "172.20.0.2:5000",
        "[fd12:3456::1]:5000",
        "[fc00::7]",
    ],
)
def test_default_hosts_are_allowed(host: str) -> None:
    assert host_allowed(host, DEFAULTS)


@pytest.mark.parametrize(
    "host",
    [
        "evil.com",
        "evil.com:5000",
        "10.evil.com",  # an IPv4-shaped pattern must not match a host name
        "192.168.attacker.net:5000",
        "172.16.0.1.nip.io",
        "172.32.0.1",
        "localhost.evil.com",
        "fd00:80",  # an IPv6-shaped pattern must not match a host name either
        "[fe80::1]:5000",
        "",
    ],
)
def test_rebinding_hosts_are_refused(host: str) -> None:
    assert not host_allowed(host, DEFAULTS)


def test_wildcard_patterns() -> None:
    allowed = ("*.example.com", "mlflow.internal:*", "10.0.*")
    assert host_allowed("a.example.com", allowed)
    assert host_allowed("mlflow.internal:8080", allowed)
    assert host_allowed("10.0.3.4:5000", allowed)
    assert not host_allowed("example.com.evil.org", allowed)
    assert not host_allowed("10.0.evil.org", allowed)
    assert host_allowed("anything.at.all", ("*",))


def test_rebinding_request_gets_403_text(make_client: MakeClient) -> None:
    client = make_client()
    response = client.get(
        "/api/2.0/mlflow/experiments/get",
        params={"experiment_id": "0"},
        headers={"host": "evil.com"},
    )
    assert response.status_code == 403
    assert response.text == INVALID_HOST_MESSAGE
    assert response.headers["content-type"].startswith("text/plain")
    assert "experiment" not in response.text


def test_rebinding_write_is_refused_and_writes_nothing(make_client: MakeClient) -> None:
    client = make_client()
    response = client.post(
        "/api/2.0/mlflow/experiments/create",
        json={"name": "rebound"},
        headers={"host": "attacker.example:5000"},
    )
    assert response.status_code == 403
    found = client.get(
        "/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": "rebound"}
    )
    assert found.status_code == 404


def test_health_and_version_are_exempt(make_client: MakeClient) -> None:
    client = make_client()
    for path in ("/health", "/version"):
        assert client.get(path, headers={"host": "evil.com"}).status_code == 200


def test_configured_hosts_replace_the_defaults(make_client: MakeClient) -> None:
    client = make_client(allowed_hosts="mlflow.example.com, *.corp.example")
    ok = client.get(
        "/api/2.0/mlflow/experiments/get?experiment_id=0", headers={"host": "x.corp.example"}
    )
    assert ok.status_code == 200
    assert client.get("/api/2.0/mlflow/experiments/get?experiment_id=0").status_code == 403


def test_star_allows_every_host(make_client: MakeClient) -> None:
    client = make_client(allowed_hosts="*")
    response = client.get(
        "/api/2.0/mlflow/experiments/get?experiment_id=0", headers={"host": "evil.com"}
    )
    assert response.status_code == 200


def test_disabled_middleware_lets_any_host_in(make_client: MakeClient) -> None:
    client = make_client(disable_security_middleware=True)
    response = client.get("/health", headers={"host": "evil.com"})
    assert response.status_code == 200
    assert "x-frame-options" not in response.headers
    response = client.get(
        "/api/2.0/mlflow/experiments/get?experiment_id=0", headers={"host": "evil.com"}
    )
    assert response.status_code == 200
