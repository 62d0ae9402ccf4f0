"""Security headers on every response and the request-body limit of JSON routes."""

from __future__ import annotations

import pytest

from .conftest import MakeClient

CREATE = "/api/2.0/mlflow/experiments/create"


@pytest.mark.parametrize("path", ["/health", "/api/2.0/mlflow/experiments/get", "/no/such/route"])
def test_every_response_has_security_headers(make_client: MakeClient, path: str) -> None:
    response = make_client().get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_refusals_carry_the_headers_too(make_client: MakeClient) -> None:
    response = make_client().get("/api/2.0/mlflow/experiments/search", headers={"host": "evil.com"})
    assert response.status_code == 403
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(("option", "expected"), [("DENY", "DENY"), ("NONE", None)])
def test_frame_options_setting(make_client: MakeClient, option: str, expected: str | None) -> None:
    response = make_client(x_frame_options=option).get("/health")
    assert response.headers.get("x-frame-options") == expected


def test_oversized_body_is_413_in_the_error_shape(make_client: MakeClient) -> None:
    client = make_client(max_request_body_size=4096)
    response = client.post(CREATE, json={"name": "x" * 5000})
    assert response.status_code == 413
    body = response.json()
    assert body["error_code"] == "RESOURCE_LIMIT_EXCEEDED"
    assert "4096" in body["message"]
    assert (
        client.get("/api/2.0/mlflow/experiments/search?max_results=10").json()["experiments"][0][
            "name"
        ]
        == "Default"
    )


def test_oversized_chunked_body_is_413(make_client: MakeClient) -> None:
    client = make_client(max_request_body_size=4096)

    def chunks() -> object:
        yield b'{"name": "'
        for _ in range(10):
            yield b"y" * 1000
        yield b'"}'

    response = client.post(
        CREATE,
        content=chunks(),
        headers={"content-type": "application/json"},  # type: ignore[arg-type]
    )
    assert response.status_code == 413
    assert response.json()["error_code"] == "RESOURCE_LIMIT_EXCEEDED"


def test_body_under_the_limit_is_served(make_client: MakeClient) -> None:
    client = make_client(max_request_body_size=4096)
    assert client.post(CREATE, json={"name": "small"}).status_code == 200


def test_artifact_uploads_are_not_limited(make_client: MakeClient) -> None:
    client = make_client(max_request_body_size=4096)
    response = client.put("/api/2.0/mlflow-artifacts/artifacts/big.bin", content=b"z" * 10_000)
    assert response.status_code != 413
