"""``import-mlflow --copy-artifacts``: move imported artifacts into runhub's destination.

Each run's and logged model's files are copied from where MLflow left them (a local directory
or ``s3://``) into the destination at the place runhub would have put them, then its URI is
rewritten to ``mlflow-artifacts:/…``. Items already under ``mlflow-artifacts:`` are skipped, so
an interrupted copy is finished by running the import again. The source is only read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy import String, cast, literal, select, update

from runhub.artifacts import ArtifactStore, open_artifact_store
from runhub.artifacts.locations import PROXY_SCHEME
from runhub.store.registry_tables import logged_models
from runhub.store.sql.db import Database
from runhub.store.tables import experiments, runs

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class S3Options:
    """How to reach ``s3://`` sources (the server's S3 settings)."""

    endpoint_url: str | None = None
    ignore_tls: bool = False


def _local_files(root: Path) -> Iterator[tuple[str, Iterator[bytes]]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix(), _chunks(path)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            yield block


def _store_files(store: ArtifactStore, prefix: str = "") -> Iterator[tuple[str, Iterator[bytes]]]:
    for entry in store.list_dir(prefix):
        path = f"{prefix}/{entry.name}" if prefix else entry.name
        if entry.is_dir:
            yield from _store_files(store, path)
        else:
            yield path, store.read(path)


def copy_tree(source_uri: str, dest: ArtifactStore, dest_path: str, s3: S3Options) -> int:
    """Copy every file under ``source_uri`` to ``dest_path`` in ``dest``; returns how many."""
    parsed = urlparse(source_uri)
    if parsed.scheme in ("", "file"):
        root = Path(parsed.path if parsed.scheme else source_uri)
        files = _local_files(root) if root.is_dir() else iter(())
    elif parsed.scheme in ("s3", "s3a"):
        store = open_artifact_store(source_uri, s3.endpoint_url, s3.ignore_tls)
        files = _store_files(store)
    else:
        raise ValueError(f"cannot copy artifacts from {source_uri!r}")
    copied = 0
    for relative, chunks in files:
        writer = dest.writer(f"{dest_path}/{relative}")
        try:
            for block in chunks:
                writer.write(block)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        copied += 1
    return copied


def relocate_artifacts(db: Database, dest: ArtifactStore, s3: S3Options) -> int:
    """Copy the artifacts of every run and logged model not yet under ``mlflow-artifacts:``
    into ``dest`` and point them there; returns the number of files copied."""
    proxied = f"{PROXY_SCHEME}:%"
    copied = 0
    with db.read() as conn:
        run_rows = conn.execute(
            select(runs.c.run_pk, runs.c.run_id, runs.c.experiment_id, runs.c.artifact_uri).where(
                runs.c.artifact_uri.not_like(proxied)
            )
        ).all()
        model_rows = conn.execute(
            select(
                logged_models.c.model_id,
                logged_models.c.experiment_id,
                logged_models.c.artifact_location,
            ).where(logged_models.c.artifact_location.not_like(proxied))
        ).all()
    for run_pk, run_id, exp_id, uri in run_rows:
        path = f"{exp_id}/{run_id}/artifacts"
        copied += copy_tree(uri, dest, path, s3)
        db.run_write(
            lambda conn, pk=run_pk, p=path: conn.execute(
                update(runs).where(runs.c.run_pk == pk).values(artifact_uri=f"{PROXY_SCHEME}:/{p}")
            )
        )
    for model_id, exp_id, uri in model_rows:
        path = f"{exp_id}/models/{model_id}/artifacts"
        copied += copy_tree(uri, dest, path, s3)
        db.run_write(
            lambda conn, m=model_id, p=path: conn.execute(
                update(logged_models)
                .where(logged_models.c.model_id == m)
                .values(artifact_location=f"{PROXY_SCHEME}:/{p}")
            )
        )
    db.run_write(
        lambda conn: conn.execute(
            update(experiments)
            .where(experiments.c.artifact_location.not_like(proxied))
            .values(
                artifact_location=literal(f"{PROXY_SCHEME}:/")
                + cast(experiments.c.experiment_id, String)
            )
        )
    )
    return copied
