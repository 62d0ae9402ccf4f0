"""Artifact storage: one interface, a local-directory and an S3 implementation, safe paths."""

from runhub.artifacts.factory import open_artifact_store
from runhub.artifacts.paths import clean_path, confine
from runhub.artifacts.store import ArtifactStore, ArtifactWriter, FileEntry

__all__ = [
    "ArtifactStore",
    "ArtifactWriter",
    "FileEntry",
    "clean_path",
    "confine",
    "open_artifact_store",
]
