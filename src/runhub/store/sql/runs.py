"""Runs on a SQL database: create, read, update, delete, restore, search."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from runhub.entities import (
    LifecycleStage,
    Page,
    Run,
    RunData,
    RunInfo,
    RunStatus,
    RunTag,
    ViewType,
)
from runhub.errors import NotFound
from runhub.store.experiment_rules import parse_experiment_id
from runhub.store.new_run import (
    RUN_NAME_TAG,
    check_new_run,
    require_active_experiment,
)
from runhub.store.sql.db import Database, inserted_id
from runhub.store.sql.run_rows import active_run_row, load_runs, run_info, run_row
from runhub.store.sql.search.runs import build_run_search
from runhub.store.sql.upsert import upsert
from runhub.store.tables import experiments, runs, tags
from runhub.times import now_ms


class SqlRunStore:
    """The run lifecycle and run search."""

    def __init__(self, db: Database, truncate_long_values: bool = True) -> None:
        self.db = db
        self.truncate = truncate_long_values

    def create_run(
        self,
        experiment_id: str,
        user_id: str | None,
        start_time: int | None,
        tags_in: Sequence[RunTag],
        run_name: str | None,
    ) -> Run:
        exp_id = parse_experiment_id(experiment_id)
        new = check_new_run(tags_in, run_name, user_id, self.truncate)
        tag_values, name, user = new.tags, new.name, new.user_id
        run_id = uuid.uuid4().hex

        def create(conn: Connection) -> Run:
            exp = conn.execute(
                select(experiments.c.artifact_location, experiments.c.lifecycle_stage).where(
                    experiments.c.experiment_id == exp_id
                )
            ).first()
            if exp is None:
                raise NotFound(f"No Experiment with id={experiment_id} exists")
            require_active_experiment(experiment_id, exp.lifecycle_stage)
            info = RunInfo(
                run_id=run_id,
                experiment_id=str(exp_id),
                run_name=name,
                user_id=user,
                status=RunStatus.RUNNING.value,
                start_time=start_time if start_time is not None else now_ms(),
                end_time=None,
                artifact_uri=f"{exp.artifact_location}/{run_id}/artifacts",
                lifecycle_stage=LifecycleStage.ACTIVE,
            )
            result = conn.execute(
                runs.insert().values(
                    run_id=run_id,
                    experiment_id=exp_id,
                    name=name,
                    user_id=user,
                    status=info.status,
                    start_time=info.start_time,
                    lifecycle_stage=info.lifecycle_stage,
                    artifact_uri=info.artifact_uri,
                )
            )
            run_pk = inserted_id(result)
            conn.execute(
                tags.insert(),
                [{"run_pk": run_pk, "key": k, "value": v} for k, v in tag_values.items()],
            )
            # A new run has exactly what was just written: no need to read it back.
            return Run(
                info=info, data=RunData(tags=tuple(RunTag(k, v) for k, v in tag_values.items()))
            )

        run: Run = self.db.run_write(create)
        return run

    def get_run(self, run_id: str) -> Run:
        with self.db.read() as conn:
            return load_runs(conn, [run_row(conn, run_id)])[0]

    def update_run(
        self, run_id: str, status: str | None, end_time: int | None, run_name: str | None
    ) -> RunInfo:
        def change(conn: Connection) -> RunInfo:
            row = active_run_row(conn, run_id)
            values: dict[str, object] = {}
            if status is not None:
                values["status"] = status
            if end_time is not None:
                values["end_time"] = end_time
            if run_name:
                values["name"] = run_name
                upsert(
                    conn,
                    tags,
                    [{"run_pk": row.run_pk, "key": RUN_NAME_TAG, "value": run_name}],
                    ["run_pk", "key"],
                    ["value"],
                )
            if values:
                conn.execute(update(runs).where(runs.c.run_pk == row.run_pk).values(**values))
                row = conn.execute(select(runs).where(runs.c.run_pk == row.run_pk)).one()
            return run_info(row)

        info: RunInfo = self.db.run_write(change)
        return info

    def _set_stage(self, run_id: str, stage: str, deleted_time: int | None) -> None:
        def change(conn: Connection) -> None:
            row = run_row(conn, run_id)
            conn.execute(
                update(runs)
                .where(runs.c.run_pk == row.run_pk)
                .values(lifecycle_stage=stage, deleted_time=deleted_time)
            )

        self.db.run_write(change)

    def delete_run(self, run_id: str) -> None:
        self._set_stage(run_id, LifecycleStage.DELETED, now_ms())

    def restore_run(self, run_id: str) -> None:
        self._set_stage(run_id, LifecycleStage.ACTIVE, None)

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str,
        view_type: ViewType,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[Run]:
        exp_ids: list[int] = []
        for e in experiment_ids:
            try:
                exp_ids.append(int(e))
            except ValueError:
                continue
        query = build_run_search(
            exp_ids, filter_string, view_type, list(order_by), max_results, page_token
        )
        with self.db.read() as conn:
            rows = conn.execute(query.statement).all()
            page_rows, token = query.page(rows)
            pks = [r.run_pk for r in page_rows]
            full = {}
            for i in range(0, len(pks), 500):
                for r in conn.execute(select(runs).where(runs.c.run_pk.in_(pks[i : i + 500]))):
                    full[r.run_pk] = r
            ordered = [full[pk] for pk in pks if pk in full]
            return Page(load_runs(conn, ordered), token)
