"""Model-version sources confined to storage the server manages.

A version's ``source`` may be ``runs:/<run_id>/<path>``, ``models:/m-<id>``, a reference to
another version (``models:/<name>/<version>`` or ``models:/<name>@<alias>``), or an artifact URI
that lies inside a run's or logged model's artifact root, or inside the artifact store.
Everything else is refused with 400: local paths, ``file:`` URIs, scheme-less paths, ``..``
segments (also percent-encoded), backslashes, query strings, and paths into a run or model other
than the one the request names. This closes the class of bug behind CVE-2023-1177, where a
version pointing at an arbitrary path let clients read any file the server could.

Prompts carry no model files; their versions use one of the client's placeholder sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.engine import Connection

from runhub.entities import LifecycleStage
from runhub.errors import InvalidParameter, NotFound
from runhub.store.registry_tables import (
    logged_models,
    model_versions,
    registered_model_aliases,
    registered_model_tags,
)
from runhub.store.sql.registry_rows import model_by_name, version_row
from runhub.store.tables import experiments, runs

PROMPT_SOURCES = frozenset({"dummy-source", "prompt-template"})
_MODEL_ID = re.compile(r"^m-[0-9a-f]{32}$")
_LOCAL_SCHEMES = frozenset({"", "file"})


@dataclass(frozen=True)
class ResolvedSource:
    storage_location: str
    run_id: str | None
    model_id: str | None


def _refuse(source: str, why: str) -> InvalidParameter:
    return InvalidParameter(f"Invalid model version source: '{source}'. {why}")


def _check_shape(source: str) -> None:
    if "\\" in source or "\x00" in source or "?" in source or "#" in source:
        raise _refuse(source, "Backslashes, NUL, query strings and fragments are not allowed.")
    decoded = source
    for _ in range(3):  # double-encoding tricks: %252e%252e
        decoded = unquote(decoded)
    if "\\" in decoded or any(part in ("..", ".") for part in decoded.split("/")):
        raise _refuse(source, "Relative path segments ('.' or '..') are not allowed.")


def _under(source: str, root: str) -> bool:
    root = root.rstrip("/")
    return bool(root) and (source == root or source.startswith(root + "/"))


def resolve_source(
    conn: Connection,
    source: str,
    run_id: str | None,
    model_id: str | None,
    *,
    prompt: bool,
    artifact_root: str,
) -> ResolvedSource:
    """Where the files of a new version live; raises InvalidParameter/NotFound."""
    if prompt:
        if source not in PROMPT_SOURCES:
            raise _refuse(source, "Prompt versions must use the client's placeholder source.")
        return ResolvedSource(source, run_id or None, None)
    if not source:
        raise InvalidParameter("Missing value for required parameter 'source'.")
    _check_shape(source)
    scheme = urlsplit(source).scheme.lower()
    if scheme == "runs":
        return _from_run_uri(conn, source, run_id)
    if scheme == "models":
        return _from_models_uri(conn, source, run_id, model_id)
    if model_id:
        model = _model(conn, model_id)
        if not _under(source, model.artifact_location):
            raise _refuse(source, f"It must lie inside the artifacts of logged model {model_id}.")
        return ResolvedSource(source, run_id or model.source_run_id, model_id)
    if run_id:
        run = _run(conn, run_id)
        if not _under(source, run.artifact_uri):
            raise _refuse(source, f"It must lie inside the artifacts of run {run_id}.")
        return ResolvedSource(source, run_id, None)
    if scheme in _LOCAL_SCHEMES or len(scheme) == 1:  # C:\... is a Windows path
        raise _refuse(source, "Local paths and file: URIs are not allowed.")
    roots = [artifact_root, *conn.execute(select(experiments.c.artifact_location)).scalars()]
    if artifact_root.endswith(":"):  # mlflow-artifacts: -> mlflow-artifacts:/...
        roots.append(artifact_root + "/")
    if not any(_under(source, root) and source.rstrip("/") != root.rstrip("/") for root in roots):
        raise _refuse(source, "It must point into the server's artifact store.")
    return ResolvedSource(source, None, None)


def _run(conn: Connection, run_id: str) -> Any:
    row = conn.execute(
        select(runs.c.run_id, runs.c.artifact_uri).where(runs.c.run_id == run_id)
    ).first()
    if row is None:
        raise NotFound(f"Run with id={run_id} not found")
    return row


def _model(conn: Connection, model_id: str) -> Any:
    row = conn.execute(
        select(
            logged_models.c.artifact_location,
            logged_models.c.source_run_id,
            logged_models.c.lifecycle_stage,
        ).where(logged_models.c.model_id == model_id)
    ).first()
    if row is None or row.lifecycle_stage != LifecycleStage.ACTIVE:
        raise NotFound(f"Logged model with ID '{model_id}' not found.")
    return row


def _from_run_uri(conn: Connection, source: str, run_id: str | None) -> ResolvedSource:
    parts = urlsplit(source)
    if parts.netloc:
        raise _refuse(source, "runs:/ URIs name no host.")
    source_run = parts.path.lstrip("/").partition("/")[0]
    if run_id and run_id != source_run:
        raise _refuse(source, f"It points into run {source_run}, not run {run_id}.")
    _run(conn, source_run)
    # Clients resolve runs:/ URIs themselves (to the run's files, or to the logged model of that
    # name from the run), so the URI is its own download location, as in MLflow.
    return ResolvedSource(source, source_run, None)


def _from_models_uri(
    conn: Connection, source: str, run_id: str | None, model_id: str | None
) -> ResolvedSource:
    parts = urlsplit(source)
    if parts.netloc:
        raise _refuse(source, "models:/ URIs name no host.")
    path = parts.path.lstrip("/")
    if _MODEL_ID.match(path):
        if model_id and model_id != path:
            raise _refuse(source, f"It names logged model {path}, not {model_id}.")
        model = _model(conn, path)
        return ResolvedSource(model.artifact_location, run_id or model.source_run_id, path)
    if "@" in path and "/" not in path:
        name, alias = path.split("@", 1)
        model = model_by_name(conn, name)
        found = conn.execute(
            select(model_versions.c.version)
            .join_from(
                registered_model_aliases,
                model_versions,
                model_versions.c.version_pk == registered_model_aliases.c.version_pk,
            )
            .where(
                registered_model_aliases.c.model_pk == model.model_pk,
                registered_model_aliases.c.alias == alias,
            )
        ).first()
        if found is None:
            # A missing alias is a 400 INVALID_PARAMETER_VALUE, as MLflow answers it.
            raise InvalidParameter(f"Registered model alias {alias} not found.")
        target = version_row(conn, name, found.version)
    elif path.count("/") == 1:
        name, version = path.split("/")
        target = version_row(conn, name, version)
    else:
        raise _refuse(
            source, "Use models:/<model_id>, models:/<name>/<version> or models:/<name>@<alias>."
        )
    if _is_prompt_model(conn, target.model_pk):
        raise _refuse(source, "Prompt versions cannot be used as model version sources.")
    if (run_id and run_id != (target.run_id or "")) or (
        model_id and model_id != (target.model_id or "")
    ):
        raise _refuse(source, "run_id and model_id must match the referenced model version.")
    return ResolvedSource(target.storage_location, target.run_id, target.model_id)


def _is_prompt_model(conn: Connection, model_pk: int) -> bool:
    t = registered_model_tags
    return (
        conn.execute(
            select(t.c.value).where(t.c.model_pk == model_pk, t.c.key == "mlflow.prompt.is_prompt")
        ).scalar()
        == "true"
    )
