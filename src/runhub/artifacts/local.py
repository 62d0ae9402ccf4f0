"""Artifacts in a local directory.

Uploads are written to a staging area inside the root and moved into place on commit, so a
reader never sees half a file and an interrupted upload leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import uuid
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from runhub.artifacts.local_multipart import LocalMultipart
from runhub.artifacts.paths import confine
from runhub.artifacts.store import (
    FileEntry,
    MultipartUpload,
    PresignedUrl,
    UploadedPart,
)
from runhub.errors import InvalidParameter, NotFound, NotImplementedYet

READ_CHUNK = 1024 * 1024
# Reserved top-level directory for uploads in progress; never listed, never addressable.
STAGING_DIR = ".runhub-staging"


class LocalWriter:
    """Writes one file to a staging path and moves it to ``target`` on commit.

    With ``checksum`` (multipart parts) the ETag is the CRC-32 and size of the bytes written.
    """

    def __init__(self, staging: Path, target: Path, checksum: bool = False) -> None:
        self.target = target
        self.checksum = checksum
        self.temp = staging / f"{uuid.uuid4().hex}.part"
        self._file: BinaryIO | None = self.temp.open("wb")
        self._crc = 0
        self._size = 0

    def write(self, data: bytes) -> None:
        assert self._file is not None
        self._file.write(data)
        if self.checksum:
            self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)

    def commit(self) -> str:
        assert self._file is not None
        self._file.close()
        self._file = None
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.temp, self.target)
        except (NotADirectoryError, FileExistsError):
            self.temp.unlink(missing_ok=True)
            raise InvalidParameter(
                "Invalid path: a parent of the artifact is an existing file."
            ) from None
        except IsADirectoryError:
            self.temp.unlink(missing_ok=True)
            raise InvalidParameter(
                "Invalid path: the artifact path is an existing directory."
            ) from None
        return f"{self._crc:08x}-{self._size}" if self.checksum else ""

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.temp.unlink(missing_ok=True)


class LocalArtifactStore:
    """Files under ``root`` (created when missing)."""

    presigns = False

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.uri = str(self.root)
        self.staging = self.root / STAGING_DIR
        self.staging.mkdir(parents=True, exist_ok=True)
        self.multipart = LocalMultipart(self.staging / "multipart")

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
        return LocalWriter(self.staging, self._path(path))

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
        return MultipartUpload(self.multipart.create(path))

    def part_writer(self, upload_id: str, part_number: int) -> LocalWriter:
        directory = self.multipart.upload_dir(upload_id)
        part = self.multipart.part_path(directory, part_number)
        return LocalWriter(directory, part, checksum=True)

    def complete_multipart(self, path: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        target = self._path(path)
        writer = LocalWriter(self.staging, target)
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
