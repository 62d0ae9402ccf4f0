"""Evaluation datasets in SQL: create, read, search, delete, tags and experiment links.

Records live in ``evaluation_dataset_records.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Row

from runhub.entities.evaluation_dataset import (
    DatasetRecord,
    EvaluationDataset,
    RecordInput,
    UpsertCounts,
)
from runhub.entities.paging import Page
from runhub.errors import NotFound
from runhub.store.evaluation_dataset_rules import dataset_digest, new_dataset_id, user_of
from runhub.store.evaluation_dataset_tables import evaluation_dataset_experiments as links
from runhub.store.evaluation_dataset_tables import evaluation_dataset_records
from runhub.store.evaluation_dataset_tables import evaluation_dataset_tags as T
from runhub.store.evaluation_dataset_tables import evaluation_datasets as D
from runhub.store.sql import evaluation_dataset_records as records
from runhub.store.sql.db import Database, inserted_id
from runhub.store.sql.evaluation_dataset_records import dataset_row
from runhub.store.sql.search.evaluation_datasets import build_dataset_search
from runhub.store.sql.upsert import upsert
from runhub.store.tables import experiments
from runhub.times import now_ms


def _entity(conn: Connection, row: Row[Any]) -> EvaluationDataset:
    tag_rows = conn.execute(select(T.c.key, T.c.value).where(T.c.dataset_pk == row.dataset_pk))
    return EvaluationDataset(
        dataset_id=row.dataset_id,
        name=row.name,
        digest=row.digest,
        created_time=row.created_time,
        last_update_time=row.last_update_time,
        record_count=row.record_count,
        schema=row.schema,
        created_by=row.created_by,
        last_updated_by=row.last_updated_by,
        tags={key: value for key, value in tag_rows},
    )


def _as_id(text: str) -> int | None:
    """An experiment id as the integer key, or None when no experiment can have it."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _existing_experiments(conn: Connection, experiment_ids: Sequence[str]) -> list[int]:
    """The ids as integers, in order without repeats; NotFound names the first unknown one."""
    wanted = {item: _as_id(item) for item in experiment_ids}
    column = experiments.c.experiment_id
    known = [i for i in wanted.values() if i is not None]
    found = {int(r[0]) for r in conn.execute(select(column).where(column.in_(known)))}
    for item, number in wanted.items():
        if number not in found:
            raise NotFound(f"No Experiment with id={item} exists")
    return list(dict.fromkeys(i for i in wanted.values() if i is not None))


def _linked(conn: Connection, dataset_pk: int) -> set[int]:
    rows = conn.execute(select(links.c.experiment_id).where(links.c.dataset_pk == dataset_pk))
    return {int(r[0]) for r in rows}


class SqlEvaluationDatasetStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create_dataset(
        self, name: str, experiment_ids: Sequence[str], tags: Mapping[str, str]
    ) -> EvaluationDataset:
        now = now_ms()
        user = user_of(tags)

        def write(conn: Connection) -> EvaluationDataset:
            linked = _existing_experiments(conn, experiment_ids)
            dataset_id = new_dataset_id()
            pk = inserted_id(
                conn.execute(
                    insert(D).values(
                        dataset_id=dataset_id,
                        name=name,
                        digest=dataset_digest(name, now),
                        schema=None,
                        record_count=0,
                        created_time=now,
                        last_update_time=now,
                        created_by=user,
                        last_updated_by=user,
                    )
                )
            )
            if tags:
                rows = [{"dataset_pk": pk, "key": k, "value": v} for k, v in tags.items()]
                conn.execute(insert(T), rows)
            if linked:
                conn.execute(
                    insert(links), [{"dataset_pk": pk, "experiment_id": e} for e in linked]
                )
            return _entity(conn, dataset_row(conn, dataset_id))

        result: EvaluationDataset = self._db.run_write(write)
        return result

    def get_dataset(self, dataset_id: str) -> EvaluationDataset:
        with self._db.read() as conn:
            return _entity(conn, dataset_row(conn, dataset_id))

    def delete_dataset(self, dataset_id: str) -> None:
        """Removes the dataset with its records, tags and links; a missing one is a no-op."""

        def write(conn: Connection) -> None:
            pk = conn.execute(select(D.c.dataset_pk).where(D.c.dataset_id == dataset_id)).scalar()
            if pk is not None:
                purge_datasets(conn, [pk])

        self._db.run_write(write)

    def search_datasets(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[EvaluationDataset]:
        ids = [i for i in map(_as_id, experiment_ids) if i is not None]
        if experiment_ids and not ids:
            ids = [-1]  # only unknown experiments named: nothing matches
        search = build_dataset_search(ids, filter_string, order_by, max_results, page_token)
        with self._db.read() as conn:
            rows, token = search.page(conn.execute(search.statement).all())
            pks = [r.dataset_pk for r in rows]
            found = {
                r.dataset_pk: r for r in conn.execute(select(D).where(D.c.dataset_pk.in_(pks)))
            }
            items = [_entity(conn, found[pk]) for pk in pks if pk in found]
        return Page(items, token)

    def set_dataset_tags(self, dataset_id: str, tags: Mapping[str, str]) -> None:
        def write(conn: Connection) -> None:
            try:
                pk = dataset_row(conn, dataset_id).dataset_pk
            except NotFound:
                raise NotFound(f"Could not find evaluation dataset with ID {dataset_id}") from None
            rows = [{"dataset_pk": pk, "key": k, "value": v} for k, v in tags.items()]
            upsert(conn, T, rows, ["dataset_pk", "key"], ["value"])

        self._db.run_write(write)

    def delete_dataset_tag(self, dataset_id: str, key: str) -> None:
        """Idempotent: a missing dataset or key is not an error."""

        def write(conn: Connection) -> None:
            pk = select(D.c.dataset_pk).where(D.c.dataset_id == dataset_id).scalar_subquery()
            conn.execute(delete(T).where(T.c.dataset_pk == pk, T.c.key == key))

        self._db.run_write(write)

    def dataset_experiment_ids(self, dataset_id: str) -> list[str]:
        with self._db.read() as conn:
            pk = dataset_row(conn, dataset_id).dataset_pk
            return [str(e) for e in sorted(_linked(conn, pk))]

    def add_dataset_experiments(
        self, dataset_id: str, experiment_ids: Sequence[str]
    ) -> EvaluationDataset:
        def write(conn: Connection) -> EvaluationDataset:
            row = dataset_row(conn, dataset_id, lock=True)
            wanted = _existing_experiments(conn, experiment_ids)
            new = [e for e in wanted if e not in _linked(conn, row.dataset_pk)]
            if new:
                conn.execute(
                    insert(links), [{"dataset_pk": row.dataset_pk, "experiment_id": e} for e in new]
                )
            _touch(conn, row.dataset_pk)
            return _entity(conn, dataset_row(conn, dataset_id))

        result: EvaluationDataset = self._db.run_write(write)
        return result

    def remove_dataset_experiments(
        self, dataset_id: str, experiment_ids: Sequence[str]
    ) -> EvaluationDataset:
        ids = [i for i in map(_as_id, experiment_ids) if i is not None]

        def write(conn: Connection) -> EvaluationDataset:
            row = dataset_row(conn, dataset_id, lock=True)
            removed = conn.execute(
                delete(links).where(
                    links.c.dataset_pk == row.dataset_pk, links.c.experiment_id.in_(ids)
                )
            ).rowcount
            if removed:
                _touch(conn, row.dataset_pk)
            return _entity(conn, dataset_row(conn, dataset_id))

        result: EvaluationDataset = self._db.run_write(write)
        return result

    def upsert_records(self, dataset_id: str, batch: Sequence[RecordInput]) -> UpsertCounts:
        return records.upsert_records(self._db, dataset_id, batch)

    def records_page(
        self, dataset_id: str, max_results: int, page_token: str | None
    ) -> Page[DatasetRecord]:
        return records.records_page(self._db, dataset_id, max_results, page_token)

    def delete_records(self, dataset_id: str, record_ids: Sequence[str]) -> int:
        return records.delete_records(self._db, dataset_id, record_ids)


def _touch(conn: Connection, dataset_pk: int) -> None:
    conn.execute(update(D).where(D.c.dataset_pk == dataset_pk).values(last_update_time=now_ms()))


def purge_datasets(conn: Connection, dataset_pks: Sequence[int]) -> None:
    """Delete datasets with their records, tags and links, children first."""
    for table in (evaluation_dataset_records, T, links):
        conn.execute(delete(table).where(table.c.dataset_pk.in_(dataset_pks)))
    conn.execute(delete(D).where(D.c.dataset_pk.in_(dataset_pks)))
