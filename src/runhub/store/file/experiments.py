"""Experiments in an ``mlruns`` tree: deleting one moves its folder into ``.trash``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runhub.entities import Experiment, ExperimentTag, LifecycleStage, Page, ViewType
from runhub.errors import AlreadyExists, InvalidParameter, NotFound
from runhub.search.in_memory import search_experiments_in_memory
from runhub.store.experiment_rules import (
    DEFAULT_EXPERIMENT_NAME,
    check_new_experiment,
    validate_experiment_tag,
)
from runhub.store.file.files import META, confine, read_yaml, write_key, write_yaml
from runhub.store.file.layout import (
    DEFAULT_EXPERIMENT_ID,
    TAGS,
    MlrunsTree,
    experiment_id_of,
    new_experiment_id,
)
from runhub.store.file.records import read_experiment
from runhub.times import now_ms
from runhub.validation import (
    validate_experiment_name,
    validate_key,
)


class FileExperimentStore:
    """Create, read, search and change experiments."""

    def __init__(self, tree: MlrunsTree, artifact_root: str) -> None:
        self.tree = tree
        self.artifact_root = artifact_root.rstrip("/")

    # -- writes ---------------------------------------------------------------------------
    def ensure_default_experiment(self) -> None:
        """Create the tree with experiment 0 ('Default') and ``.trash`` when they are missing."""
        self.tree.trash.mkdir(parents=True, exist_ok=True)
        with self.tree.locked():
            if self.tree.experiment_dir(DEFAULT_EXPERIMENT_ID) is not None:
                return
            if self.get_experiment_by_name(DEFAULT_EXPERIMENT_NAME) is not None:
                return
            self._write_new(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, None, [])

    def create_experiment(
        self, name: str, artifact_location: str | None, tags: Sequence[ExperimentTag]
    ) -> str:
        check_new_experiment(name, artifact_location, tags)
        with self.tree.locked():
            if self.get_experiment_by_name(name) is not None:
                raise AlreadyExists(f"Experiment '{name}' already exists.")
            exp_id = new_experiment_id()
            while self.tree.experiment_dir(exp_id) is not None:
                exp_id = new_experiment_id()
            self._write_new(exp_id, name, artifact_location, tags)
        return exp_id

    def _write_new(
        self,
        exp_id: str,
        name: str,
        artifact_location: str | None,
        tags: Sequence[ExperimentTag],
    ) -> None:
        exp_dir = self.tree.root / exp_id
        now = now_ms()
        for tag in tags:
            write_key(exp_dir / TAGS, tag.key, tag.value, "tag")
        # meta.yaml last: the experiment exists for readers only once it is complete.
        write_yaml(
            exp_dir / META,
            {
                "artifact_location": artifact_location or f"{self.artifact_root}/{exp_id}",
                "creation_time": now,
                "experiment_id": exp_id,
                "last_update_time": now,
                "lifecycle_stage": LifecycleStage.ACTIVE,
                "name": name,
                "workspace": "default",
            },
        )

    def _update_meta(self, exp_dir: Path, **values: Any) -> None:
        meta = read_yaml(exp_dir / META)
        meta.update(values, last_update_time=now_ms())
        write_yaml(exp_dir / META, meta)

    def _dir_in_stage(self, experiment_id: str, stage: str) -> Path:
        exp_dir = self.tree.existing_experiment_dir(experiment_id)
        current = read_experiment(exp_dir).lifecycle_stage
        if current != stage:
            raise InvalidParameter(
                f"Cannot change experiment {experiment_id}: its lifecycle stage is "
                f"'{current}', expected '{stage}'."
            )
        return exp_dir

    def delete_experiment(self, experiment_id: str) -> None:
        if experiment_id_of(experiment_id) == DEFAULT_EXPERIMENT_ID:
            raise InvalidParameter("Cannot delete the default experiment '0'.")
        with self.tree.locked():
            exp_dir = self._dir_in_stage(experiment_id, LifecycleStage.ACTIVE)
            self._update_meta(exp_dir, lifecycle_stage=LifecycleStage.DELETED)
            self.tree.trash.mkdir(parents=True, exist_ok=True)
            os.replace(exp_dir, self.tree.trash / exp_dir.name)

    def restore_experiment(self, experiment_id: str) -> None:
        with self.tree.locked():
            exp_dir = self._dir_in_stage(experiment_id, LifecycleStage.DELETED)
            target = self.tree.root / exp_dir.name
            if exp_dir != target:
                if target.exists():
                    raise AlreadyExists(
                        f"Cannot restore experiment {experiment_id}: an active experiment "
                        "already uses its folder."
                    )
                os.replace(exp_dir, target)
            self._update_meta(target, lifecycle_stage=LifecycleStage.ACTIVE)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        validate_experiment_name(new_name)
        with self.tree.locked():
            exp_dir = self._dir_in_stage(experiment_id, LifecycleStage.ACTIVE)
            other = self.get_experiment_by_name(new_name)
            if other is not None and other.experiment_id != exp_dir.name:
                raise AlreadyExists(f"Experiment '{new_name}' already exists.")
            self._update_meta(exp_dir, name=new_name)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        validate_experiment_tag(key, value)
        with self.tree.locked():
            exp_dir = self.tree.existing_experiment_dir(experiment_id)
            stage = read_experiment(exp_dir).lifecycle_stage
            if stage != LifecycleStage.ACTIVE:
                raise InvalidParameter(
                    f"The experiment {experiment_id} must be in the 'active' state. "
                    f"Current state is {stage}."
                )
            write_key(exp_dir / TAGS, key, value, "tag")

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        with self.tree.locked():
            exp_dir = self.tree.existing_experiment_dir(experiment_id)
            try:
                validate_key(key, "Tag")
                path = confine(exp_dir / TAGS, key, "tag")
                path.unlink()
            except (InvalidParameter, FileNotFoundError, IsADirectoryError):
                raise NotFound(
                    f"No tag with name: {key} in experiment with id {experiment_id}"
                ) from None

    # -- reads ----------------------------------------------------------------------------
    def get_experiment(self, experiment_id: str) -> Experiment:
        return read_experiment(self.tree.existing_experiment_dir(experiment_id))

    def all_experiments(self, view_type: ViewType = ViewType.ALL) -> list[Experiment]:
        out = []
        for exp_dir in self.tree.experiment_dirs(view_type):
            try:
                out.append(read_experiment(exp_dir))
            except FileNotFoundError:
                continue  # moved to or from the trash while listing
        return out

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        found = [e for e in self.all_experiments() if e.name == name]
        found.sort(key=lambda e: e.lifecycle_stage != LifecycleStage.ACTIVE)
        return found[0] if found else None

    def search_experiments(
        self,
        view_type: ViewType,
        max_results: int,
        filter_string: str,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[Experiment]:
        return search_experiments_in_memory(
            self.all_experiments(view_type),
            filter_string,
            order_by,
            max_results,
            page_token,
            ("experiments", int(view_type)),
        )
