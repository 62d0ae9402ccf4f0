"""Streaming an artifact file to the client: whole or one byte range, with safe headers."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import orjson
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.responses import Response, StreamingResponse

from runhub.artifacts.ranges import RangeNotSatisfiable, parse_range
from runhub.artifacts.store import ArtifactStore
from runhub.errors import NotFound, error_json

# Files up to this size are read in one go and sent as one body.
SMALL_FILE = 256 * 1024

# Types a browser would run or render as a page are sent as plain text, so an artifact can never
# script the UI's origin.
_ACTIVE_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/javascript",
    "application/javascript",
    "text/xml",
    "application/xml",
}
_TEXT_SUFFIXES = (".txt", ".log", ".md", ".yaml", ".yml", ".py", ".cfg", ".ini", ".toml")


def content_type(filename: str) -> str:
    """The Content-Type to send ``filename`` with."""
    if filename.endswith(_TEXT_SUFFIXES) or filename == "MLmodel":
        return "text/plain; charset=utf-8"
    guessed, _ = mimetypes.guess_type(filename)
    if guessed is None:
        return "application/octet-stream"
    if guessed in _ACTIVE_TYPES:
        return "text/plain; charset=utf-8"
    return guessed


def _disposition(filename: str) -> str:
    plain = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


@dataclass(frozen=True)
class _Plan:
    """What to send: status, headers, and the body as bytes (small) or chunks (large)."""

    status: int
    headers: dict[str, str]
    body: bytes | None = None
    chunks: Iterator[bytes] | None = None


def _plan(store: ArtifactStore, path: str, range_header: str | None) -> _Plan:
    # One trip off the event loop: look the file up, and read it now when it is small.
    entry = store.stat(path) if path else None
    if entry is None or entry.is_dir:
        raise NotFound(f"Artifact '{path}' does not exist or is a directory.")
    size = entry.size or 0
    headers = {
        "Content-Disposition": _disposition(path.rsplit("/", 1)[-1]),
        "X-Content-Type-Options": "nosniff",
        "Accept-Ranges": "bytes",
    }
    try:
        wanted = parse_range(range_header, size) if size else None
    except RangeNotSatisfiable:
        # HTTP's status and Content-Range, with a body in the API's one error shape.
        headers["Content-Range"] = f"bytes */{size}"
        message = f"The requested range {range_header!r} is outside the {size}-byte artifact."
        return _Plan(
            416, headers, body=orjson.dumps(error_json("INVALID_PARAMETER_VALUE", message))
        )
    status, first, length = 200, 0, size
    if wanted is not None:
        status, first, length = 206, wanted[0], wanted[1] - wanted[0] + 1
        headers["Content-Range"] = f"bytes {first}-{wanted[1]}/{size}"
    headers["Content-Length"] = str(length)
    if length == 0:
        return _Plan(status, headers, body=b"")
    chunks = store.read(path, first, length if status == 206 else None)
    if length <= SMALL_FILE:
        return _Plan(status, headers, body=b"".join(chunks))
    return _Plan(status, headers, chunks=chunks)


async def file_response(store: ArtifactStore, path: str, range_header: str | None) -> Response:
    """A response with file ``path`` (404 when missing), honouring a single byte range."""
    plan = await run_in_threadpool(_plan, store, path, range_header)
    media_type = content_type(path.rsplit("/", 1)[-1]) if plan.status != 416 else "application/json"
    if plan.chunks is None:
        response = Response(plan.body, plan.status, media_type=media_type)
        response.headers.update(plan.headers)
        return response
    return StreamingResponse(
        iterate_in_threadpool(plan.chunks), plan.status, plan.headers, media_type
    )
