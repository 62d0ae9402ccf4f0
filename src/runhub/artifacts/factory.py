"""Choosing the artifact store for a destination URI by its scheme."""

from __future__ import annotations

from urllib.parse import urlparse

from runhub.artifacts.guard import NameLengthGuard
from runhub.artifacts.local import LocalArtifactStore
from runhub.artifacts.store import ArtifactStore
from runhub.errors import StartupError


def open_artifact_store(
    destination: str,
    s3_endpoint_url: str | None = None,
    s3_ignore_tls: bool = False,
    *,
    durable: bool = False,
) -> ArtifactStore:
    """The store for ``destination``: a directory (plain path or ``file:``) or ``s3://``.

    ``durable`` makes a local directory flush every upload to disk before it is acknowledged
    (S3 has stored an object once it answers)."""
    return NameLengthGuard(_open(destination, s3_endpoint_url, s3_ignore_tls, durable))


def _open(
    destination: str, s3_endpoint_url: str | None, s3_ignore_tls: bool, durable: bool
) -> ArtifactStore:
    parsed = urlparse(destination)
    if parsed.scheme in ("s3", "s3a"):
        from runhub.artifacts.s3 import S3ArtifactStore, s3_client

        return S3ArtifactStore(destination, s3_client(s3_endpoint_url, s3_ignore_tls))
    if parsed.scheme == "file":
        return LocalArtifactStore(parsed.path, durable)
    if parsed.scheme and len(parsed.scheme) > 1:  # a one-letter scheme is a Windows drive
        raise StartupError(
            f"unsupported artifact destination {destination!r}: use a directory or s3://bucket/path"
        )
    return LocalArtifactStore(destination, durable)


def check_artifact_options(
    destination: str,
    serve_artifacts: bool,
    artifacts_only: bool,
    presigned_only: bool,
    s3_endpoint_url: str | None = None,
    s3_ignore_tls: bool = False,
) -> None:
    """Refuse option combinations that cannot work, and a destination that cannot be opened."""
    if artifacts_only and not serve_artifacts:
        raise StartupError("--artifacts-only needs the artifact service: drop --no-serve-artifacts")
    store = open_artifact_store(destination, s3_endpoint_url, s3_ignore_tls)
    if presigned_only and not store.presigns:
        raise StartupError(
            "--artifacts-presigned-only needs a destination that can presign URLs "
            f"(s3://bucket/path), not {destination!r}"
        )
