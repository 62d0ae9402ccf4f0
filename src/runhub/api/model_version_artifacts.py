"""``GET /model-versions/get-artifact``: one file of a registered model version (the UI's
download link, mlflow-api.md §1.21)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.artifacts import send_file
from runhub.api.declaration import ANY_FILE, JSON, Declaration, declare
from runhub.api.endpoint import json_response
from runhub.api.model_artifacts import runs_uri_root
from runhub.api.wire import Field
from runhub.artifacts.locations import destination_path
from runhub.artifacts.paths import clean_path, join_paths
from runhub.errors import InvalidParameter, NotImplementedYet
from runhub.store.stores import Stores


def _required(request: Request, name: str) -> str:
    value = request.query_params.get(name, "")
    if not value:
        raise InvalidParameter(f"Missing value for required parameter '{name}'.")
    return value


def version_artifact_root(stores: Stores, name: str, version: str) -> str:
    """Where the version's files live inside the artifact destination."""
    uri = stores.model_versions.get_model_version_download_uri(name, version)
    if uri.startswith("runs:/"):  # the run's files, or the run's logged model of that name
        return runs_uri_root(stores, uri)
    root = destination_path(uri, stores.artifacts.uri)
    if root is None:
        raise InvalidParameter(
            f"The files of model '{name}' version {version} live at {uri}, outside this "
            "server's artifact destination; the client reads them there directly."
        )
    return root


# ``presigned=true`` answers with a presigned URL (JSON) instead of the file.
VERSION_FILE = (
    Field("name", required=True),
    Field("version", required=True),
    Field("path", required=True),
    Field("presigned", "bool"),
)


@declare(Declaration(query=VERSION_FILE, answers=(ANY_FILE, JSON), ranges=True))
async def get_model_version_artifact(request: Request) -> Response:
    name, version = _required(request, "name"), _required(request, "version")
    path = clean_path(_required(request, "path"))
    stores: Stores = request.app.state.stores
    root = await run_in_threadpool(version_artifact_root, stores, name, version)
    full = join_paths(root, path)
    if request.query_params.get("presigned", "").lower() == "true":
        if not stores.artifacts.presigns:
            raise NotImplementedYet("The artifact destination cannot presign URLs (needs s3://).")
        signed = await run_in_threadpool(stores.artifacts.presign_download, full)
        return json_response(
            {"url": signed.url, "headers": signed.headers, "file_size": signed.file_size}
        )
    return await send_file(request, stores.artifacts, full)
