"""A small HTTP client for the tracking server's REST API, used to find and fetch models."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from runhub.scoring.errors import ModelLoadError

ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


class TrackingClient:
    """GETs against ``base_url`` with the credentials the mlflow client would send."""

    def __init__(self, base_url: str, headers: Mapping[str, str], auth: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(headers=dict(headers), auth=auth, timeout=60.0)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TrackingClient:
        """From ``MLFLOW_TRACKING_URI`` and ``MLFLOW_TRACKING_USERNAME/PASSWORD/TOKEN``."""
        uri = env.get("MLFLOW_TRACKING_URI", "")
        if not uri.startswith(("http://", "https://")):
            raise ModelLoadError(
                "set MLFLOW_TRACKING_URI to the tracking server (http://host:port) to serve "
                "models:/, runs:/ or mlflow-artifacts: URIs"
            )
        headers: dict[str, str] = {}
        auth: Any = None
        if env.get("MLFLOW_TRACKING_TOKEN"):
            headers["Authorization"] = f"Bearer {env['MLFLOW_TRACKING_TOKEN']}"
        elif env.get("MLFLOW_TRACKING_USERNAME"):
            auth = (env["MLFLOW_TRACKING_USERNAME"], env.get("MLFLOW_TRACKING_PASSWORD", ""))
        return cls(uri, headers, auth)

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        url = self.base_url + path
        try:
            resp = self._http.get(url, params=params)
        except httpx.HTTPError as exc:
            raise ModelLoadError(
                f"cannot reach the tracking server at {self.base_url}: {exc}"
            ) from None
        if resp.status_code >= 400:
            try:
                message = resp.json().get("message", resp.text)
            except ValueError:
                message = resp.text
            raise ModelLoadError(f"GET {path} failed with {resp.status_code}: {message[:300]}")
        return resp

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        body = self._get(path, params).json()
        if not isinstance(body, dict):
            raise ModelLoadError(f"GET {path} did not return a JSON object")
        return body

    def post_json(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        try:
            resp = self._http.post(self.base_url + path, json=dict(body))
        except httpx.HTTPError as exc:
            raise ModelLoadError(
                f"cannot reach the tracking server at {self.base_url}: {exc}"
            ) from None
        if resp.status_code >= 400:
            raise ModelLoadError(f"POST {path} failed with {resp.status_code}: {resp.text[:300]}")
        result = resp.json()
        return result if isinstance(result, dict) else {}

    def list_artifacts(self, path: str) -> list[tuple[str, bool]]:
        """(name, is_dir) of the entries directly under ``path`` of the artifact service."""
        files = self.get_json(ARTIFACTS, {"path": path}).get("files", [])
        return [(posixpath.basename(f["path"]), bool(f.get("is_dir"))) for f in files]

    def download_tree(self, path: str, dest: Path) -> int:
        """Copy everything under ``path`` into ``dest``; returns the number of files."""
        count = 0
        for name, is_dir in self.list_artifacts(path):
            if name in ("", ".", "..") or "/" in name:
                raise ModelLoadError(f"the tracking server listed an unsafe name {name!r}")
            child = posixpath.join(path, name)
            if is_dir:
                count += self.download_tree(child, dest / name)
                continue
            dest.mkdir(parents=True, exist_ok=True)
            with self._http.stream("GET", f"{self.base_url}{ARTIFACTS}/{quote(child)}") as resp:
                if resp.status_code >= 400:
                    raise ModelLoadError(f"downloading {child} failed with {resp.status_code}")
                with (dest / name).open("wb") as out:
                    for chunk in resp.iter_bytes():
                        out.write(chunk)
            count += 1
        return count
