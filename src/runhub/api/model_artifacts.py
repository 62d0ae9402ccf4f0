"""Files of logged models, and of ``runs:/`` model-version sources: the UI's listing and
downloads (§1.8, §1.21).

Paths are cleaned and confined to the model's artifact root inside the artifact destination
(or, on a file store, inside the mlruns tree).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.artifacts import entries_json, send_file
from runhub.api.declaration import ANY_FILE, Declaration, declare
from runhub.api.run_artifacts import in_mlruns_tree
from runhub.api.wire import Field
from runhub.artifacts.locations import destination_path
from runhub.artifacts.paths import clean_path, join_paths
from runhub.artifacts.store import ArtifactStore
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

LIST_ARTIFACTS = (Field("model_id"), Field("artifact_directory_path"), Field("page_token"))


def _managed_root(stores: Stores, uri: str, what: str) -> str:
    root = destination_path(uri, stores.artifacts.uri)
    if root is None:
        raise InvalidParameter(
            f"The artifacts of {what} live at {uri}, outside this server's artifact "
            "destination; the client reads them there directly."
        )
    return root


def logged_model_root(stores: Stores, model_id: str) -> tuple[str, ArtifactStore, str]:
    """The logged model's artifact URI, the store holding its files and its path there: the
    artifact destination, or a file store's model folder (written by the client directly)."""
    uri = stores.logged_models.get_logged_model(model_id).artifact_uri
    in_tree = in_mlruns_tree(stores, uri)
    if stores.run_folders is not None and in_tree is not None:
        return uri, stores.run_folders, in_tree
    return uri, stores.artifacts, _managed_root(stores, uri, f"logged model {model_id}")


def list_logged_model_artifacts(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    if not msg.get("model_id"):
        raise InvalidParameter("Missing value for required parameter 'model_id'.")
    uri, store, root = logged_model_root(stores, str(msg["model_id"]))
    sub = clean_path(msg["artifact_directory_path"] or "")
    entries = store.list_dir(join_paths(root, sub))
    out: dict[str, Any] = {"root_uri": uri}
    if entries:
        out["files"] = entries_json(entries, sub)
    return out


def _file_path(request: Request, field: str) -> str:
    path = clean_path(request.query_params.get(field, ""))
    if not path:
        raise InvalidParameter(f"Missing value for required parameter '{field}'.")
    return path


@declare(
    Declaration(
        query=(Field("artifact_file_path", required=True),), answers=(ANY_FILE,), ranges=True
    )
)
async def get_logged_model_artifact(request: Request) -> Response:
    """``GET /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files?artifact_file_path=``."""
    stores: Stores = request.app.state.stores
    model_id = str(request.path_params["model_id"])
    path = _file_path(request, "artifact_file_path")
    _, store, root = await run_in_threadpool(logged_model_root, stores, model_id)
    return await send_file(request, store, join_paths(root, path))


def runs_uri_root(stores: Stores, uri: str) -> str:
    """Where a ``runs:/<run>/<path>`` source lives: the run's files at that path, or else the
    logged model of that name produced by the run (how MLflow 3 stores a run's models)."""
    run_id, _, sub = uri.removeprefix("runs:/").strip("/").partition("/")
    info = stores.runs.get_run(run_id).info
    root = _managed_root(stores, info.artifact_uri, f"run {run_id}")
    sub = clean_path(sub)
    candidate = join_paths(root, sub) if sub else root
    name = sub.split("/", 1)[0]
    if not sub or stores.artifacts.stat(candidate) is not None:
        return candidate
    found = stores.logged_models.search_logged_models(
        [info.experiment_id], f"source_run_id = '{run_id}'", [], [], 1000, None
    )
    for model in found.items:
        if model.name == name:
            model_root = _managed_root(stores, model.artifact_uri, f"logged model {name}")
            rest = sub[len(name) :].strip("/")
            return join_paths(model_root, rest) if rest else model_root
    return candidate
