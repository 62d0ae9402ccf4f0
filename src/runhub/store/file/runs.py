"""Runs in an ``mlruns`` tree: create, read, update, delete, restore, search."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
from runhub.errors import InvalidParameter, NotFound
from runhub.search.in_memory import search_runs_in_memory
from runhub.store.file.files import META, read_yaml, write_key, write_yaml
from runhub.store.file.layout import ARTIFACTS, METRICS, PARAMS, TAGS, MlrunsTree
from runhub.store.file.records import (
    STATUS_NUMBERS,
    read_experiment,
    read_run,
    run_info_of,
)
from runhub.store.new_run import RUN_NAME_TAG, check_new_run, require_active_experiment
from runhub.times import now_ms

LOCAL_SOURCE_TYPE = 4  # MLflow's SourceType.LOCAL, written for older readers


def active_run_dir(tree: MlrunsTree, run_id: str | None) -> tuple[Path, dict[str, Any]]:
    """The folder and meta.yaml of a run that may be written to; refuses deleted runs."""
    run_dir = tree.run_dir(run_id)
    meta = read_yaml(run_dir / META)
    stage = meta.get("lifecycle_stage") or LifecycleStage.ACTIVE
    if stage != LifecycleStage.ACTIVE:
        raise InvalidParameter(
            f"The run {run_id} must be in the 'active' state. Current state is {stage}."
        )
    return run_dir, meta


def write_run_meta(run_dir: Path, meta: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Rewrite a run's meta.yaml with ``changes`` (fields runhub does not know are kept)."""
    updated = {**meta, **changes}
    if isinstance(updated.get("status"), str):
        updated["status"] = STATUS_NUMBERS.get(updated["status"], 1)
    write_yaml(run_dir / META, updated)
    return updated


class FileRunStore:
    """The run lifecycle and run search."""

    def __init__(self, tree: MlrunsTree, truncate_long_values: bool = True) -> None:
        self.tree = tree
        self.truncate = truncate_long_values

    def create_run(
        self,
        experiment_id: str,
        user_id: str | None,
        start_time: int | None,
        tags_in: Sequence[RunTag],
        run_name: str | None,
    ) -> Run:
        new = check_new_run(tags_in, run_name, user_id, self.truncate)
        tag_values, name = new.tags, new.name
        exp_dir = self.tree.existing_experiment_dir(experiment_id)
        experiment = read_experiment(exp_dir)
        require_active_experiment(experiment_id, experiment.lifecycle_stage)
        run_id = uuid.uuid4().hex
        info = RunInfo(
            run_id=run_id,
            experiment_id=exp_dir.name,
            run_name=name,
            user_id=new.user_id,
            status=RunStatus.RUNNING.value,
            start_time=start_time if start_time is not None else now_ms(),
            end_time=None,
            artifact_uri=f"{experiment.artifact_location.rstrip('/')}/{run_id}/artifacts",
            lifecycle_stage=LifecycleStage.ACTIVE,
        )
        run_dir = exp_dir / run_id
        for sub in (METRICS, PARAMS, TAGS, ARTIFACTS):
            (run_dir / sub).mkdir(parents=True, exist_ok=True)
        for key, value in tag_values.items():
            write_key(run_dir / TAGS, key, value, "tag")
        # meta.yaml last: readers find the run only once it is complete.
        write_run_meta(
            run_dir,
            {
                "artifact_uri": info.artifact_uri,
                "deleted_time": None,
                "end_time": None,
                "entry_point_name": "",
                "experiment_id": info.experiment_id,
                "lifecycle_stage": info.lifecycle_stage,
                "run_id": run_id,
                "run_name": name,
                "source_name": "",
                "source_type": LOCAL_SOURCE_TYPE,
                "source_version": "",
                "start_time": info.start_time,
                "status": info.status,
                "tags": [],
                "user_id": info.user_id,
            },
        )
        self.tree.remember_run(run_id, info.experiment_id)
        return Run(info=info, data=RunData(tags=tuple(RunTag(k, v) for k, v in tag_values.items())))

    def get_run(self, run_id: str) -> Run:
        return read_run(self.tree.run_dir(run_id))

    def update_run(
        self, run_id: str, status: str | None, end_time: int | None, run_name: str | None
    ) -> RunInfo:
        with self.tree.locked():
            run_dir, meta = active_run_dir(self.tree, run_id)
            changes: dict[str, Any] = {}
            if status is not None:
                changes["status"] = status
            if end_time is not None:
                changes["end_time"] = end_time
            if run_name:
                changes["run_name"] = run_name
                write_key(run_dir / TAGS, RUN_NAME_TAG, run_name, "tag")
            if changes:
                meta = write_run_meta(run_dir, meta, **changes)
            return run_info_of(meta, run_dir)

    def _set_stage(self, run_id: str, stage: str, deleted_time: int | None) -> None:
        with self.tree.locked():
            run_dir = self.tree.run_dir(run_id)
            meta = read_yaml(run_dir / META)
            write_run_meta(run_dir, meta, lifecycle_stage=stage, deleted_time=deleted_time)

    def delete_run(self, run_id: str) -> None:
        self._set_stage(run_id, LifecycleStage.DELETED, now_ms())

    def restore_run(self, run_id: str) -> None:
        self._set_stage(run_id, LifecycleStage.ACTIVE, None)

    def runs_of(self, experiment_ids: Sequence[str], view_type: ViewType) -> list[Run]:
        """Every run of the experiments whose lifecycle stage ``view_type`` selects."""
        wanted = {
            ViewType.ACTIVE_ONLY: {LifecycleStage.ACTIVE},
            ViewType.DELETED_ONLY: {LifecycleStage.DELETED},
        }.get(view_type, {LifecycleStage.ACTIVE, LifecycleStage.DELETED})
        out: list[Run] = []
        seen: set[str] = set()
        for experiment_id in experiment_ids:
            try:
                exp_dir = self.tree.experiment_dir(experiment_id)
            except (InvalidParameter, NotFound):
                continue
            if exp_dir is None or exp_dir.name in seen:
                continue
            seen.add(exp_dir.name)
            for run_dir in self.tree.run_dirs(exp_dir):
                try:
                    run = read_run(run_dir)
                except FileNotFoundError:
                    continue  # removed while listing
                if run.info.lifecycle_stage in wanted:
                    out.append(run)
        return out

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str,
        view_type: ViewType,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[Run]:
        return search_runs_in_memory(
            self.runs_of(experiment_ids, view_type),
            filter_string,
            order_by,
            max_results,
            page_token,
            ("runs", tuple(str(e) for e in experiment_ids), int(view_type)),
        )
