"""Raw HTTP helpers for what the mlflow client cannot send or hides."""

from __future__ import annotations

from typing import Any

import requests

# error_code -> (sqlstate, error_class) as MLflow 3.x servers send them.
CLASSIFIED = {
    "INVALID_PARAMETER_VALUE": ("KAM00", "INVALID_PARAMETER_VALUE"),
    "BAD_REQUEST": ("KAM00", "INVALID_PARAMETER_VALUE"),
    "RESOURCE_ALREADY_EXISTS": ("KAM00", "RESOURCE_ALREADY_EXISTS"),
    "RESOURCE_DOES_NOT_EXIST": ("KAM00", "RESOURCE_NOT_FOUND"),
    "ENDPOINT_NOT_FOUND": ("KAM00", "RESOURCE_NOT_FOUND"),
    "PERMISSION_DENIED": ("KAM00", "PERMISSION_DENIED"),
    "TEMPORARILY_UNAVAILABLE": ("XXM00", "CLIENT_INTERNAL_ERROR"),
    "INTERNAL_ERROR": ("XXM00", "CLIENT_INTERNAL_ERROR"),
}


class Rest:
    """Raw HTTP against the server, for what the client cannot send or hides."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def get(self, path: str, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.get(self.url(path), params=params, timeout=60, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.post(self.url(path), json=json, timeout=60, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request that must succeed; return its JSON body."""
        resp = self.session.request(method, self.url(path), timeout=60, **kwargs)
        assert resp.status_code == 200, f"{method} {path}: {resp.status_code} {resp.text[:500]}"
        content_type = resp.headers.get("Content-Type", "")
        assert content_type.startswith("application/json"), f"{method} {path}: {content_type!r}"
        return resp.json()

    @staticmethod
    def assert_error(resp: requests.Response, status: int, error_code: str | set[str]) -> dict:
        """Check the one JSON error shape: status, string ``error_code`` and ``message``."""
        req = resp.request
        where = f"{req.method} {req.url} body={req.body!r}"
        assert resp.status_code == status, f"{where}: {resp.status_code} {resp.text[:500]}"
        assert resp.headers.get("Content-Type", "").startswith("application/json"), (
            f"{where}: Content-Type {resp.headers.get('Content-Type')!r}, body {resp.text[:300]!r}"
        )
        body = resp.json()
        assert isinstance(body, dict), f"{where}: {body!r}"
        assert isinstance(body.get("error_code"), str), f"{where}: {body!r}"
        assert isinstance(body.get("message"), str), f"{where}: {body!r}"
        assert body["message"], f"{where}: empty message"
        codes = {error_code} if isinstance(error_code, str) else error_code
        assert body["error_code"] in codes, f"{where}: {body!r}"
        # MLflow 3.x classifies some codes; the others carry neither key.
        classified = CLASSIFIED.get(body["error_code"])
        if classified is None:
            assert "sqlstate" not in body and "error_class" not in body, f"{where}: {body!r}"
        else:
            assert (body.get("sqlstate"), body.get("error_class")) == classified, (
                f"{where}: {body!r}"
            )
        return body
