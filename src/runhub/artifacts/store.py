"""The one interface every artifact store implements, and the values it passes around.

Paths given to a store are relative to its root and already cleaned by
:func:`runhub.artifacts.paths.clean_path`; stores confine them once more before any I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

# Largest number of parts one multipart upload may have (the S3 limit).
MAX_PARTS = 10_000


@dataclass(frozen=True)
class FileEntry:
    """One entry of a directory listing: its name in that directory."""

    name: str
    is_dir: bool
    size: int | None = None


@dataclass(frozen=True)
class UploadedPart:
    """A part the client says it uploaded, with the ETag it got back."""

    part_number: int
    etag: str


@dataclass(frozen=True)
class MultipartUpload:
    """A started multipart upload; ``part_urls`` are set when parts go straight to the store."""

    upload_id: str
    part_urls: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PresignedUrl:
    """A URL that reads or writes one object without going through the server."""

    url: str
    headers: dict[str, str]
    file_size: int | None = None


class ArtifactWriter(Protocol):
    """Receives one file's bytes in order; nothing is visible until :meth:`commit`."""

    def write(self, data: bytes) -> None: ...

    def commit(self) -> str:
        """Make the file visible; returns its ETag (may be empty)."""
        ...

    def abort(self) -> None: ...


class ArtifactStore(Protocol):
    """Files under one root: a local directory or an object-store prefix."""

    uri: str
    # True when presigned URLs reach the storage directly, without this server.
    presigns: bool

    def list_dir(self, path: str) -> list[FileEntry]:
        """Entries directly under ``path``, sorted by name; ``[]`` for a file or nothing."""
        ...

    def stat(self, path: str) -> FileEntry | None:
        """What ``path`` is, or ``None`` when nothing is there."""
        ...

    def read(self, path: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        """The bytes of file ``path`` from ``start``, ``length`` of them (or to the end)."""
        ...

    def writer(self, path: str) -> ArtifactWriter:
        """A writer that creates or replaces file ``path``."""
        ...

    def delete(self, path: str) -> None:
        """Remove file or directory ``path`` and everything under it; missing is not an error."""
        ...

    def create_multipart(self, path: str, num_parts: int) -> MultipartUpload: ...

    def part_writer(self, upload_id: str, part_number: int) -> ArtifactWriter:
        """A writer for one part uploaded through this server (stores that do not presign)."""
        ...

    def complete_multipart(
        self, path: str, upload_id: str, parts: Sequence[UploadedPart]
    ) -> None: ...

    def abort_multipart(self, path: str, upload_id: str) -> None: ...

    def presign_download(self, path: str) -> PresignedUrl:
        """A direct download URL for file ``path`` (stores that presign)."""
        ...

    def presign_upload(self, path: str) -> PresignedUrl:
        """A direct upload URL for file ``path`` (stores that presign)."""
        ...
