"""Multipart uploads through the proxied artifact service (mlflow-api.md §1.6).

On S3 the parts go straight to presigned S3 URLs. On a local destination (beyond MLflow, which
answers 501 there) the part URLs point back at this server's ``mpu/parts`` route, so a large
upload never depends on one long request.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from runhub.api.artifact_streams import stream_into
from runhub.api.artifacts import artifact_store, path_param
from runhub.api.declaration import Declaration, declare
from runhub.api.endpoint import json_response, read_message
from runhub.api.wire import Field
from runhub.artifacts.paths import base_name, clean_path, join_paths
from runhub.artifacts.store import MAX_PARTS, UploadedPart
from runhub.errors import InvalidParameter

PART = (Field("part_number", "int"), Field("etag"), Field("url"))
CREATE = (Field("path", required=True), Field("num_parts", "int", required=True))
COMPLETE = (
    Field("path", required=True),
    Field("upload_id", required=True),
    Field("parts", "msg", repeated=True, fields=PART),
)
ABORT = (Field("path", required=True), Field("upload_id", required=True))


def _target(directory: str, msg: dict[str, Any]) -> str:
    """The artifact being uploaded: the URL's directory plus the client file's name."""
    name = clean_path(base_name(msg["path"]))
    if not name:
        raise InvalidParameter(f"Invalid path '{msg['path']}': it names no file.")
    return join_paths(directory, name)


def _parts_url(request: Request, upload_id: str, part_number: int) -> str:
    url = request.url
    base = url.path[: url.path.index("/mlflow-artifacts/mpu/")]
    return f"{url.scheme}://{url.netloc}{base}/mlflow-artifacts/mpu/parts/{upload_id}/{part_number}"


@declare(Declaration(message=CREATE))
async def create_multipart_upload(request: Request) -> Response:
    directory = path_param(request)
    msg = await read_message(request, CREATE)
    num_parts = msg["num_parts"]
    if not 1 <= num_parts <= MAX_PARTS:
        raise InvalidParameter(f"num_parts must be between 1 and {MAX_PARTS}, not {num_parts}.")
    target = _target(directory, msg)
    upload = await run_in_threadpool(artifact_store(request).create_multipart, target, num_parts)
    urls = upload.part_urls or tuple(
        _parts_url(request, upload.upload_id, n) for n in range(1, num_parts + 1)
    )
    credentials = [
        {"url": url, "part_number": number, "headers": {}}
        for number, url in enumerate(urls, start=1)
    ]
    return json_response({"upload_id": upload.upload_id, "credentials": credentials})


@declare(Declaration(body=("application/octet-stream",)))
async def upload_part(request: Request) -> Response:
    upload_id = str(request.path_params["upload_id"])
    part_number = int(request.path_params["part_number"])
    store = artifact_store(request)
    etag = await stream_into(request, lambda: store.part_writer(upload_id, part_number))
    response = json_response({})
    response.headers["ETag"] = f'"{etag}"'
    return response


@declare(Declaration(message=COMPLETE))
async def complete_multipart_upload(request: Request) -> Response:
    directory = path_param(request)
    msg = await read_message(request, COMPLETE)
    parts = [UploadedPart(p["part_number"] or 0, p["etag"] or "") for p in msg["parts"]]
    target = _target(directory, msg)
    store = artifact_store(request)
    await run_in_threadpool(store.complete_multipart, target, msg["upload_id"], parts)
    return json_response({})


@declare(Declaration(message=ABORT))
async def abort_multipart_upload(request: Request) -> Response:
    directory = path_param(request)
    msg = await read_message(request, ABORT)
    target = _target(directory, msg)
    store = artifact_store(request)
    await run_in_threadpool(store.abort_multipart, target, msg["upload_id"])
    return json_response({})
