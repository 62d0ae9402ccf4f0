"""Run-scoped artifact routes: the run's listing (mlflow-api.md §1.5), presigned URLs, and the
UI's ``/get-artifact`` download (§1.21)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.artifact_streams import stream_into
from runhub.api.artifacts import entries_json, send_file
from runhub.api.declaration import ANY_FILE, Declaration, declare
from runhub.api.endpoint import json_response
from runhub.api.runs import run_id_of
from runhub.api.wire import Field
from runhub.artifacts.locations import destination_path
from runhub.artifacts.paths import clean_path, join_paths
from runhub.artifacts.store import ArtifactStore
from runhub.errors import InvalidParameter, NotImplementedYet
from runhub.store.stores import Stores

LIST = (Field("run_id"), Field("run_uuid"), Field("path"), Field("page_token"))
PRESIGNED_UPLOAD = (
    Field("run_id"),
    Field("model_id"),
    Field("path", required=True),
    Field("expiration", "int"),
)
PRESIGNED_DOWNLOAD = (Field("run_id", required=True), Field("path", required=True))
# The UI's direct upload takes small files only, as MLflow's does.
UI_UPLOAD_LIMIT = 10 * 1024 * 1024
# The query of the UI's upload and download: a run (either name) and a path in its artifacts.
RUN_FILE = (Field("run_id"), Field("run_uuid"), Field("path", required=True))


def run_artifact_root(stores: Stores, run_id: str) -> tuple[str, str]:
    """The run's ``artifact_uri`` and its path inside the artifact destination."""
    uri = stores.runs.get_run(run_id).info.artifact_uri
    root = destination_path(uri, stores.artifacts.uri)
    if root is None:
        raise InvalidParameter(
            f"The artifacts of run {run_id} live at {uri}, outside this server's artifact "
            "destination; the client reads and writes them there directly."
        )
    return uri, root


def in_mlruns_tree(stores: Stores, uri: str) -> str | None:
    """The path of a ``file:`` artifact URI inside a file store's mlruns tree, else None."""
    if stores.run_folders is None or urlparse(uri).scheme not in ("", "file"):
        return None
    return destination_path(uri, stores.run_folders.uri)


def readable_run_artifacts(stores: Stores, run_id: str) -> tuple[str, ArtifactStore, str]:
    """Like :func:`run_artifact_root`, also finding artifacts in a file store's run folders."""
    if stores.run_folders is not None:
        uri = stores.runs.get_run(run_id).info.artifact_uri
        root = in_mlruns_tree(stores, uri)
        if root is not None:
            return uri, stores.run_folders, root
    uri, root = run_artifact_root(stores, run_id)
    return uri, stores.artifacts, root


def list_run_artifacts(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    uri, store, root = readable_run_artifacts(stores, run_id_of(msg))
    sub = clean_path(msg["path"] or "")
    entries = store.list_dir(join_paths(root, sub))
    out: dict[str, Any] = {"root_uri": uri}
    if entries:
        out["files"] = entries_json(entries, sub)
    return out


def _presigning_store(stores: Stores) -> None:
    if not stores.artifacts.presigns:
        raise NotImplementedYet(
            "The artifact destination cannot presign URLs; presigned URLs need an s3:// "
            "destination."
        )


def presigned_upload_url(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    _presigning_store(stores)
    if not msg["run_id"]:
        raise InvalidParameter("Missing value for required parameter 'run_id'.")
    _, root = run_artifact_root(stores, msg["run_id"])
    signed = stores.artifacts.presign_upload(join_paths(root, clean_path(msg["path"])))
    return {"presigned_url": signed.url, "headers": signed.headers}


def presigned_download_url(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    _presigning_store(stores)
    _, root = run_artifact_root(stores, msg["run_id"])
    signed = stores.artifacts.presign_download(join_paths(root, clean_path(msg["path"])))
    return {"presigned_url": signed.url, "headers": signed.headers, "file_size": signed.file_size}


@declare(Declaration(query=RUN_FILE, body=("application/octet-stream",)))
async def upload_run_artifact(request: Request) -> Response:
    """``POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=``: the UI's small upload."""
    query = request.query_params
    run_id = run_id_of({"run_id": query.get("run_id"), "run_uuid": query.get("run_uuid")})
    path = clean_path(query.get("path", ""))
    if not path:
        raise InvalidParameter("Missing value for required parameter 'path'.")
    stores: Stores = request.app.state.stores
    _, root = await run_in_threadpool(run_artifact_root, stores, run_id)
    target = join_paths(root, path)
    await stream_into(request, lambda: stores.artifacts.writer(target), UI_UPLOAD_LIMIT)
    return json_response({})


@declare(Declaration(query=RUN_FILE, answers=(ANY_FILE,), ranges=True))
async def get_artifact(request: Request) -> Response:
    """``GET /get-artifact?run_id=&path=``: one run artifact as an attachment."""
    query = request.query_params
    run_id = run_id_of({"run_id": query.get("run_id"), "run_uuid": query.get("run_uuid")})
    stores: Stores = request.app.state.stores
    _, store, root = await run_in_threadpool(readable_run_artifacts, stores, run_id)
    path = clean_path(query.get("path", ""))
    if not path:
        raise InvalidParameter("Missing value for required parameter 'path'.")
    return await send_file(request, store, join_paths(root, path))
