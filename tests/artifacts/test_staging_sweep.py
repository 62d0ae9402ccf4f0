"""What a killed server leaves in the local staging area is removed: ``.part`` files of uploads
and of multipart parts, and multipart uploads nobody finished; never a file still being written."""

from __future__ import annotations

import os
import time
from pathlib import Path

from runhub.artifacts.local import STAGING_DIR, LocalArtifactStore
from runhub.artifacts.local_staging import STALE_PART_AFTER_S
from tests.runtime.live import running


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def leftovers(root: Path) -> set[str]:
    staging = root / STAGING_DIR
    return {str(p.relative_to(staging)) for p in staging.rglob("*.part")}


def crashed_uploads(root: Path) -> tuple[LocalArtifactStore, str]:
    """Staging files as a killed server leaves them: one old, one recent, in both places."""
    store = LocalArtifactStore(root)
    upload_id = store.create_multipart("big.bin", 2).upload_id
    staging = root / STAGING_DIR
    for name in ("old.part", "recent.part", f"multipart/{upload_id}/old.part"):
        (staging / name).write_bytes(b"half an upload")
    age(staging / "old.part", STALE_PART_AFTER_S + 60)
    age(staging / "multipart" / upload_id / "old.part", STALE_PART_AFTER_S + 60)
    return store, upload_id


def test_a_starting_store_removes_stale_part_files_only(tmp_path: Path) -> None:
    _, upload_id = crashed_uploads(tmp_path / "root")
    restarted = LocalArtifactStore(tmp_path / "root")
    assert leftovers(tmp_path / "root") == {"recent.part"}
    writer = restarted.part_writer(upload_id, 1)  # the multipart upload itself goes on
    writer.write(b"abc")
    writer.commit()


def test_a_file_still_being_written_is_never_removed(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "root")
    writer = store.writer("slow/upload.bin")
    writer.write(b"first chunk")
    age(writer.temp, STALE_PART_AFTER_S * 10)  # a client that paused for a long time
    assert store.sweeper.sweep() == 0
    writer.write(b", second chunk")
    writer.commit()
    assert (tmp_path / "root" / "slow" / "upload.bin").read_bytes() == b"first chunk, second chunk"
    assert leftovers(tmp_path / "root") == set()


def test_the_sweep_runs_again_while_the_server_runs(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "root")
    store.sweeper.every_s = 0  # due on every upload
    stale = tmp_path / "root" / STAGING_DIR / "crashed-worker.part"
    stale.write_bytes(b"x")
    age(stale, STALE_PART_AFTER_S + 1)
    writer = store.writer("f.txt")
    writer.write(b"y")
    writer.commit()
    assert not stale.exists()


def test_a_server_start_cleans_the_staging_area(tmp_path: Path) -> None:
    crashed_uploads(tmp_path / "artifacts")
    with running(tmp_path):
        assert leftovers(tmp_path / "artifacts") == {"recent.part"}
