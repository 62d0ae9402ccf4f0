"""CORS: preflights, allowed and refused origins, and the server-side block of foreign writes."""

from __future__ import annotations

from runhub.security.cors import BLOCKED_MESSAGE, origin_allowed

from .conftest import MakeClient

CREATE = "/api/2.0/mlflow/experiments/create"
GET_DEFAULT = "/api/2.0/mlflow/experiments/get?experiment_id=0"


def test_origin_allowlist() -> None:
    assert origin_allowed("http://localhost:3000", ())
    assert origin_allowed("http://127.0.0.1", ())
    assert origin_allowed("http://[::1]:5000", ())
    assert not origin_allowed("http://localhost.evil.com", ())
    assert not origin_allowed("https://evil.com", ())
    assert not origin_allowed("null", ())
    assert origin_allowed("https://app.example.com", ("https://*.example.com",))
    assert not origin_allowed("https://example.com.evil.org", ("https://*.example.com",))


def test_preflight_from_localhost_is_answered(make_client: MakeClient) -> None:
    client = make_client()
    response = client.options(
        CREATE,
        headers={
            "origin": "http://localhost:3000",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, authorization",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "content-type, authorization"
    assert response.headers["access-control-max-age"] == "600"


def test_preflight_from_foreign_origin_is_refused(make_client: MakeClient) -> None:
    client = make_client()
    response = client.options(
        CREATE, headers={"origin": "https://evil.com", "access-control-request-method": "POST"}
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_allowed_origin_gets_cors_headers(make_client: MakeClient) -> None:
    client = make_client(cors_allowed_origins="https://ui.example.com")
    response = client.get(GET_DEFAULT, headers={"origin": "https://ui.example.com"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://ui.example.com"
    assert "Origin" in response.headers["vary"]
    created = client.post(
        CREATE, json={"name": "from-ui"}, headers={"origin": "https://ui.example.com"}
    )
    assert created.status_code == 200


def test_foreign_read_has_no_cors_headers(make_client: MakeClient) -> None:
    client = make_client()
    response = client.get(GET_DEFAULT, headers={"origin": "https://evil.com"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_foreign_write_is_blocked_server_side_and_writes_nothing(make_client: MakeClient) -> None:
    client = make_client()
    for method in ("POST", "DELETE", "PATCH", "PUT"):
        response = client.request(
            method, CREATE, json={"name": "csrf"}, headers={"origin": "https://evil.com"}
        )
        assert response.status_code == 403, method
        assert response.text == BLOCKED_MESSAGE
    found = client.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=csrf")
    assert found.status_code == 404


def test_same_origin_write_is_not_blocked(make_client: MakeClient) -> None:
    client = make_client(base_url="http://10.0.0.5:5000")
    response = client.post(
        CREATE, json={"name": "same"}, headers={"origin": "http://10.0.0.5:5000"}
    )
    assert response.status_code == 200


def test_star_allows_every_origin_without_credentials(make_client: MakeClient) -> None:
    client = make_client(cors_allowed_origins="*")
    response = client.post(CREATE, json={"name": "star"}, headers={"origin": "https://any.org"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_cross_site_write_without_origin_is_blocked(make_client: MakeClient) -> None:
    client = make_client()
    response = client.post(CREATE, json={"name": "csrf2"}, headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403
    same = client.post(CREATE, json={"name": "ok"}, headers={"sec-fetch-site": "same-origin"})
    assert same.status_code == 200
