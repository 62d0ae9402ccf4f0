"""Model versions on a SQL database: create (sources confined), update, stage, tags, search."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from runhub.entities.registry import (
    VERSION_READY,
    ModelVersion,
    ModelVersionRows,
    RegistryTag,
    Stage,
)
from runhub.errors import InvalidParameter
from runhub.store.registry_tables import (
    model_version_tags,
    model_versions,
    registered_model_aliases,
    registered_models,
)
from runhub.store.sql.db import Database
from runhub.store.sql.model_sources import resolve_source
from runhub.store.sql.registry_checks import canonical_stage, check_description, check_tags
from runhub.store.sql.registry_rows import (
    load_versions,
    model_by_name,
    version_children,
    version_row,
)
from runhub.store.sql.search.registry import VERSION_ROW_COLUMNS, build_model_version_search
from runhub.store.sql.upsert import upsert
from runhub.times import now_ms
from runhub.validation import fit_value, validate_key

IS_PROMPT_TAG = "mlflow.prompt.is_prompt"
MAX_RUN_LINK = 2048
ARCHIVING_STAGES = (Stage.STAGING.value, Stage.PRODUCTION.value)
# Where a page row carries its model's row id (by identity: `==` on columns builds SQL).
MODEL_PK_AT = next(i for i, c in enumerate(VERSION_ROW_COLUMNS) if c is model_versions.c.model_pk)


class SqlModelVersionStore:
    """Versions of registered models."""

    def __init__(self, db: Database, artifact_root: str) -> None:
        self.db = db
        self.artifact_root = artifact_root

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None,
        tags_in: Sequence[RegistryTag],
        run_link: str | None,
        description: str | None,
        model_id: str | None,
    ) -> ModelVersion:
        tag_values = check_tags(tags_in)
        description = check_description(description)
        if run_link:
            fit_value(run_link, MAX_RUN_LINK, "run_link", truncate=False)
        prompt = tag_values.get(IS_PROMPT_TAG, "false").lower() == "true"

        def create(conn: Connection) -> ModelVersion:
            model = model_by_name(conn, name)
            resolved = resolve_source(
                conn,
                source,
                run_id or None,
                model_id or None,
                prompt=prompt,
                artifact_root=self.artifact_root,
            )
            now = now_ms()
            # Increment in the database: the row lock serializes concurrent creates, and each
            # then reads its own number (never a stale one that would collide).
            rm = registered_models.c
            conn.execute(
                update(registered_models)
                .where(rm.model_pk == model.model_pk)
                .values(last_version=rm.last_version + 1, last_updated_time=now)
            )
            number = conn.execute(
                select(rm.last_version).where(rm.model_pk == model.model_pk)
            ).scalar_one()
            conn.execute(
                model_versions.insert().values(
                    model_pk=model.model_pk,
                    version=number,
                    creation_time=now,
                    last_updated_time=now,
                    description=description,
                    current_stage=Stage.NONE.value,
                    source=source,
                    storage_location=resolved.storage_location,
                    run_id=resolved.run_id,
                    run_link=run_link or None,
                    model_id=resolved.model_id,
                    status=VERSION_READY,
                )
            )
            row = version_row(conn, name, number)
            if tag_values:
                conn.execute(
                    model_version_tags.insert(),
                    [
                        {"version_pk": row.version_pk, "key": k, "value": v}
                        for k, v in tag_values.items()
                    ],
                )
            return load_versions(conn, [row])[0]

        version: ModelVersion = self.db.run_write(create)
        return version

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        with self.db.read() as conn:
            return load_versions(conn, [version_row(conn, name, version)])[0]

    def get_model_version_download_uri(self, name: str, version: str) -> str:
        with self.db.read() as conn:
            location: str = version_row(conn, name, version).storage_location
            return location

    def update_model_version(
        self, name: str, version: str, description: str | None
    ) -> ModelVersion:
        description = check_description(description)

        def change(conn: Connection) -> ModelVersion:
            row = version_row(conn, name, version)
            conn.execute(
                update(model_versions)
                .where(model_versions.c.version_pk == row.version_pk)
                .values(description=description, last_updated_time=now_ms())
            )
            return load_versions(conn, [version_row(conn, name, version)])[0]

        result: ModelVersion = self.db.run_write(change)
        return result

    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool
    ) -> ModelVersion:
        target = canonical_stage(stage)
        if archive_existing_versions and target not in ARCHIVING_STAGES:
            raise InvalidParameter(
                f"Model version transition cannot archive existing model versions because "
                f"'{target}' is not an Active stage. Valid stages are "
                f"{', '.join(ARCHIVING_STAGES)}."
            )

        def change(conn: Connection) -> ModelVersion:
            row = version_row(conn, name, version)
            now = now_ms()
            mv = model_versions.c
            if archive_existing_versions:
                conn.execute(
                    update(model_versions)
                    .where(
                        mv.model_pk == row.model_pk,
                        mv.current_stage == target,
                        mv.version_pk != row.version_pk,
                    )
                    .values(current_stage=Stage.ARCHIVED.value, last_updated_time=now)
                )
            conn.execute(
                update(model_versions)
                .where(mv.version_pk == row.version_pk)
                .values(current_stage=target, last_updated_time=now)
            )
            conn.execute(
                update(registered_models)
                .where(registered_models.c.model_pk == row.model_pk)
                .values(last_updated_time=now)
            )
            return load_versions(conn, [version_row(conn, name, version)])[0]

        result: ModelVersion = self.db.run_write(change)
        return result

    def delete_model_version(self, name: str, version: str) -> None:
        def change(conn: Connection) -> None:
            row = version_row(conn, name, version)
            # Aliases and tags of the version go with it.
            conn.execute(
                delete(registered_model_aliases).where(
                    registered_model_aliases.c.version_pk == row.version_pk
                )
            )
            conn.execute(
                delete(model_version_tags).where(model_version_tags.c.version_pk == row.version_pk)
            )
            conn.execute(
                delete(model_versions).where(model_versions.c.version_pk == row.version_pk)
            )
            conn.execute(
                update(registered_models)
                .where(registered_models.c.model_pk == row.model_pk)
                .values(last_updated_time=now_ms())
            )

        self.db.run_write(change)

    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        values = check_tags([RegistryTag(key, value)])

        def write(conn: Connection) -> None:
            row = version_row(conn, name, version)
            upsert(
                conn,
                model_version_tags,
                [{"version_pk": row.version_pk, "key": key, "value": values[key]}],
                ["version_pk", "key"],
                ["value"],
            )

        self.db.run_write(write)

    def delete_model_version_tag(self, name: str, version: str, key: str) -> None:
        validate_key(key, "Tag")

        def write(conn: Connection) -> None:
            row = version_row(conn, name, version)
            t = model_version_tags.c
            conn.execute(
                delete(model_version_tags).where(t.version_pk == row.version_pk, t.key == key)
            )

        self.db.run_write(write)

    def search_model_versions(
        self,
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> ModelVersionRows:
        """One page of versions as plain rows: pages run to 200,000 versions, too many to build
        entities for. Raises InvalidParameter for a bad filter, order_by or page token."""
        query = build_model_version_search(filter_string, list(order_by), max_results, page_token)
        with self.db.read() as conn:
            result = conn.execute(query.statement)
            # Plain driver tuples: these columns need no conversion, and SQLAlchemy's
            # per-row processing would cost a tenth of the whole read.
            rows, token = query.page(result.cursor.fetchall())
            result.close()
            if not rows:
                return ModelVersionRows([], {}, {}, token)
            model_pks = sorted({r[MODEL_PK_AT] for r in rows})
            tags, aliases = version_children(conn, [r[0] for r in rows], model_pks)
            return ModelVersionRows(rows, tags, aliases, token)
