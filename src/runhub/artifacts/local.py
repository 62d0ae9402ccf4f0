"""Artifacts in a local directory.

Uploads are written to a staging area inside the root and moved into place on commit, so a
reader never sees half a file and an interrupted upload leaves nothing behind (what a killed
server leaves is swept: :mod:`runhub.artifacts.local_staging`).

With ``durable`` the file and its directory are flushed to disk (``fsync``) before the commit
returns, so an acknowledged upload survives power loss; without it, a process crash loses
nothing, a power loss may lose the last uploads. A full disk raises
:class:`~runhub.errors.StorageFull` and the partial file is removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from runhub.artifacts.local_multipart import LocalMultipart
from runhub.artifacts.local_staging import PART_SUFFIX, StagingSweeper, hold_while_writing
from runhub.artifacts.paths import confine
from runhub.artifacts.store import (
    FileEntry,
    MultipartUpload,
    PresignedUrl,
    UploadedPart,
)
from runhub.errors import (
    ARTIFACT_STORE,
    InvalidParameter,
    NotFound,
    NotImplementedYet,
    out_of_space_is_storage_full,
)

READ_CHUNK = 1024 * 1024
# Reserved top-level directory for uploads in progress; never listed, never addressable.
STAGING_DIR = ".runhub-staging"


def _make_dirs(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; the ones created, outermost first."""
    missing = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    directory.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":  # directories cannot be opened there; NTFS journals renames itself
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalWriter:
    """Writes one file to a staging path and moves it to ``target`` on commit.

    With ``checksum`` (multipart parts) the ETag is the CRC-32 and size of the bytes written.
    With ``durable`` the commit returns once the file and its directory entry are on disk.
    """

    def __init__(
        self, staging: Path, target: Path, checksum: bool = False, durable: bool = False
    ) -> None:
        self.target = target
        self.checksum = checksum
        self.durable = durable
        self.temp = staging / f"{uuid.uuid4().hex}{PART_SUFFIX}"
        with out_of_space_is_storage_full(ARTIFACT_STORE):
            self._file: BinaryIO | None = self.temp.open("wb")
        hold_while_writing(self._file)
        self._crc = 0
        self._size = 0

    def write(self, data: bytes) -> None:
        assert self._file is not None
        with out_of_space_is_storage_full(ARTIFACT_STORE):
            self._file.write(data)
        if self.checksum:
            self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)

    def commit(self) -> str:
        """Move the file into place; on any failure (a full disk too) nothing is left behind."""
        assert self._file is not None
        try:
            with out_of_space_is_storage_full(ARTIFACT_STORE):
                self._flush_and_close()
                self._move_into_place()
        except BaseException:
            self.abort()
            raise
        return f"{self._crc:08x}-{self._size}" if self.checksum else ""

    def _flush_and_close(self) -> None:
        assert self._file is not None
        file, self._file = self._file, None
        with file:
            file.flush()
            if self.durable:
                os.fsync(file.fileno())

    def _move_into_place(self) -> None:
        try:
            created = _make_dirs(self.target.parent)
            os.replace(self.temp, self.target)
        except (NotADirectoryError, FileExistsError):
            raise InvalidParameter(
                "Invalid path: a parent of the artifact is an existing file."
            ) from None
        except IsADirectoryError:
            raise InvalidParameter(
                "Invalid path: the artifact path is an existing directory."
            ) from None
        if self.durable:
            for directory in [*(d.parent for d in created), self.target.parent]:
                _fsync_dir(directory)

    def abort(self) -> None:
        try:
            if self._file is not None:
                file, self._file = self._file, None
                with contextlib.suppress(OSError):  # flushing onto a full disk fails
                    file.close()
        finally:
            self.temp.unlink(missing_ok=True)


class LocalArtifactStore:
    """Files under ``root`` (created when missing); what crashed uploads left in its staging
    area is removed now and then periodically. ``durable`` flushes every upload to disk."""

    presigns = False

    def __init__(self, root: str | Path, durable: bool = False) -> None:
        self.root = Path(root).resolve()
        self.uri = str(self.root)
        self.durable = durable
        self.staging = self.root / STAGING_DIR
        self.staging.mkdir(parents=True, exist_ok=True)
        self.multipart = LocalMultipart(self.staging / "multipart")
        self.sweeper = StagingSweeper(self.staging, self.multipart)
        self.sweeper.sweep_if_due()

    def _path(self, path: str) -> Path:
        if path.split("/", 1)[0] == STAGING_DIR:
            raise InvalidParameter(f"Invalid path '{path}': '{STAGING_DIR}' is reserved.")
        return confine(self.root, path)

    def list_dir(self, path: str) -> list[FileEntry]:
        directory = self._path(path)
        if not directory.is_dir():
            return []
        out = []
        with os.scandir(directory) as it:
            for entry in it:
                if directory == self.root and entry.name == STAGING_DIR:
                    continue
                if entry.is_dir():
                    out.append(FileEntry(entry.name, True))
                elif entry.is_file():
                    out.append(FileEntry(entry.name, False, entry.stat().st_size))
        return sorted(out, key=lambda e: e.name)

    def stat(self, path: str) -> FileEntry | None:
        target = self._path(path)
        if target.is_dir():
            return FileEntry(target.name, True)
        if target.is_file():
            return FileEntry(target.name, False, target.stat().st_size)
        return None

    def read(self, path: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        target = self._path(path)
        if not target.is_file():
            raise NotFound(f"Artifact '{path}' does not exist.")
        return _read_file(target, start, length)

    def writer(self, path: str) -> LocalWriter:
        if not path:
            raise InvalidParameter("Invalid path: an artifact needs a file name.")
        target = self._path(path)
        self.sweeper.sweep_if_due()
        return LocalWriter(self.staging, target, durable=self.durable)

    def delete(self, path: str) -> None:
        target = self._path(path)
        if target == self.root:
            for entry in self.list_dir(""):
                self.delete(entry.name)
        elif target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()

    def create_multipart(self, path: str, num_parts: int) -> MultipartUpload:
        self._path(path)
        self.sweeper.sweep_if_due()
        with out_of_space_is_storage_full(ARTIFACT_STORE):
            return MultipartUpload(self.multipart.create(path))

    def part_writer(self, upload_id: str, part_number: int) -> LocalWriter:
        directory = self.multipart.upload_dir(upload_id)
        part = self.multipart.part_path(directory, part_number)
        self.sweeper.sweep_if_due()
        return LocalWriter(directory, part, checksum=True, durable=self.durable)

    def complete_multipart(self, path: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        target = self._path(path)
        writer = LocalWriter(self.staging, target, durable=self.durable)
        try:
            self.multipart.assemble(path, upload_id, parts, writer)
        except BaseException:
            writer.abort()
            raise
        writer.commit()
        self.multipart.discard(upload_id)

    def abort_multipart(self, path: str, upload_id: str) -> None:
        self.multipart.check_target(upload_id, path)
        self.multipart.discard(upload_id)

    def presign_download(self, path: str) -> PresignedUrl:
        raise NotImplementedYet("A local artifact store cannot presign URLs.")

    def presign_upload(self, path: str) -> PresignedUrl:
        raise NotImplementedYet("A local artifact store cannot presign URLs.")


def _read_file(target: Path, start: int, length: int | None) -> Iterator[bytes]:
    with target.open("rb") as f:
        f.seek(start)
        remaining = length
        while remaining is None or remaining > 0:
            size = READ_CHUNK if remaining is None else min(READ_CHUNK, remaining)
            chunk = f.read(size)
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk
