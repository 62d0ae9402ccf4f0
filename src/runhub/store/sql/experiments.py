"""Experiments on a SQL database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from runhub.entities import Experiment, ExperimentTag, LifecycleStage, Page, ViewType
from runhub.errors import AlreadyExists, InvalidParameter, NotFound
from runhub.store.experiment_rules import (
    DEFAULT_EXPERIMENT_ID,
    DEFAULT_EXPERIMENT_NAME,
    check_new_experiment,
    parse_experiment_id,
    validate_experiment_tag,
)
from runhub.store.sql.db import Database, inserted_id
from runhub.store.sql.search.experiments import build_experiment_search
from runhub.store.sql.upsert import upsert
from runhub.store.tables import experiment_tags, experiments
from runhub.times import now_ms
from runhub.validation import (
    validate_experiment_name,
)


class SqlExperimentStore:
    """Create, read, search and change experiments."""

    def __init__(self, db: Database, artifact_root: str) -> None:
        self.db = db
        self.artifact_root = artifact_root

    # -- writes ---------------------------------------------------------------------------
    def ensure_default_experiment(self) -> None:
        """Create experiment 0 ('Default') on a new database."""

        def create(conn: Connection) -> None:
            exists = conn.execute(
                select(experiments.c.experiment_id).where(
                    experiments.c.experiment_id == DEFAULT_EXPERIMENT_ID
                )
            ).first()
            if exists is not None:
                return
            taken = conn.execute(
                select(experiments.c.experiment_id).where(
                    experiments.c.name == DEFAULT_EXPERIMENT_NAME
                )
            ).first()
            if taken is not None:
                return
            if self.db.dialect in ("mysql", "mariadb"):
                # Inserting 0 into an AUTO_INCREMENT column would otherwise allocate a new id.
                conn.exec_driver_sql(
                    "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')"
                )
            now = now_ms()
            conn.execute(
                experiments.insert().values(
                    experiment_id=DEFAULT_EXPERIMENT_ID,
                    name=DEFAULT_EXPERIMENT_NAME,
                    artifact_location=f"{self.artifact_root}/{DEFAULT_EXPERIMENT_ID}",
                    lifecycle_stage=LifecycleStage.ACTIVE,
                    creation_time=now,
                    last_update_time=now,
                )
            )

        self.db.run_write(create)

    def create_experiment(
        self, name: str, artifact_location: str | None, tags: Sequence[ExperimentTag]
    ) -> str:
        check_new_experiment(name, artifact_location, tags)

        def create(conn: Connection) -> int:
            now = now_ms()
            try:
                result = conn.execute(
                    experiments.insert().values(
                        name=name,
                        artifact_location=artifact_location or "",
                        lifecycle_stage=LifecycleStage.ACTIVE,
                        creation_time=now,
                        last_update_time=now,
                    )
                )
            except IntegrityError:
                raise AlreadyExists(f"Experiment '{name}' already exists.") from None
            new_id = inserted_id(result)
            if not artifact_location:
                conn.execute(
                    update(experiments)
                    .where(experiments.c.experiment_id == new_id)
                    .values(artifact_location=f"{self.artifact_root}/{new_id}")
                )
            if tags:
                last = {t.key: t.value for t in tags}
                conn.execute(
                    experiment_tags.insert(),
                    [{"experiment_id": new_id, "key": k, "value": v} for k, v in last.items()],
                )
            return new_id

        try:
            return str(self.db.run_write(create))
        except IntegrityError:
            raise AlreadyExists(f"Experiment '{name}' already exists.") from None

    def _change(self, experiment_id: str, *, expect_stage: str | None, **values: object) -> None:
        exp_id = parse_experiment_id(experiment_id)

        def change(conn: Connection) -> None:
            row = _experiment_row(conn, exp_id)
            if expect_stage is not None and row.lifecycle_stage != expect_stage:
                raise InvalidParameter(
                    f"Cannot change experiment {experiment_id}: its lifecycle stage is "
                    f"'{row.lifecycle_stage}', expected '{expect_stage}'."
                )
            conn.execute(
                update(experiments)
                .where(experiments.c.experiment_id == exp_id)
                .values(last_update_time=now_ms(), **values)
            )

        try:
            self.db.run_write(change)
        except IntegrityError:
            raise AlreadyExists(f"Experiment '{values.get('name')}' already exists.") from None

    def delete_experiment(self, experiment_id: str) -> None:
        if parse_experiment_id(experiment_id) == DEFAULT_EXPERIMENT_ID:
            raise InvalidParameter("Cannot delete the default experiment '0'.")
        self._change(
            experiment_id,
            expect_stage=LifecycleStage.ACTIVE,
            lifecycle_stage=LifecycleStage.DELETED,
            deleted_time=now_ms(),
        )

    def restore_experiment(self, experiment_id: str) -> None:
        self._change(
            experiment_id,
            expect_stage=LifecycleStage.DELETED,
            lifecycle_stage=LifecycleStage.ACTIVE,
            deleted_time=None,
        )

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        validate_experiment_name(new_name)
        self._change(experiment_id, expect_stage=LifecycleStage.ACTIVE, name=new_name)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        validate_experiment_tag(key, value)
        exp_id = parse_experiment_id(experiment_id)

        def write(conn: Connection) -> None:
            row = _experiment_row(conn, exp_id)
            if row.lifecycle_stage != LifecycleStage.ACTIVE:
                raise InvalidParameter(
                    f"The experiment {experiment_id} must be in the 'active' state. "
                    f"Current state is {row.lifecycle_stage}."
                )
            upsert(
                conn,
                experiment_tags,
                [{"experiment_id": exp_id, "key": key, "value": value}],
                ["experiment_id", "key"],
                ["value"],
            )

        self.db.run_write(write)

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        exp_id = parse_experiment_id(experiment_id)

        def write(conn: Connection) -> None:
            _experiment_row(conn, exp_id)
            result = conn.execute(
                delete(experiment_tags).where(
                    experiment_tags.c.experiment_id == exp_id, experiment_tags.c.key == key
                )
            )
            if result.rowcount == 0:
                raise NotFound(f"No tag with name: {key} in experiment with id {experiment_id}")

        self.db.run_write(write)

    # -- reads ----------------------------------------------------------------------------
    def get_experiment(self, experiment_id: str) -> Experiment:
        exp_id = parse_experiment_id(experiment_id)
        with self.db.read() as conn:
            return _load(conn, [_experiment_row(conn, exp_id)])[0]

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        with self.db.read() as conn:
            rows = list(conn.execute(select(experiments).where(experiments.c.name == name)))
            if not rows:
                return None
            rows.sort(key=lambda r: r.lifecycle_stage != LifecycleStage.ACTIVE)
            return _load(conn, rows[:1])[0]

    def get_experiments(self, experiment_ids: Sequence[int]) -> dict[int, Experiment]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(experiments).where(experiments.c.experiment_id.in_(experiment_ids))
            ).all()
            return {int(e.experiment_id): e for e in _load(conn, rows)}

    def search_experiments(
        self,
        view_type: ViewType,
        max_results: int,
        filter_string: str,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[Experiment]:
        query = build_experiment_search(
            filter_string, view_type, list(order_by), max_results, page_token
        )
        with self.db.read() as conn:
            rows = conn.execute(query.statement).all()
            page_rows, token = query.page(rows)
            ids = [int(r.experiment_id) for r in page_rows]
            full = conn.execute(
                select(experiments).where(experiments.c.experiment_id.in_(ids))
            ).all()
            by_id = {int(e.experiment_id): e for e in _load(conn, full)}
        return Page([by_id[i] for i in ids if i in by_id], token)

    def count(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(experiments)).scalar_one())


def _experiment_row(conn: Connection, exp_id: int) -> Row[tuple[object, ...]]:
    row = conn.execute(select(experiments).where(experiments.c.experiment_id == exp_id)).first()
    if row is None:
        raise NotFound(f"No Experiment with id={exp_id} exists")
    return row


def _load(conn: Connection, rows: Sequence[Row[tuple[object, ...]]]) -> list[Experiment]:
    if not rows:
        return []
    ids = [r.experiment_id for r in rows]
    tags: dict[int, list[ExperimentTag]] = defaultdict(list)
    for t in conn.execute(select(experiment_tags).where(experiment_tags.c.experiment_id.in_(ids))):
        tags[t.experiment_id].append(ExperimentTag(t.key, t.value))
    return [
        Experiment(
            experiment_id=str(r.experiment_id),
            name=r.name,
            artifact_location=r.artifact_location,
            lifecycle_stage=r.lifecycle_stage,
            creation_time=r.creation_time,
            last_update_time=r.last_update_time,
            tags=tuple(tags[r.experiment_id]),
        )
        for r in rows
    ]
