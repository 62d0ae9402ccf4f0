"""Request bodies streamed into an artifact writer, chunk by chunk, never whole in memory."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from runhub.artifacts.store import ArtifactWriter
from runhub.errors import BadRequest, InvalidParameter

# Bytes gathered from the socket before one write to storage (fewer thread hops per file).
FLUSH_BYTES = 1024 * 1024


def _write_whole(open_writer: Callable[[], ArtifactWriter], data: bytes) -> str:
    writer = open_writer()
    try:
        writer.write(data)
        return writer.commit()
    except BaseException:
        writer.abort()
        raise


async def stream_into(
    request: Request, open_writer: Callable[[], ArtifactWriter], max_bytes: int | None = None
) -> str:
    """Write the request body into a writer from ``open_writer`` and commit; returns the ETag.

    A body smaller than ``FLUSH_BYTES`` is stored in one step off the event loop. A larger one
    is written as it arrives, one buffer being written while the next is received, so at most
    two buffers are held. The writer is aborted when anything fails: nothing partial stays.
    A body longer than ``max_bytes`` is refused with 400.
    """
    pending: list[bytes] = []
    size = total = 0
    writer: ArtifactWriter | None = None
    writing: asyncio.Future[None] | None = None
    try:
        async for chunk in request.stream():
            pending.append(chunk)
            size += len(chunk)
            total += len(chunk)
            if max_bytes is not None and total > max_bytes:
                raise InvalidParameter(f"The artifact is larger than {max_bytes} bytes.")
            if size >= FLUSH_BYTES:
                if writer is None:
                    writer = await run_in_threadpool(open_writer)
                if writing is not None:
                    await writing
                data, pending, size = b"".join(pending), [], 0
                writing = asyncio.ensure_future(run_in_threadpool(writer.write, data))
        if writer is None:
            return await run_in_threadpool(_write_whole, open_writer, b"".join(pending))
        if writing is not None:
            await writing
            writing = None
        if pending:
            await run_in_threadpool(writer.write, b"".join(pending))
        return await run_in_threadpool(writer.commit)
    except ClientDisconnect:
        await _abort(writer, writing)
        raise BadRequest("The client closed the connection before the upload finished.") from None
    except BaseException:
        await _abort(writer, writing)
        raise


async def _abort(writer: ArtifactWriter | None, writing: asyncio.Future[None] | None) -> None:
    # A write still running in its thread must finish before the file is closed under it.
    if writing is not None:
        await asyncio.wait([writing])
    if writer is not None:
        writer.abort()
