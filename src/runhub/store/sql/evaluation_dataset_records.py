"""Records of evaluation datasets in SQL: upsert by inputs, keyset pages, delete by id.

An upsert works through the batch in chunks inside one transaction that holds the dataset's
row lock: per chunk one query finds the records already stored with the same inputs, then one
multi-row INSERT and one executemany UPDATE write it. Memory stays at one chunk whatever the
dataset's size, and concurrent upserts into one dataset queue on the lock instead of racing on
the unique inputs digest.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Row

from runhub.entities.evaluation_dataset import DatasetRecord, RecordInput, UpsertCounts
from runhub.entities.paging import Page
from runhub.errors import InvalidParameter, NotFound
from runhub.store.evaluation_dataset_rules import (
    dataset_digest,
    extend_schema,
    inputs_digest,
    merge_json,
    new_record_id,
    source_id_of,
    source_type_of,
    user_of,
)
from runhub.store.evaluation_dataset_tables import evaluation_dataset_records as R
from runhub.store.evaluation_dataset_tables import evaluation_datasets as D
from runhub.store.sql.db import Database
from runhub.times import now_ms

CHUNK = 500  # records per lookup/insert/update round trip (well under every bind limit)
DEFAULT_PAGE = 1000
MAX_PAGE = 10_000  # a larger max_results is served in pages of this size (with a token)
EMPTY_OUTPUTS = "{}"
# Each of a record's inputs, outputs, expectations, tags and source, as stored (after a merge).
MAX_RECORD_FIELD_BYTES = (
    8 * 1024 * 1024
)  # what a record inserted without outputs shows, as in MLflow


def _text(value: Any, field: str) -> str:
    """``value`` as stored: JSON text (ASCII, so characters are bytes) of bounded size."""
    text = json.dumps(value)
    if len(text) > MAX_RECORD_FIELD_BYTES:
        raise InvalidParameter(
            f"A record's {field} is larger than {MAX_RECORD_FIELD_BYTES} bytes as JSON."
        )
    return text


def dataset_row(conn: Connection, dataset_id: str, *, lock: bool = False) -> Row[Any]:
    """The dataset's row (locked for the transaction when ``lock``); NotFound if missing."""
    query = select(D).where(D.c.dataset_id == dataset_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"Evaluation dataset with id '{dataset_id}' not found")
    return row


@dataclass
class _Change:
    """A record of this chunk as it will be written: a new row, or an update of ``record_pk``."""

    record_pk: int | None
    values: dict[str, Any]


def _new_row(dataset_pk: int, digest: str, record: RecordInput, now: int) -> dict[str, Any]:
    user = user_of(record.tags)
    if record.has_outputs:
        outputs = None if record.outputs is None else _text(record.outputs, "outputs")
    else:
        outputs = EMPTY_OUTPUTS
    return {
        "record_id": new_record_id(),
        "dataset_pk": dataset_pk,
        "inputs_digest": digest,
        "inputs": _text(record.inputs, "inputs"),
        "outputs": outputs,
        "expectations": _text(record.expectations, "expectations") if record.expectations else None,
        "tags": _text(record.tags, "tags") if record.tags else None,
        "source": _text(record.source, "source") if record.source else None,
        "source_type": source_type_of(record.source),
        "source_id": source_id_of(record.source),
        "created_time": now,
        "last_update_time": now,
        "created_by": user,
        "last_updated_by": user,
    }


def _merge(values: dict[str, Any], record: RecordInput, now: int) -> None:
    """Apply ``record`` to a stored record's ``values`` (outputs, expectations, tags, times)."""
    if record.has_outputs:
        values["outputs"] = None if record.outputs is None else _text(record.outputs, "outputs")
    for column, incoming in (("expectations", record.expectations), ("tags", record.tags)):
        if incoming:
            stored = json.loads(values[column]) if values[column] else None
            values[column] = _text(
                merge_json(stored if isinstance(stored, dict) else {}, incoming), column
            )
    values["last_update_time"] = now
    user = user_of(record.tags)
    if user is not None:
        values["last_updated_by"] = user


_MUTABLE = ("outputs", "expectations", "tags", "last_update_time", "last_updated_by")


def _write_chunk(
    conn: Connection, dataset_pk: int, chunk: Sequence[RecordInput], now: int
) -> tuple[int, int]:
    digests = [inputs_digest(r.inputs) for r in chunk]
    stored = conn.execute(
        select(R.c.record_pk, R.c.inputs_digest, *(R.c[c] for c in _MUTABLE)).where(
            R.c.dataset_pk == dataset_pk, R.c.inputs_digest.in_(set(digests))
        )
    )
    changes: dict[str, _Change] = {
        row.inputs_digest: _Change(row.record_pk, {c: row._mapping[c] for c in _MUTABLE})
        for row in stored
    }
    inserted = updated = 0
    for digest, record in zip(digests, chunk, strict=True):
        change = changes.get(digest)
        if change is None:
            changes[digest] = _Change(None, _new_row(dataset_pk, digest, record, now))
            inserted += 1
        else:
            _merge(change.values, record, now)
            updated += 1
    new_rows = [c.values for c in changes.values() if c.record_pk is None]
    if new_rows:
        conn.execute(insert(R), new_rows)
    updates = [
        {"pk": c.record_pk, **{f"new_{k}": c.values[k] for k in _MUTABLE}}
        for c in changes.values()
        if c.record_pk is not None
    ]
    if updates:
        statement = (
            update(R)
            .where(R.c.record_pk == bindparam("pk"))
            .values({c: bindparam(f"new_{c}") for c in _MUTABLE})
        )
        conn.execute(statement, updates)
    return inserted, updated


def upsert_records(db: Database, dataset_id: str, batch: Sequence[RecordInput]) -> UpsertCounts:
    """Insert the records whose inputs are new to the dataset, merge the others (see the
    module's rules); NotFound for an unknown dataset."""

    def write(conn: Connection) -> UpsertCounts:
        dataset = dataset_row(conn, dataset_id, lock=True)
        now = now_ms()
        inserted = updated = 0
        for start in range(0, len(batch), CHUNK):
            added, changed = _write_chunk(
                conn, dataset.dataset_pk, batch[start : start + CHUNK], now
            )
            inserted, updated = inserted + added, updated + changed
        last_user = user_of(batch[-1].tags) if batch else dataset.last_updated_by
        conn.execute(
            update(D)
            .where(D.c.dataset_pk == dataset.dataset_pk)
            .values(
                record_count=D.c.record_count + inserted,
                schema=extend_schema(dataset.schema, batch) if batch else dataset.schema,
                digest=dataset_digest(dataset.name, now),
                last_update_time=now,
                last_updated_by=last_user,
            )
        )
        return UpsertCounts(inserted, updated)

    result: UpsertCounts = db.run_write(write)
    return result


def _encode_token(record_pk: int) -> str:
    return base64.urlsafe_b64encode(f"record:{record_pk}".encode()).decode()


def _decode_token(token: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "record" and value.isascii() and value.isdigit() and len(value) < 19:
            return int(value)
    except (ValueError, UnicodeError, binascii.Error):
        pass
    raise InvalidParameter(f"Invalid page token '{token}'.")


def _record(row: Row[Any], dataset_id: str) -> DatasetRecord:
    def load(text: str | None) -> Any:
        return None if text is None else json.loads(text)

    return DatasetRecord(
        dataset_record_id=row.record_id,
        dataset_id=dataset_id,
        inputs=load(row.inputs),
        outputs=load(row.outputs),
        expectations=load(row.expectations),
        tags=load(row.tags),
        source=load(row.source),
        source_type=row.source_type,
        source_id=row.source_id,
        created_time=row.created_time,
        last_update_time=row.last_update_time,
        created_by=row.created_by,
        last_updated_by=row.last_updated_by,
    )


def records_page(
    db: Database, dataset_id: str, max_results: int, page_token: str | None
) -> Page[DatasetRecord]:
    """Up to ``max_results`` (at most MAX_PAGE) records after the token's, in insertion
    order; NotFound for an unknown dataset, InvalidParameter for a bad token."""
    size = min(max_results or DEFAULT_PAGE, MAX_PAGE)
    after = _decode_token(page_token) if page_token else 0
    with db.read() as conn:
        pk = conn.execute(select(D.c.dataset_pk).where(D.c.dataset_id == dataset_id)).scalar()
        if pk is None:
            raise NotFound(f"Evaluation dataset with id '{dataset_id}' not found")
        rows = conn.execute(
            select(R)
            .where(R.c.dataset_pk == pk, R.c.record_pk > after)
            .order_by(R.c.record_pk)
            .limit(size + 1)
        ).all()
    page = [_record(r, dataset_id) for r in rows[:size]]
    token = _encode_token(rows[size - 1].record_pk) if len(rows) > size else None
    return Page(page, token)


def delete_records(db: Database, dataset_id: str, record_ids: Sequence[str]) -> int:
    """Delete these records of the dataset (unknown ids are skipped); how many were deleted."""
    wanted = sorted(set(record_ids))

    def write(conn: Connection) -> int:
        dataset = dataset_row(conn, dataset_id, lock=True)
        deleted = 0
        for start in range(0, len(wanted), CHUNK):
            deleted += conn.execute(
                delete(R).where(
                    R.c.dataset_pk == dataset.dataset_pk,
                    R.c.record_id.in_(wanted[start : start + CHUNK]),
                )
            ).rowcount
        if deleted:
            conn.execute(
                update(D)
                .where(D.c.dataset_pk == dataset.dataset_pk)
                .values(record_count=D.c.record_count - deleted)
            )
        return deleted

    result: int = db.run_write(write)
    return result
