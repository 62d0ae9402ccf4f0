"""Run lineage: dataset inputs, model inputs and model outputs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from runhub.entities import CONTEXT_TAG, DatasetInput, DatasetSummary, ModelInput, ModelOutput
from runhub.errors import InvalidParameter, NotFound
from runhub.store.experiment_rules import parse_experiment_id
from runhub.store.lineage_rules import MAX_SEARCH_DATASET_EXPERIMENTS, validate_dataset_input
from runhub.store.sql.db import Database, inserted_id
from runhub.store.sql.run_rows import RunRow, active_run_row, run_row
from runhub.store.sql.upsert import insert_ignore, upsert
from runhub.store.tables import dataset_inputs, datasets, input_tags, model_inputs, model_outputs


class SqlLineageStore:
    """Datasets and models consumed or produced by runs."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def log_inputs(
        self, run_id: str, inputs: Sequence[DatasetInput], models: Sequence[ModelInput]
    ) -> None:
        for item in inputs:
            validate_dataset_input(item)

        def write(conn: Connection) -> None:
            row = active_run_row(conn, run_id)
            for item in inputs:
                _write_dataset_input(conn, row, item)
            insert_ignore(
                conn, model_inputs, [{"run_pk": row.run_pk, "model_id": m.model_id} for m in models]
            )

        self.db.run_write(write)

    def log_outputs(self, run_id: str, models: Sequence[ModelOutput]) -> None:
        def write(conn: Connection) -> None:
            row = run_row(conn, run_id)
            upsert(
                conn,
                model_outputs,
                [{"run_pk": row.run_pk, "model_id": m.model_id, "step": m.step} for m in models],
                ["run_pk", "model_id"],
                ["step"],
            )

        self.db.run_write(write)

    def search_datasets(self, experiment_ids: Sequence[str]) -> list[DatasetSummary]:
        if not experiment_ids:
            raise InvalidParameter(
                "SearchDatasets request must specify at least one experiment_id."
            )
        if len(experiment_ids) > MAX_SEARCH_DATASET_EXPERIMENTS:
            raise InvalidParameter(
                f"At most {MAX_SEARCH_DATASET_EXPERIMENTS} experiment ids may be given; "
                f"got {len(experiment_ids)}."
            )
        ids = _known_shapes(experiment_ids)
        d, di = datasets.c, dataset_inputs.c
        with self.db.read() as conn:
            rows = conn.execute(
                select(d.experiment_id, d.name, d.digest, di.context)
                .join_from(datasets, dataset_inputs, di.dataset_pk == d.dataset_pk)
                .where(d.experiment_id.in_(ids))
                .distinct()
                .order_by(d.experiment_id, d.name, d.digest, di.context)
            ).all()
        return [DatasetSummary(str(r[0]), r[1], r[2], r[3]) for r in rows]


def _known_shapes(experiment_ids: Sequence[str]) -> list[int]:
    """The ids that could name an experiment; others (past int64, not digits) match nothing."""
    ids = []
    for experiment_id in experiment_ids:
        try:
            ids.append(parse_experiment_id(experiment_id))
        except (InvalidParameter, NotFound):
            continue
    return ids


def _write_dataset_input(conn: Connection, row: RunRow, item: DatasetInput) -> None:
    d = item.dataset
    dc = datasets.c
    found = conn.execute(
        select(dc.dataset_pk).where(
            dc.experiment_id == row.experiment_id, dc.name == d.name, dc.digest == d.digest
        )
    ).first()
    if found is None:
        dataset_pk = inserted_id(
            conn.execute(
                datasets.insert().values(
                    experiment_id=row.experiment_id,
                    name=d.name,
                    digest=d.digest,
                    source_type=d.source_type,
                    source=d.source,
                    schema=d.schema,
                    profile=d.profile,
                )
            )
        )
    else:
        dataset_pk = found[0]
    tags = {t.key: t.value for t in item.tags}
    di = dataset_inputs.c
    existing = conn.execute(
        select(di.input_pk).where(di.run_pk == row.run_pk, di.dataset_pk == dataset_pk)
    ).first()
    if existing is not None:
        return
    input_pk = inserted_id(
        conn.execute(
            dataset_inputs.insert().values(
                run_pk=row.run_pk, dataset_pk=dataset_pk, context=tags.get(CONTEXT_TAG)
            )
        )
    )
    if tags:
        conn.execute(
            input_tags.insert(),
            [{"input_pk": input_pk, "key": k, "value": v} for k, v in tags.items()],
        )
