"""Cleaning the staging area of a local artifact store.

An upload is written to ``<root>/.runhub-staging/<random>.part`` (a multipart part to its
upload's directory) and moved into place on commit, or removed when the request fails. Only a
server killed mid-upload leaves its ``.part`` file behind. The sweep removes such files, and
multipart uploads nobody finished, at start and then at most every ``SWEEP_EVERY_S`` on the
way into an upload.

A file an upload is still writing is never removed: its writer holds a shared ``flock`` on it
(released by the OS when the process dies), and a file modified within ``STALE_PART_AFTER_S``
is left alone as well (a writer between ``open`` and ``flock``, or a system without locks).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path
from typing import IO

from runhub.artifacts.local_multipart import LocalMultipart

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be removed there anyway
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("runhub")

PART_SUFFIX = ".part"
STALE_PART_AFTER_S = 3600
SWEEP_EVERY_S = 600


def hold_while_writing(file: IO[bytes]) -> None:
    """Mark ``file`` as in use by this process for as long as it is open."""
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a file system without locks: mtime alone guards
            fcntl.flock(file.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)


def _in_use(path: Path) -> bool:
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True  # committed or aborted meanwhile: nothing to remove
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's lock
    return False


def remove_stale_parts(directory: Path, stale_after_s: float, now: float) -> list[Path]:
    """Remove the ``.part`` files in ``directory`` that no writer holds and that were not
    modified for ``stale_after_s``; the removed paths."""
    removed = []
    with contextlib.suppress(FileNotFoundError), os.scandir(directory) as entries:
        for entry in entries:
            if not entry.name.endswith(PART_SUFFIX):
                continue
            path = Path(entry.path)
            try:
                idle = now - entry.stat(follow_symlinks=False).st_mtime
            except FileNotFoundError:
                continue
            if idle > stale_after_s and entry.is_file(follow_symlinks=False) and not _in_use(path):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


class StagingSweeper:
    """Removes what crashed or abandoned uploads left in ``staging`` and in ``multipart``."""

    def __init__(
        self,
        staging: Path,
        multipart: LocalMultipart,
        stale_part_after_s: float = STALE_PART_AFTER_S,
        every_s: float = SWEEP_EVERY_S,
    ) -> None:
        self.staging = staging
        self.multipart = multipart
        self.stale_part_after_s = stale_part_after_s
        self.every_s = every_s
        self._last = -float("inf")

    def sweep(self, now: float | None = None) -> int:
        """One pass over the staging area; the number of files and uploads removed."""
        now = time.time() if now is None else now
        removed = len(remove_stale_parts(self.staging, self.stale_part_after_s, now))
        for upload in self.multipart.upload_dirs():
            removed += len(remove_stale_parts(upload, self.stale_part_after_s, now))
        removed += len(self.multipart.sweep(now))
        if removed:
            log.info("removed %d abandoned upload file(s) from %s", removed, self.staging)
        return removed

    def sweep_if_due(self) -> None:
        """Sweep unless the last sweep of this process was under ``every_s`` ago."""
        if time.monotonic() - self._last >= self.every_s:
            self._last = time.monotonic()
            self.sweep()
