"""Multipart uploads on a local directory: parts staged per upload, joined on complete.

Each upload has its own staging directory named by a random id, holding a ``target`` file (the
artifact path it was created for) and one file per part. Complete joins the parts in order into
the target; abort removes the directory. An upload that is neither completed nor aborted (its
client died) is removed by :meth:`LocalMultipart.sweep` once no part has arrived for
``STALE_AFTER_S`` (the store's staging sweeper calls it).
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
import zlib
from collections.abc import Sequence
from pathlib import Path

from runhub.artifacts.store import MAX_PARTS, ArtifactWriter, UploadedPart
from runhub.errors import InvalidParameter, NotFound

_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
COPY_CHUNK = 4 * 1024 * 1024
STALE_AFTER_S = 24 * 3600  # S3 buckets leave this to a lifecycle rule; a directory has none


class LocalMultipart:
    """The staging directories of multipart uploads under ``base``."""

    def __init__(self, base: Path, stale_after_s: float = STALE_AFTER_S) -> None:
        self.base = base
        self.base.mkdir(parents=True, exist_ok=True)
        self.stale_after_s = stale_after_s

    def upload_dirs(self) -> list[Path]:
        """The staging directories of the uploads in progress."""
        return [d for d in self.base.iterdir() if _UPLOAD_ID.match(d.name) and d.is_dir()]

    def sweep(self, now: float | None = None) -> list[str]:
        """Remove uploads whose last part arrived over ``stale_after_s`` ago; their ids."""
        now = time.time() if now is None else now
        removed = []
        for directory in self.base.iterdir():
            try:
                idle = now - directory.stat().st_mtime
            except FileNotFoundError:  # completed or aborted meanwhile
                continue
            stale = idle > self.stale_after_s
            if stale and _UPLOAD_ID.match(directory.name) and directory.is_dir():
                shutil.rmtree(directory, ignore_errors=True)
                removed.append(directory.name)
        return removed

    def create(self, path: str) -> str:
        upload_id = uuid.uuid4().hex
        directory = self.base / upload_id
        directory.mkdir()
        (directory / "target").write_text(path, encoding="utf-8")
        return upload_id

    def upload_dir(self, upload_id: str) -> Path:
        if not _UPLOAD_ID.match(upload_id):
            raise InvalidParameter(f"Invalid upload_id '{upload_id[:64]}'.")
        directory = self.base / upload_id
        if not directory.is_dir():
            raise NotFound(f"Multipart upload '{upload_id}' does not exist or has ended.")
        return directory

    @staticmethod
    def part_path(directory: Path, part_number: int) -> Path:
        if not 1 <= part_number <= MAX_PARTS:
            raise InvalidParameter(f"part_number must be between 1 and {MAX_PARTS}.")
        return directory / f"{part_number:05d}.bin"

    def check_target(self, upload_id: str, path: str) -> Path:
        directory = self.upload_dir(upload_id)
        if (directory / "target").read_text(encoding="utf-8") != path:
            raise InvalidParameter(f"Multipart upload '{upload_id}' is not for path '{path}'.")
        return directory

    def assemble(
        self, path: str, upload_id: str, parts: Sequence[UploadedPart], out: ArtifactWriter
    ) -> None:
        """Write the parts, in part-number order, into ``out``."""
        directory = self.check_target(upload_id, path)
        if not parts:
            raise InvalidParameter("A multipart upload needs at least one part.")
        numbers = [p.part_number for p in parts]
        if len(set(numbers)) != len(numbers):
            raise InvalidParameter("Multipart upload parts are listed more than once.")
        for part in sorted(parts, key=lambda p: p.part_number):
            source = self.part_path(directory, part.part_number)
            if not source.is_file():
                raise InvalidParameter(f"Part {part.part_number} was never uploaded.")
            crc, size = 0, 0
            with source.open("rb") as f:
                while chunk := f.read(COPY_CHUNK):
                    out.write(chunk)
                    crc, size = zlib.crc32(chunk, crc), size + len(chunk)
            etag = part.etag.strip('"')
            if etag and etag != f"{crc:08x}-{size}":
                raise InvalidParameter(
                    f"Part {part.part_number} does not match its ETag '{part.etag}'."
                )

    def discard(self, upload_id: str) -> None:
        shutil.rmtree(self.upload_dir(upload_id), ignore_errors=True)
