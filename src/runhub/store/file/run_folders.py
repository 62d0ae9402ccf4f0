"""Read access to run artifacts kept in the mlruns tree (the file store's default location).

A run whose ``artifact_uri`` is a ``file:`` URI inside the tree has its artifacts in
``<run folder>/artifacts``; the client writes them there directly, and the server lists and
sends them for the web UI through this store. It never writes: uploads go to the artifact
destination, as for any artifact URI outside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from runhub.artifacts.local import LocalArtifactStore, LocalWriter
from runhub.artifacts.store import MultipartUpload, UploadedPart
from runhub.errors import InvalidParameter


def _read_only() -> NoReturn:
    raise InvalidParameter(
        "Artifacts in the file store's run folders are written by the client directly; "
        "the server only lists and sends them."
    )


class RunFolderFiles(LocalArtifactStore):
    """The mlruns tree as a read-only artifact store."""

    def __init__(self, root: Path) -> None:
        # No staging folder: MLflow would take any extra folder of the root for an experiment.
        self.root = root.resolve()
        self.uri = str(self.root)

    def writer(self, path: str) -> LocalWriter:
        _read_only()

    def delete(self, path: str) -> None:
        _read_only()

    def create_multipart(self, path: str, num_parts: int) -> MultipartUpload:
        _read_only()

    def part_writer(self, upload_id: str, part_number: int) -> LocalWriter:
        _read_only()

    def complete_multipart(self, path: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        _read_only()

    def abort_multipart(self, path: str, upload_id: str) -> None:
        _read_only()
