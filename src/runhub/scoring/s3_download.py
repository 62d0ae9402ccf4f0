"""Copying an ``s3://bucket/prefix`` tree to a local directory with boto3."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from runhub.scoring.errors import ModelLoadError


def download_s3_tree(uri: str, dest: Path, endpoint_url: str | None = None) -> int:
    """Download every object under ``uri``; returns the number of files."""
    try:
        import boto3
    except ModuleNotFoundError:
        raise ModelLoadError("s3:// model URIs need boto3: pip install 'runhub[s3]'") from None
    parsed = urlparse(uri)
    prefix = parsed.path.strip("/")
    s3: Any = boto3.client("s3", endpoint_url=endpoint_url or None)
    count = 0
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=parsed.netloc, Prefix=f"{prefix}/" if prefix else ""
    ):
        for obj in page.get("Contents", []):
            relative = PurePosixPath(obj["Key"][len(prefix) :].lstrip("/"))
            if ".." in relative.parts or not relative.parts:
                continue
            target = dest.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(parsed.netloc, obj["Key"], str(target))
            count += 1
    if count == 0:
        raise ModelLoadError(f"no model files under {uri}")
    return count
