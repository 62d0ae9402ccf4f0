"""Artifact URIs of experiments and runs, and where they live in the server's destination.

A run's ``artifact_uri`` is ``mlflow-artifacts:/<exp>/<run>/artifacts`` when artifacts are
proxied; it names ``<destination>/<exp>/<run>/artifacts``. With ``--no-serve-artifacts`` it is the
destination's own URI (a directory or ``s3://`` prefix) followed by the same path.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from runhub.artifacts.paths import clean_path, decode_fully
from runhub.errors import InvalidParameter

PROXY_SCHEME = "mlflow-artifacts"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def destination_path(artifact_uri: str, destination_uri: str) -> str | None:
    """The path of ``artifact_uri`` relative to the destination, or ``None`` when outside it."""
    parsed = urlparse(artifact_uri)
    if parsed.scheme == PROXY_SCHEME:
        return clean_path(parsed.path.lstrip("/"))
    if parsed.scheme == "file":
        artifact_uri = parsed.path
    root = destination_uri.rstrip("/")
    candidate = artifact_uri.rstrip("/")
    if candidate == root:
        return ""
    if candidate.startswith(root + "/"):
        return clean_path(candidate[len(root) + 1 :])
    return None


def validate_artifact_location(location: str) -> None:
    """Refuse experiment artifact locations that climb out of where they point.

    ``mlflow-artifacts:`` locations get the full artifact-path check; other URIs and paths may
    not contain ``..`` segments or control characters in any encoding.
    """
    parsed = urlparse(location)
    if parsed.scheme == PROXY_SCHEME:
        clean_path(parsed.path.lstrip("/"))
        return
    try:
        decoded = decode_fully(location)
    except UnicodeDecodeError:
        raise InvalidParameter("Invalid artifact_location: not valid UTF-8 once decoded.") from None
    if _CONTROL.search(decoded):
        raise InvalidParameter("Invalid artifact_location: it contains control characters.")
    if ".." in re.split(r"[\\/]", decoded):
        raise InvalidParameter("Invalid artifact_location: '..' is not allowed.")
