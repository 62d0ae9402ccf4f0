"""The proxied artifact service (mlflow-api.md §1.6): upload, download, list, delete, presign.

Paths in URLs are relative to ``--artifacts-destination`` and are cleaned and confined before
anything touches storage.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.artifact_responses import file_response
from runhub.api.artifact_streams import stream_into
from runhub.api.declaration import ANY_FILE, Declaration, declare
from runhub.api.endpoint import json_response
from runhub.api.wire import Field
from runhub.artifacts.paths import clean_path
from runhub.artifacts.store import ArtifactStore, FileEntry
from runhub.config import Settings
from runhub.errors import InvalidParameter, NotFound, PermissionDenied


class PresignedOnly(PermissionDenied):
    """Proxied transfer refused under ``--artifacts-presigned-only``."""

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "artifacts_presigned_only": True}


def artifact_store(request: Request) -> ArtifactStore:
    store: ArtifactStore = request.app.state.stores.artifacts
    return store


def _refuse_proxied_transfer(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if settings.artifacts_presigned_only:
        raise PresignedOnly(
            "This server only hands out presigned URLs (--artifacts-presigned-only); upload and "
            "download artifacts through multipart or presigned URLs."
        )


def path_param(request: Request) -> str:
    return clean_path(str(request.path_params.get("artifact_path", "")))


def entries_json(entries: list[FileEntry], parent: str = "") -> list[dict[str, Any]]:
    """File infos as the protocol sends them; ``file_size`` is left out for directories."""
    out: list[dict[str, Any]] = []
    for e in entries:
        info: dict[str, Any] = {"path": f"{parent}/{e.name}" if parent else e.name}
        info["is_dir"] = e.is_dir
        if not e.is_dir:
            info["file_size"] = e.size or 0
        out.append(info)
    return out


async def send_file(request: Request, store: ArtifactStore, path: str) -> Response:
    """Stream file ``path`` of ``store``; 404 when it is missing or a directory."""
    return await file_response(store, path, request.headers.get("range"))


@declare(Declaration(body=("application/octet-stream",)))
async def upload_artifact(request: Request) -> Response:
    _refuse_proxied_transfer(request)
    path = path_param(request)
    if not path:
        raise InvalidParameter("Invalid path: an artifact upload needs a file path.")
    store = artifact_store(request)
    await stream_into(request, lambda: store.writer(path))
    return json_response({})


@declare(Declaration(answers=(ANY_FILE,), ranges=True))
async def download_artifact(request: Request) -> Response:
    _refuse_proxied_transfer(request)
    return await send_file(request, artifact_store(request), path_param(request))


@declare(Declaration(query=(Field("path"),)))
async def list_artifacts(request: Request) -> Response:
    path = clean_path(request.query_params.get("path", ""))
    entries = await run_in_threadpool(artifact_store(request).list_dir, path)
    return json_response({"files": entries_json(entries)} if entries else {})


@declare(Declaration())
async def delete_artifact(request: Request) -> Response:
    path = path_param(request)
    if not path:
        raise InvalidParameter("Invalid path: refusing to delete the whole artifact destination.")
    await run_in_threadpool(artifact_store(request).delete, path)
    return json_response({})


@declare(Declaration())
async def presigned_download(request: Request) -> Response:
    """A URL to fetch one file with byte ranges: the store's own when it presigns, else ours."""
    path = path_param(request)
    store = artifact_store(request)
    if store.presigns:
        signed = await run_in_threadpool(store.presign_download, path)
        return json_response(
            {"url": signed.url, "headers": signed.headers, "file_size": signed.file_size}
        )
    entry = await run_in_threadpool(store.stat, path) if path else None
    if entry is None or entry.is_dir:
        raise NotFound(f"Artifact '{path}' does not exist or is a directory.")
    url = request.url
    base = url.path[: url.path.index("/mlflow-artifacts/presigned/")]
    own = f"{url.scheme}://{url.netloc}{base}/mlflow-artifacts/artifacts/{quote(path)}"
    return json_response({"url": own, "headers": {}, "file_size": entry.size or 0})


def artifact_capabilities(request: Request) -> dict[str, bool]:
    """What ``server-info`` advertises about artifacts; clients choose their code paths by it."""
    settings: Settings = request.app.state.settings
    store = artifact_store(request)
    serving = settings.serve_artifacts
    return {
        "artifact_serving_enabled": serving,
        # Both destinations take multipart uploads: S3 natively, local through mpu/parts.
        "multipart_uploads_enabled": serving,
        # Ranged parallel downloads only pay off when they bypass this server.
        "multipart_downloads_enabled": serving and store.presigns,
        "presigned_upload_run_id_supported": store.presigns,
        "artifacts_presigned_only": settings.artifacts_presigned_only,
    }
