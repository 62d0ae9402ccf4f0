"""Health, version and server capabilities (mlflow-api.md §1.21)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from runhub import __version__
from runhub.api.artifacts import artifact_capabilities
from runhub.api.declaration import Declaration, declare
from runhub.api.endpoint import json_response
from runhub.build_info import build_commit

# /version answers with the MLflow protocol release runhub is compatible with, because clients
# read it as an MLflow version to decide which features the server has.
MLFLOW_PROTOCOL_VERSION = "3.18.0"


@declare(Declaration(answers=("text/plain",), errors=False))
async def health(_request: Request) -> Response:
    return PlainTextResponse("OK")


@declare(Declaration(answers=("text/plain",)))
async def version(_request: Request) -> Response:
    return PlainTextResponse(MLFLOW_PROTOCOL_VERSION)


@declare(Declaration())
async def server_info(request: Request) -> Response:
    # Advertise only what this server really does; clients pick code paths from these flags.
    artifacts = artifact_capabilities(request)
    return json_response(
        {
            "store_type": "SqlStore" if request.app.state.stores.db is not None else "FileStore",
            "server": "runhub",
            "runhub_version": __version__,
            "runhub_commit": build_commit(),
            "workspaces_enabled": False,
            "trace_archival_enabled": False,
            "multipart_uploads_enabled": artifacts["multipart_uploads_enabled"],
            "multipart_downloads_enabled": artifacts["multipart_downloads_enabled"],
            "artifact_serving_enabled": artifacts["artifact_serving_enabled"],
            "presigned_upload_run_id_supported": artifacts["presigned_upload_run_id_supported"],
            "presigned_upload_model_id_supported": False,
            "model_artifact_presigned_downloads_supported": False,
            "features_enabled": {"gateway": False, "scheduled_issue_detection": False},
            "tracking_auth": False,
            "artifacts_presigned_only": artifacts["artifacts_presigned_only"],
        }
    )
