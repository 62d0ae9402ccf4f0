"""Artifacts in S3 or any S3-compatible store (MinIO, Ceph, ...), through boto3.

Configured the way users already configure MLflow: the destination ``s3://bucket/prefix``,
``MLFLOW_S3_ENDPOINT_URL`` for a non-AWS endpoint, ``MLFLOW_S3_IGNORE_TLS``, and the usual
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN`` / ``AWS_DEFAULT_REGION``
/ ``AWS_PROFILE`` that boto3 reads itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlparse

from runhub.artifacts.paths import MAX_KEY_BYTES, check_length
from runhub.artifacts.store import FileEntry, MultipartUpload, PresignedUrl, UploadedPart
from runhub.errors import InvalidParameter, NotFound, NotImplementedYet, StartupError

READ_CHUNK = 1024 * 1024
# Bytes buffered before a streamed upload becomes a multipart upload (S3's minimum part is 5 MiB).
PART_SIZE = 8 * 1024 * 1024
PRESIGN_TTL_S = 3600
_DELETE_BATCH = 1000


def s3_client(endpoint_url: str | None, ignore_tls: bool) -> Any:
    """A boto3 S3 client; path-style addressing when a custom endpoint is given."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise StartupError(
            "an s3:// artifact destination needs boto3: pip install 'runhub[s3]'"
        ) from None
    config = Config(
        s3={"addressing_style": "path"} if endpoint_url else {},
        signature_version="s3v4",
        retries={"max_attempts": 5, "mode": "standard"},
    )
    return boto3.client(
        "s3", endpoint_url=endpoint_url or None, verify=not ignore_tls, config=config
    )


class S3Writer:
    """Streams one object: a single PUT when small, a multipart upload beyond ``PART_SIZE``."""

    def __init__(self, client: Any, bucket: str, key: str) -> None:
        self.client, self.bucket, self.key = client, bucket, key
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= PART_SIZE:
            self._send_part(bytes(self._buffer[:PART_SIZE]))
            del self._buffer[:PART_SIZE]

    def _send_part(self, data: bytes) -> None:
        if self._upload_id is None:
            started = self.client.create_multipart_upload(Bucket=self.bucket, Key=self.key)
            self._upload_id = started["UploadId"]
        number = len(self._parts) + 1
        sent = self.client.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=data,
        )
        self._parts.append({"PartNumber": number, "ETag": sent["ETag"]})

    def commit(self) -> str:
        if self._upload_id is None:
            put = self.client.put_object(Bucket=self.bucket, Key=self.key, Body=bytes(self._buffer))
            return str(put.get("ETag", ""))
        if self._buffer:
            self._send_part(bytes(self._buffer))
            self._buffer.clear()
        done = self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )
        return str(done.get("ETag", ""))

    def abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self._upload_id
            )
            self._upload_id = None


class S3ArtifactStore:
    """Objects under ``s3://bucket/prefix``."""

    presigns = True

    def __init__(self, uri: str, client: Any) -> None:
        parsed = urlparse(uri)
        if parsed.scheme not in ("s3", "s3a") or not parsed.netloc:
            raise StartupError(f"not an S3 URI: {uri!r} (expected s3://bucket/prefix)")
        self.uri = uri
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/")
        self.client = client

    def _key(self, path: str) -> str:
        key = "/".join(p for p in (self.prefix, path) if p)
        check_length(key, MAX_KEY_BYTES, path, " as an S3 key under the destination")
        return key

    def _dir_prefix(self, path: str) -> str:
        key = self._key(path)
        return f"{key}/" if key else ""

    def _head(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return head

    def list_dir(self, path: str) -> list[FileEntry]:
        prefix = self._dir_prefix(path)
        out: list[FileEntry] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix, Delimiter="/"
        )
        for page in pages:
            for common in page.get("CommonPrefixes", []):
                out.append(FileEntry(common["Prefix"][len(prefix) :].rstrip("/"), True))
            for obj in page.get("Contents", []):
                name = obj["Key"][len(prefix) :]
                if name:  # a "directory marker" object is the prefix itself
                    out.append(FileEntry(name, False, int(obj["Size"])))
        return sorted(out, key=lambda e: e.name)

    def stat(self, path: str) -> FileEntry | None:
        name = path.rsplit("/", 1)[-1]
        if path:
            head = self._head(self._key(path))
            if head is not None:
                return FileEntry(name, False, int(head["ContentLength"]))
        listed = self.client.list_objects_v2(
            Bucket=self.bucket, Prefix=self._dir_prefix(path), MaxKeys=1
        )
        return FileEntry(name, True) if listed.get("KeyCount", 0) or not path else None

    def read(self, path: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        args: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(path)}
        if start or length is not None:
            end = "" if length is None else str(start + length - 1)
            args["Range"] = f"bytes={start}-{end}"
        try:
            body = self.client.get_object(**args)["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise NotFound(f"Artifact '{path}' does not exist.") from None
            raise
        return _chunks(body)

    def writer(self, path: str) -> S3Writer:
        if not path:
            raise InvalidParameter("Invalid path: an artifact needs a file name.")
        return S3Writer(self.client, self.bucket, self._key(path))

    def delete(self, path: str) -> None:
        if path:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(path))
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._dir_prefix(path)
        )
        batch: list[dict[str, str]] = []
        for page in pages:
            batch.extend({"Key": obj["Key"]} for obj in page.get("Contents", []))
            while len(batch) >= _DELETE_BATCH:
                self._delete_batch(batch[:_DELETE_BATCH])
                del batch[:_DELETE_BATCH]
        if batch:
            self._delete_batch(batch)

    def _delete_batch(self, keys: list[dict[str, str]]) -> None:
        self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})

    def create_multipart(self, path: str, num_parts: int) -> MultipartUpload:
        key = self._key(path)
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        urls = tuple(
            self.client.generate_presigned_url(
                "upload_part",
                Params={
                    "Bucket": self.bucket,
                    "Key": key,
                    "UploadId": upload_id,
                    "PartNumber": number,
                },
                ExpiresIn=PRESIGN_TTL_S,
            )
            for number in range(1, num_parts + 1)
        )
        return MultipartUpload(upload_id, urls)

    def part_writer(self, upload_id: str, part_number: int) -> S3Writer:
        raise NotImplementedYet("Parts of an S3 multipart upload go straight to S3.")

    def complete_multipart(self, path: str, upload_id: str, parts: Sequence[UploadedPart]) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self._key(path),
                UploadId=upload_id,
                MultipartUpload={
                    "Parts": [
                        {"PartNumber": p.part_number, "ETag": p.etag}
                        for p in sorted(parts, key=lambda p: p.part_number)
                    ]
                },
            )
        except ClientError as exc:
            raise InvalidParameter(f"Cannot complete multipart upload: {exc}") from None

    def abort_multipart(self, path: str, upload_id: str) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=self._key(path), UploadId=upload_id
            )
        except ClientError as exc:
            raise InvalidParameter(f"Cannot abort multipart upload: {exc}") from None

    def presign_download(self, path: str) -> PresignedUrl:
        key = self._key(path)
        head = self._head(key)
        if head is None:
            raise NotFound(f"Artifact '{path}' does not exist.")
        url = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=PRESIGN_TTL_S
        )
        return PresignedUrl(url, {}, int(head["ContentLength"]))

    def presign_upload(self, path: str) -> PresignedUrl:
        url = self.client.generate_presigned_url(
            "put_object",
            Params={"Bucket": self.bucket, "Key": self._key(path)},
            ExpiresIn=PRESIGN_TTL_S,
        )
        return PresignedUrl(url, {})


def _chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(READ_CHUNK)
    finally:
        body.close()
