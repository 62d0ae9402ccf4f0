"""The last line behind the length checks of :mod:`runhub.artifacts.paths`.

A file system may hold shorter names than the checks allow (eCryptfs, some network mounts), or a
symbolic link may lengthen a path after it was checked; the OS then raises ``ENAMETOOLONG``.
:class:`NameLengthGuard` turns that, from any call of the store it wraps, into the same 400 the
checks give, so no path a client sends can end in a 500.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from runhub.artifacts.store import (
    ArtifactStore,
    ArtifactWriter,
    FileEntry,
    MultipartUpload,
    PresignedUrl,
    UploadedPart,
)
from runhub.errors import InvalidParameter


@contextmanager
def too_long_is_invalid(path: str) -> Iterator[None]:
    """Re-raise an OS "file name too long" error for ``path`` as :class:`InvalidParameter`."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        raise InvalidParameter(
            f"Invalid path '{path[:200]}': it is longer than the artifact storage accepts "
            "(a name or the whole path)."
        ) from None


def _guarded_chunks(chunks: Iterator[bytes], path: str) -> Iterator[bytes]:
    with too_long_is_invalid(path):
        yield from chunks


class _GuardedWriter:
    def __init__(self, inner: ArtifactWriter, path: str) -> None:
        self.inner, self.path = inner, path

    def write(self, data: bytes) -> None:
        with too_long_is_invalid(self.path):
            self.inner.write(data)

    def commit(self) -> str:
        with too_long_is_invalid(self.path):
            return self.inner.commit()

    def abort(self) -> None:
        self.inner.abort()


class NameLengthGuard:
    """``inner`` with ``ENAMETOOLONG`` answered as 400 ``INVALID_PARAMETER_VALUE``."""

    def __init__(self, inner: ArtifactStore) -> None:
        self.inner = inner
        self.uri = inner.uri
        self.presigns = inner.presigns

    def list_dir(self, path: str) -> list[FileEntry]:
        with too_long_is_invalid(path):
            return self.inner.list_dir(path)

    def stat(self, path: str) -> FileEntry | None:
        with too_long_is_invalid(path):
            return self.inner.stat(path)

    def read(self, path: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        with too_long_is_invalid(path):
            return _guarded_chunks(self.inner.read(path, start, length), path)

    def writer(self, path: str) -> ArtifactWriter:
        with too_long_is_invalid(path):
            return _GuardedWriter(self.inner.writer(path), path)

    def delete(self, path: str) -> None:
        with too_long_is_invalid(path):
            self.inner.delete(path)

    def create_multipart(self, path: str, num_parts: int) -> MultipartUpload:
        with too_long_is_invalid(path):
            return self.inner.create_multipart(path, num_parts)

    def part_writer(self, upload_id: str, part_number: int) -> ArtifactWriter:
        return self.inner.part_writer(upload_id, part_number)

    def complete_multipart(self, path: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        with too_long_is_invalid(path):
            self.inner.complete_multipart(path, upload_id, parts)

    def abort_multipart(self, path: str, upload_id: str) -> None:
        with too_long_is_invalid(path):
            self.inner.abort_multipart(path, upload_id)

    def presign_download(self, path: str) -> PresignedUrl:
        with too_long_is_invalid(path):
            return self.inner.presign_download(path)

    def presign_upload(self, path: str) -> PresignedUrl:
        with too_long_is_invalid(path):
            return self.inner.presign_upload(path)
