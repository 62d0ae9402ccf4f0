"""Deleting the artifacts of purged runs and logged models through the artifact stores.

A run's artifacts live at ``<experiment location>/<run_id>/artifacts`` and a logged model's at
``<experiment location>/models/<model_id>/artifacts``; the whole ``<run_id>`` or
``models/<model_id>`` directory goes. URIs inside the server's destination (including
``mlflow-artifacts:`` ones) are deleted through the destination's store; other local paths and
``s3://`` URIs through a store opened on their parent.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urlparse

from runhub.artifacts import ArtifactStore, open_artifact_store
from runhub.artifacts.local import STAGING_DIR
from runhub.artifacts.locations import PROXY_SCHEME, destination_path
from runhub.errors import RunhubError, StartupError


class ArtifactCleaner:
    """Deletes artifact directories named by URIs; reports the ones it had to skip."""

    def __init__(
        self,
        destination: ArtifactStore,
        s3_endpoint_url: str | None = None,
        s3_ignore_tls: bool = False,
    ) -> None:
        self.destination = destination
        self.s3_endpoint_url = s3_endpoint_url
        self.s3_ignore_tls = s3_ignore_tls
        self.skipped: list[str] = []

    def delete_owned_dir(self, artifact_uri: str, owner: str) -> None:
        """Delete the directory of ``owner`` (a run or model id) that holds ``artifact_uri``.

        When the URI does not end in ``<owner>/artifacts`` only the URI itself is deleted.
        Unusable URIs are recorded in :attr:`skipped` and gc goes on, as MLflow's does.
        """
        uri = artifact_uri.rstrip("/")
        parent, last = posixpath.split(uri)
        if last == "artifacts" and posixpath.basename(parent) == owner:
            uri = parent
        try:
            self._delete(uri)
        except (RunhubError, StartupError, OSError, ValueError) as exc:
            self.skipped.append(f"{artifact_uri}: {exc}")

    def _delete(self, uri: str) -> None:
        relative = destination_path(uri, self.destination.uri)
        if relative is None and urlparse(uri).scheme == PROXY_SCHEME:
            raise ValueError("not inside the artifacts destination")
        if relative is not None:
            if relative:  # never wipe the whole destination
                self.destination.delete(relative)
            return
        parent, name = posixpath.split(uri)
        if not name:
            raise ValueError("refusing to delete a store root")
        scheme = urlparse(uri).scheme
        if scheme in ("", "file"):
            local_parent = Path(urlparse(parent).path if scheme else parent)
            if not (local_parent / name).exists():
                return  # nothing there; opening a store would create its staging directory
            open_artifact_store(str(local_parent)).delete(name)
            _remove_empty_staging(local_parent)
            return
        open_artifact_store(parent, self.s3_endpoint_url, self.s3_ignore_tls).delete(name)


def _remove_empty_staging(root: Path) -> None:
    # A local store keeps an (empty when idle) staging directory in its root; do not leave one
    # behind in a directory that was opened only to delete from it.
    staging = root / STAGING_DIR
    for directory in (staging / "multipart", staging):
        try:
            directory.rmdir()
        except OSError:
            return
