"""Registered models on a SQL database: lifecycle, tags, aliases, latest versions, search."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from runhub.entities import Page
from runhub.entities.registry import ModelVersion, RegisteredModel, RegistryTag
from runhub.errors import AlreadyExists, InvalidParameter
from runhub.store.registry_tables import (
    model_version_tags,
    model_versions,
    registered_model_aliases,
    registered_model_tags,
    registered_models,
)
from runhub.store.sql.db import Database, inserted_id
from runhub.store.sql.registry_checks import (
    canonical_stage,
    check_description,
    check_tags,
    validate_alias,
    validate_model_name,
)
from runhub.store.sql.registry_rows import (
    latest_version_rows,
    load_models,
    load_versions,
    model_by_name,
    version_row,
)
from runhub.store.sql.search.registry import build_registered_model_search
from runhub.store.sql.upsert import upsert
from runhub.times import now_ms
from runhub.validation import validate_key


class SqlRegisteredModelStore:
    """Registered models, their tags and aliases."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create_registered_model(
        self, name: str, tags_in: Sequence[RegistryTag], description: str | None
    ) -> RegisteredModel:
        validate_model_name(name)
        tag_values = check_tags(tags_in)
        description = check_description(description)

        def create(conn: Connection) -> RegisteredModel:
            if conn.execute(
                select(registered_models.c.model_pk).where(registered_models.c.name == name)
            ).first():
                raise AlreadyExists(f"Registered Model (name={name}) already exists.")
            now = now_ms()
            pk = inserted_id(
                conn.execute(
                    registered_models.insert().values(
                        name=name,
                        creation_time=now,
                        last_updated_time=now,
                        description=description,
                        last_version=0,
                    )
                )
            )
            if tag_values:
                conn.execute(
                    registered_model_tags.insert(),
                    [{"model_pk": pk, "key": k, "value": v} for k, v in tag_values.items()],
                )
            return load_models(conn, [model_by_name(conn, name)])[0]

        try:
            model: RegisteredModel = self.db.run_write(create)
        except IntegrityError:  # a concurrent create of the same name won
            raise AlreadyExists(f"Registered Model (name={name}) already exists.") from None
        return model

    def get_registered_model(self, name: str) -> RegisteredModel:
        with self.db.read() as conn:
            return load_models(conn, [model_by_name(conn, name)])[0]

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        validate_model_name(new_name)

        def change(conn: Connection) -> RegisteredModel:
            row = model_by_name(conn, name)
            if (
                new_name != name
                and conn.execute(
                    select(registered_models.c.model_pk).where(registered_models.c.name == new_name)
                ).first()
            ):
                raise AlreadyExists(f"Registered Model (name={new_name}) already exists.")
            conn.execute(
                update(registered_models)
                .where(registered_models.c.model_pk == row.model_pk)
                .values(name=new_name, last_updated_time=now_ms())
            )
            return load_models(conn, [model_by_name(conn, new_name)])[0]

        try:
            model: RegisteredModel = self.db.run_write(change)
        except IntegrityError:
            raise AlreadyExists(f"Registered Model (name={new_name}) already exists.") from None
        return model

    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        description = check_description(description)

        def change(conn: Connection) -> RegisteredModel:
            row = model_by_name(conn, name)
            conn.execute(
                update(registered_models)
                .where(registered_models.c.model_pk == row.model_pk)
                .values(description=description, last_updated_time=now_ms())
            )
            return load_models(conn, [model_by_name(conn, name)])[0]

        model: RegisteredModel = self.db.run_write(change)
        return model

    def delete_registered_model(self, name: str) -> None:
        def change(conn: Connection) -> None:
            row = model_by_name(conn, name)
            # Children first: not every backend cascades across all the paths.
            conn.execute(
                delete(registered_model_aliases).where(
                    registered_model_aliases.c.model_pk == row.model_pk
                )
            )
            versions = select(model_versions.c.version_pk).where(
                model_versions.c.model_pk == row.model_pk
            )
            conn.execute(
                delete(model_version_tags).where(model_version_tags.c.version_pk.in_(versions))
            )
            conn.execute(delete(model_versions).where(model_versions.c.model_pk == row.model_pk))
            conn.execute(
                delete(registered_model_tags).where(
                    registered_model_tags.c.model_pk == row.model_pk
                )
            )
            conn.execute(
                delete(registered_models).where(registered_models.c.model_pk == row.model_pk)
            )

        self.db.run_write(change)

    def search_registered_models(
        self,
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[RegisteredModel]:
        query = build_registered_model_search(
            filter_string, list(order_by), max_results, page_token
        )
        with self.db.read() as conn:
            rows, token = query.page(conn.execute(query.statement).all())
            pks = [r.model_pk for r in rows]
            full = {
                r.model_pk: r
                for r in conn.execute(
                    select(registered_models).where(registered_models.c.model_pk.in_(pks))
                )
            }
            return Page(load_models(conn, [full[pk] for pk in pks if pk in full]), token)

    def get_latest_versions(self, name: str, stages: Sequence[str]) -> list[ModelVersion]:
        wanted = [canonical_stage(s) for s in stages] if stages else None
        with self.db.read() as conn:
            row = model_by_name(conn, name)
            return load_versions(conn, latest_version_rows(conn, [row.model_pk], wanted))

    # -- tags ---------------------------------------------------------------------------
    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        values = check_tags([RegistryTag(key, value)])

        def write(conn: Connection) -> None:
            row = model_by_name(conn, name)
            upsert(
                conn,
                registered_model_tags,
                [{"model_pk": row.model_pk, "key": key, "value": values[key]}],
                ["model_pk", "key"],
                ["value"],
            )

        self.db.run_write(write)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        validate_key(key, "Tag")

        def write(conn: Connection) -> None:
            row = model_by_name(conn, name)
            t = registered_model_tags.c
            conn.execute(
                delete(registered_model_tags).where(t.model_pk == row.model_pk, t.key == key)
            )

        self.db.run_write(write)

    # -- aliases ------------------------------------------------------------------------
    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        validate_alias(alias)

        def write(conn: Connection) -> None:
            target = version_row(conn, name, version)
            upsert(
                conn,
                registered_model_aliases,
                [{"model_pk": target.model_pk, "alias": alias, "version_pk": target.version_pk}],
                ["model_pk", "alias"],
                ["version_pk"],
            )

        self.db.run_write(write)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        validate_alias(alias)

        def write(conn: Connection) -> None:
            row = model_by_name(conn, name)
            a = registered_model_aliases.c
            conn.execute(
                delete(registered_model_aliases).where(a.model_pk == row.model_pk, a.alias == alias)
            )

        self.db.run_write(write)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        with self.db.read() as conn:
            row = model_by_name(conn, name)
            a = registered_model_aliases.c
            found = conn.execute(
                select(model_versions)
                .join_from(
                    registered_model_aliases,
                    model_versions,
                    model_versions.c.version_pk == a.version_pk,
                )
                .where(a.model_pk == row.model_pk, a.alias == alias)
            ).first()
            if found is None:
                # A missing alias is a 400 INVALID_PARAMETER_VALUE, as MLflow answers it.
                raise InvalidParameter(f"Registered model alias {alias} not found.")
            return load_versions(conn, [found])[0]
