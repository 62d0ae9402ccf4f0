"""The local and S3 artifact stores behave the same through the one interface.

The S3 store runs against a real S3-compatible server (moto on loopback), not a mock.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from runhub.artifacts.local import STAGING_DIR, LocalArtifactStore
from runhub.artifacts.s3 import PART_SIZE, S3ArtifactStore
from runhub.artifacts.store import ArtifactStore, FileEntry, UploadedPart
from runhub.errors import InvalidParameter, NotFound


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    if request.param == "local":
        return LocalArtifactStore(tmp_path / "root")
    client, name = request.getfixturevalue("bucket")
    return S3ArtifactStore(f"s3://{name}/some/prefix", client)


def put(store: ArtifactStore, path: str, data: bytes, chunk: int = 1 << 20) -> None:
    writer = store.writer(path)
    for i in range(0, len(data), chunk):
        writer.write(data[i : i + chunk])
    writer.commit()


def read(store: ArtifactStore, path: str, start: int = 0, length: int | None = None) -> bytes:
    return b"".join(store.read(path, start, length))


def test_write_read_and_ranges(store: ArtifactStore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 11)
    put(store, "a/b/blob.bin", data, chunk=65536)
    assert read(store, "a/b/blob.bin") == data
    assert read(store, "a/b/blob.bin", 5, 10) == data[5:15]
    assert read(store, "a/b/blob.bin", len(data) - 3) == data[-3:]
    assert store.stat("a/b/blob.bin") == FileEntry("blob.bin", False, len(data))
    assert store.stat("a/b") == FileEntry("b", True)
    assert store.stat("a/missing") is None


def test_empty_file(store: ArtifactStore) -> None:
    put(store, "empty.txt", b"")
    assert read(store, "empty.txt") == b""
    assert store.stat("empty.txt") == FileEntry("empty.txt", False, 0)


def test_large_streamed_write_spans_several_parts(store: ArtifactStore) -> None:
    data = os.urandom(PART_SIZE * 2 + 12345)
    put(store, "big.bin", data)
    assert read(store, "big.bin") == data


def test_replacing_a_file(store: ArtifactStore) -> None:
    put(store, "f.txt", b"first")
    put(store, "f.txt", b"second")
    assert read(store, "f.txt") == b"second"


def test_list_dir(store: ArtifactStore) -> None:
    put(store, "run/x.txt", b"xx")
    put(store, "run/sub/y.txt", b"y")
    put(store, "run/sub/deeper/z.txt", b"z")
    assert store.list_dir("run") == [FileEntry("sub", True), FileEntry("x.txt", False, 2)]
    assert store.list_dir("run/sub") == [FileEntry("deeper", True), FileEntry("y.txt", False, 1)]
    assert store.list_dir("run/x.txt") == []
    assert store.list_dir("nothing") == []
    assert store.list_dir("") == [FileEntry("run", True)]


def test_aborted_write_leaves_nothing(store: ArtifactStore) -> None:
    writer = store.writer("half.bin")
    writer.write(os.urandom(PART_SIZE + 10))
    writer.abort()
    assert store.stat("half.bin") is None
    assert store.list_dir("") == []


def test_delete_file_and_tree(store: ArtifactStore) -> None:
    put(store, "d/keep.txt", b"k")
    put(store, "d/gone/a.txt", b"a")
    put(store, "d/gone/b/c.txt", b"c")
    store.delete("d/gone")
    assert store.list_dir("d") == [FileEntry("keep.txt", False, 1)]
    store.delete("d/keep.txt")
    store.delete("d/never-there")
    assert store.list_dir("d") == []


def test_reading_a_missing_file_is_not_found(store: ArtifactStore) -> None:
    with pytest.raises(NotFound):
        read(store, "nope.bin")


def test_local_multipart_joins_parts_in_order(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "root")
    upload = store.create_multipart("m/model.bin", 3)
    assert upload.part_urls is None
    chunks = [os.urandom(1000), os.urandom(2000), os.urandom(5)]
    etags = {}
    for number in (3, 1, 2):  # parts may arrive in any order
        writer = store.part_writer(upload.upload_id, number)
        writer.write(chunks[number - 1])
        etags[number] = writer.commit()
    parts = [UploadedPart(n, f'"{etags[n]}"') for n in (1, 2, 3)]
    store.complete_multipart("m/model.bin", upload.upload_id, parts)
    assert read(store, "m/model.bin") == b"".join(chunks)
    assert os.listdir(tmp_path / "root" / STAGING_DIR / "multipart") == []


def test_abandoned_local_multipart_uploads_are_removed_after_a_day(tmp_path: Path) -> None:
    """A client that dies mid-upload leaves parts behind; they must not stay on disk."""
    store = LocalArtifactStore(tmp_path / "root")
    abandoned = store.create_multipart("big.bin", 2)
    writer = store.part_writer(abandoned.upload_id, 1)
    writer.write(os.urandom(1000))
    writer.commit()
    recent = store.create_multipart("other.bin", 2)
    staging = tmp_path / "root" / STAGING_DIR / "multipart"
    day_and_a_bit = 25 * 3600
    old = os.stat(staging / abandoned.upload_id).st_mtime - day_and_a_bit
    os.utime(staging / abandoned.upload_id, (old, old))

    restarted = LocalArtifactStore(tmp_path / "root")  # the next server process
    fresh = restarted.create_multipart("new.bin", 1)
    assert sorted(os.listdir(staging)) == sorted([recent.upload_id, fresh.upload_id])
    with pytest.raises(NotFound):
        restarted.part_writer(abandoned.upload_id, 2)
    writer = restarted.part_writer(recent.upload_id, 1)  # an upload still in use goes on
    writer.write(b"abc")
    parts = [UploadedPart(1, writer.commit())]
    restarted.complete_multipart("other.bin", recent.upload_id, parts)
    assert read(restarted, "other.bin") == b"abc"


def test_local_multipart_refuses_wrong_etag_missing_part_and_other_path(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "root")
    upload = store.create_multipart("f.bin", 2)
    writer = store.part_writer(upload.upload_id, 1)
    writer.write(b"abc")
    etag = writer.commit()
    with pytest.raises(InvalidParameter, match="never uploaded"):
        store.complete_multipart(
            "f.bin", upload.upload_id, [UploadedPart(1, etag), UploadedPart(2, "")]
        )
    with pytest.raises(InvalidParameter, match="does not match"):
        store.complete_multipart("f.bin", upload.upload_id, [UploadedPart(1, "0-3")])
    with pytest.raises(InvalidParameter, match="not for path"):
        store.complete_multipart("other.bin", upload.upload_id, [UploadedPart(1, etag)])
    assert store.stat("f.bin") is None
    store.abort_multipart("f.bin", upload.upload_id)
    with pytest.raises(NotFound):
        store.part_writer(upload.upload_id, 2)
    with pytest.raises(InvalidParameter):
        store.part_writer("../../etc", 1)


def test_local_staging_area_is_hidden_and_reserved(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "root")
    assert store.list_dir("") == []
    with pytest.raises(InvalidParameter, match="reserved"):
        store.writer(f"{STAGING_DIR}/x")


def test_local_upload_over_a_directory_is_refused(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "root")
    put(store, "dir/f.txt", b"x")
    with pytest.raises(InvalidParameter, match="existing directory"):
        put(store, "dir", b"y")
    with pytest.raises(InvalidParameter, match="existing file"):
        put(store, "dir/f.txt/g.txt", b"y")


def test_s3_multipart_through_presigned_urls(bucket: tuple[Any, str]) -> None:
    import requests

    client, name = bucket
    store = S3ArtifactStore(f"s3://{name}/p", client)
    upload = store.create_multipart("x/model.bin", 2)
    assert upload.part_urls is not None and len(upload.part_urls) == 2
    chunks = [os.urandom(5 * 1024 * 1024), os.urandom(100)]
    parts = []
    for number, (url, chunk) in enumerate(zip(upload.part_urls, chunks, strict=True), 1):
        resp = requests.put(url, data=chunk, timeout=30)
        assert resp.status_code == 200, resp.text
        parts.append(UploadedPart(number, resp.headers["ETag"]))
    store.complete_multipart("x/model.bin", upload.upload_id, parts)
    assert read(store, "x/model.bin") == b"".join(chunks)
    signed = store.presign_download("x/model.bin")
    assert signed.file_size == len(chunks[0]) + 100
    got = requests.get(signed.url, headers={"Range": "bytes=0-9"}, timeout=30)
    assert got.status_code == 206 and got.content == chunks[0][:10]


def test_s3_abort_multipart(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    store = S3ArtifactStore(f"s3://{name}", client)
    upload = store.create_multipart("y.bin", 1)
    store.abort_multipart("y.bin", upload.upload_id)
    assert client.list_multipart_uploads(Bucket=name).get("Uploads", []) == []


def test_s3_keys_stay_under_the_prefix(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    store = S3ArtifactStore(f"s3://{name}/team/a", client)
    put(store, "1/r/artifacts/f.txt", b"x")
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=name)["Contents"]]
    assert keys == ["team/a/1/r/artifacts/f.txt"]
