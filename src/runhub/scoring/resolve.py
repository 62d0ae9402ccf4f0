"""Resolving a model URI to a local directory (mlflow-api.md §6.2).

``runs:/``, ``models:/`` and ``mlflow-artifacts:`` URIs go through the tracking server's REST
API; ``s3://`` URIs are read with boto3; anything else is a local path.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

from runhub.scoring.errors import ModelLoadError
from runhub.scoring.s3_download import download_s3_tree
from runhub.scoring.tracking_client import TrackingClient

REMOTE_SCHEMES = ("runs", "models", "mlflow-artifacts")


def _models_location(client: TrackingClient, rest: str) -> str:
    """The artifact location of ``models:/name/version``, ``name@alias`` or ``m-<id>``."""
    rest = rest.strip("/")
    if rest.startswith("m-") and "/" not in rest:
        info = client.get_json(f"/api/2.0/mlflow/logged-models/{rest}")["model"]["info"]
        return str(info["artifact_uri"])
    if "@" in rest:
        name, alias = rest.rsplit("@", 1)
        mv = client.get_json(
            "/api/2.0/mlflow/registered-models/alias", {"name": name, "alias": alias}
        )
        version = str(mv["model_version"]["version"])
    elif "/" in rest:
        name, version = rest.rsplit("/", 1)
        if not version.isdigit():
            raise ModelLoadError(
                f"models:/{rest}: stages are not supported; use a version number or an alias"
            )
    else:
        raise ModelLoadError(f"models:/{rest} needs a version (name/1) or an alias (name@alias)")
    params = {"name": name, "version": version}
    body = client.get_json("/api/2.0/mlflow/model-versions/get-download-uri", params)
    return str(body["artifact_uri"])


def _runs_location(client: TrackingClient, rest: str) -> str:
    """The run's artifact location, or the logged model the run logged under that name."""
    run_id, _, sub = rest.strip("/").partition("/")
    run = client.get_json("/api/2.0/mlflow/runs/get", {"run_id": run_id})["run"]["info"]
    location = posixpath.join(str(run["artifact_uri"]), sub) if sub else str(run["artifact_uri"])
    if location.startswith("mlflow-artifacts:") and client.list_artifacts(_artifact_path(location)):
        return location
    # MLflow 3 logs models as logged models linked to the run; find it by run and name.
    found = client.post_json(
        "/api/2.0/mlflow/logged-models/search",
        {
            "experiment_ids": [str(run["experiment_id"])],
            "filter": f"source_run_id = '{run_id}' AND name = '{sub}'",
            "max_results": 1,
        },
    ).get("models", [])
    if not found:
        raise ModelLoadError(f"runs:/{rest}: no artifacts and no logged model named {sub!r}")
    return str(found[0]["info"]["artifact_uri"])


def _artifact_path(location: str) -> str:
    return unquote(urlparse(location).path).lstrip("/")


def _fetch(
    client: TrackingClient | None, location: str, dest: Path, env: Mapping[str, str]
) -> Path:
    if location.startswith("mlflow-artifacts:"):
        assert client is not None
        if client.download_tree(_artifact_path(location), dest) == 0:
            raise ModelLoadError(f"no model files at {location}")
        return dest
    if location.startswith("s3://"):
        download_s3_tree(location, dest, env.get("MLFLOW_S3_ENDPOINT_URL"))
        return dest
    local = Path(unquote(urlparse(location).path)) if location.startswith("file:") else None
    path = local or Path(location)
    if not path.is_dir():
        raise ModelLoadError(f"the model location {location} is not a directory on this host")
    return path


def resolve_model(uri: str, dest: Path, env: Mapping[str, str]) -> Path:
    """A local directory holding the model named by ``uri`` (downloaded into ``dest``)."""
    scheme = urlparse(uri).scheme
    if scheme not in REMOTE_SCHEMES:
        return _fetch(None, uri, dest, env)
    client = TrackingClient.from_env(env)
    rest = uri.split(":", 1)[1]
    if scheme == "models":
        location = _models_location(client, rest)
    elif scheme == "runs":
        location = _runs_location(client, rest)
    else:
        location = uri
    return _fetch(client, location, dest, env)
