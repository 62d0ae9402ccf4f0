"""Reading the registry: resolving names and versions, and assembling whole entities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.engine import Connection

from runhub.entities.registry import ModelVersion, RegisteredModel, RegistryTag
from runhub.errors import InvalidParameter, NotFound
from runhub.store.registry_tables import (
    model_versions,
    registered_model_aliases,
    registered_model_tags,
    registered_models,
)
from runhub.store.sql.raw import fetch_all, marks

Row_ = Row[Any]
CHUNK = 500


def model_by_name(conn: Connection, name: str) -> Row_:
    """The registered_models row named ``name``; 404 when there is none."""
    if not name:
        raise InvalidParameter("Missing value for required parameter 'name'.")
    row = conn.execute(select(registered_models).where(registered_models.c.name == name)).first()
    if row is None:
        raise NotFound(f"Registered Model with name={name} not found")
    return row


def parse_version(version: str | int | None) -> int:
    if version is None or version == "":
        raise InvalidParameter("Missing value for required parameter 'version'.")
    try:
        number = int(str(version))
    except ValueError:
        raise InvalidParameter(
            f"Parameter 'version' must be an integer, got '{version}'."
        ) from None
    if number < 1 or number >= 2**31:
        raise InvalidParameter(f"Parameter 'version' must be a positive integer, got {number}.")
    return number


def version_row(conn: Connection, name: str, version: str | int | None) -> Row_:
    """The model_versions row of ``name``/``version``; 404 when there is none."""
    number = parse_version(version)
    model = model_by_name(conn, name)
    row = conn.execute(
        select(model_versions).where(
            model_versions.c.model_pk == model.model_pk, model_versions.c.version == number
        )
    ).first()
    if row is None:
        raise NotFound(f"Model Version (name={name}, version={number}) not found")
    return row


def _chunks(values: Sequence[int]) -> list[Sequence[int]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


_TAGS_SQL = (
    'SELECT t.version_pk, t."key", t."value" FROM model_version_tags t '
    "JOIN model_versions mv ON mv.version_pk = t.version_pk WHERE {by} IN ({marks})"
)
_ALIASES_SQL = (
    "SELECT a.version_pk, a.alias FROM registered_model_aliases a WHERE {by} IN ({marks}) "
    "ORDER BY a.alias"
)


def version_children(
    conn: Connection, pks: Sequence[int], model_pks: Sequence[int]
) -> tuple[dict[int, list[tuple[str, str]]], dict[int, list[str]]]:
    """Tags ((key, value) in key order) and aliases (in the database's order of names) of the
    versions ``pks`` of the models ``model_pks``, keyed by version row id; versions without
    any are left out."""
    tags: dict[int, list[tuple[str, str]]] = {}
    aliases: dict[int, list[str]] = {}
    if len(pks) > CHUNK:
        # A long page (a whole model's versions): read by model, one query each, and keep
        # only the versions of the page; cheaper than many long IN-lists.
        wanted: set[int] | None = set(pks)
        tags_by, aliases_by, chunks = "mv.model_pk", "a.model_pk", _chunks(list(model_pks))
    else:
        wanted, tags_by, aliases_by, chunks = None, "t.version_pk", "a.version_pk", _chunks(pks)
    for chunk in chunks:
        in_list = marks(len(chunk))
        for pk, key, value in fetch_all(conn, _TAGS_SQL.format(by=tags_by, marks=in_list), chunk):
            if wanted is None or pk in wanted:
                if pk in tags:
                    tags[pk].append((key, value))
                else:
                    tags[pk] = [(key, value)]
        sql = _ALIASES_SQL.format(by=aliases_by, marks=in_list)
        for pk, alias in fetch_all(conn, sql, chunk):
            if wanted is None or pk in wanted:
                aliases.setdefault(pk, []).append(alias)
    # Tags in code-point order of keys, the same on every backend.
    for pairs in tags.values():
        if len(pairs) > 1:
            pairs.sort()
    return tags, aliases


def load_versions(conn: Connection, rows: Sequence[Row_]) -> list[ModelVersion]:
    """Whole model versions (tags, aliases, model name) for ``rows`` of ``model_versions``
    (optionally with the model's name as ``model_name``), in order."""
    if not rows:
        return []
    at = {name: i for i, name in enumerate(rows[0]._fields)}
    i_pk, i_model = at["version_pk"], at["model_pk"]
    model_pks = sorted({r[i_model] for r in rows})
    if "model_name" in at:
        names = {r[i_model]: r[at["model_name"]] for r in rows}
    else:
        names = {}
        for chunk in _chunks(model_pks):
            names.update(
                conn.execute(
                    select(registered_models.c.model_pk, registered_models.c.name).where(
                        registered_models.c.model_pk.in_(chunk)
                    )
                ).all()
            )
    tags, aliases = version_children(conn, [r[i_pk] for r in rows], model_pks)
    no_tags: tuple[RegistryTag, ...] = ()
    no_aliases: tuple[str, ...] = ()
    (i_version, i_created, i_updated, i_stage, i_source, i_status, i_desc, i_user) = (
        at[k]
        for k in (
            "version",
            "creation_time",
            "last_updated_time",
            "current_stage",
            "source",
            "status",
            "description",
            "user_id",
        )
    )
    i_run, i_link, i_model_id, i_message = (
        at[k] for k in ("run_id", "run_link", "model_id", "status_message")
    )
    return [
        ModelVersion(
            names[r[i_model]],
            r[i_version],
            r[i_created],
            r[i_updated],
            r[i_stage],
            r[i_source],
            r[i_status],
            r[i_desc],
            r[i_user],
            r[i_run],
            r[i_link],
            r[i_model_id],
            r[i_message],
            tuple(RegistryTag(k, v) for k, v in tags[r[i_pk]]) if r[i_pk] in tags else no_tags,
            tuple(aliases[r[i_pk]]) if r[i_pk] in aliases else no_aliases,
        )
        for r in rows
    ]


def latest_version_rows(
    conn: Connection, model_pks: Sequence[int], stages: Sequence[str] | None = None
) -> list[Row_]:
    """Per model and stage, the row of the highest version (only ``stages`` when given)."""
    mv = model_versions.c
    out: list[Row_] = []
    for chunk in _chunks(list(model_pks)):
        latest = (
            select(mv.model_pk, mv.current_stage, func.max(mv.version).label("version"))
            .where(mv.model_pk.in_(chunk))
            .group_by(mv.model_pk, mv.current_stage)
        )
        if stages is not None:
            latest = latest.where(mv.current_stage.in_(list(stages)))
        sub = latest.subquery()
        out.extend(
            conn.execute(
                select(model_versions)
                .join(
                    sub,
                    (sub.c.model_pk == mv.model_pk)
                    & (sub.c.current_stage == mv.current_stage)
                    & (sub.c.version == mv.version),
                )
                .order_by(mv.model_pk, mv.version)
            ).all()
        )
    return out


def load_models(conn: Connection, rows: Sequence[Row_]) -> list[RegisteredModel]:
    """Whole registered models (latest version per stage, tags, aliases) for ``rows``."""
    pks = [r.model_pk for r in rows]
    tags: dict[int, list[RegistryTag]] = defaultdict(list)
    aliases: dict[int, list[tuple[str, int]]] = defaultdict(list)
    latest: dict[int, list[ModelVersion]] = defaultdict(list)
    t, a, mv = registered_model_tags.c, registered_model_aliases.c, model_versions.c
    for chunk in _chunks(pks):
        for pk, key, value in conn.execute(
            select(t.model_pk, t.key, t.value).where(t.model_pk.in_(chunk))
        ):
            tags[pk].append(RegistryTag(key, value))
        for pk, alias, version in conn.execute(
            select(a.model_pk, a.alias, mv.version)
            .join_from(registered_model_aliases, model_versions, mv.version_pk == a.version_pk)
            .where(a.model_pk.in_(chunk))
            .order_by(a.alias)
        ):
            aliases[pk].append((alias, version))
    version_rows = latest_version_rows(conn, pks)
    for row, version in zip(version_rows, load_versions(conn, version_rows), strict=True):
        latest[row.model_pk].append(version)
    return [
        RegisteredModel(
            name=r.name,
            creation_timestamp=r.creation_time,
            last_updated_timestamp=r.last_updated_time,
            description=r.description,
            latest_versions=tuple(latest[r.model_pk]),
            tags=tuple(tags[r.model_pk]),
            aliases=tuple(aliases[r.model_pk]),
        )
        for r in rows
    ]
