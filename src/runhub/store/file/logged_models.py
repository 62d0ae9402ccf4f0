"""Logged models (MLflow 3) in an ``mlruns`` tree: lifecycle, tags, params, metrics, search.

Checks, errors and search semantics are the SQL store's (``logged_model_rules.py``, the shared
search grammar); the folders are MLflow's FileStore layout (``model_folders.py``), so either
side reads the other's models. A request is validated whole before anything is written, and
``meta.yaml`` of a new model is written last: readers see a model only once it is complete.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from runhub.entities import LifecycleStage, Page
from runhub.entities.logged_model import (
    DatasetFilter,
    LoggedModel,
    LoggedModelOrder,
    LoggedModelStatus,
    ModelKeyValue,
    ModelMetric,
)
from runhub.errors import InvalidParameter, NotFound
from runhub.search.in_memory import search_logged_models_in_memory
from runhub.store.experiment_rules import parse_experiment_id
from runhub.store.file.files import (
    META,
    append_text,
    confine,
    key_clash,
    read_yaml,
    reject_nested_keys,
    writable_key_path,
    write_key,
)
from runhub.store.file.layout import METRICS, PARAMS, TAGS, MlrunsTree
from runhub.store.file.model_folders import (
    MODELS,
    STATUS_NUMBERS,
    ModelFolders,
    format_model_point,
    lifecycle_stage,
    read_model,
    write_model_meta,
)
from runhub.store.file.records import read_experiment
from runhub.store.logged_model_rules import (
    check_final_status,
    check_model_name,
    check_params,
    check_tags,
    inactive_experiment,
    model_tag_not_found,
    new_model_id,
)
from runhub.times import now_ms
from runhub.validation import clamp_metric_value, validate_key, validate_timestamp


def _write_keys(base: Path, values: dict[str, str], what: str) -> None:
    """Write key files, after checking that none clashes with another key's folder."""
    reject_nested_keys(values, what)
    for key in values:
        writable_key_path(base, key, what)
    for key, value in values.items():
        write_key(base, key, value, what)


class FileLoggedModelStore:
    """Create, finalize, read, search and annotate logged models."""

    def __init__(self, tree: MlrunsTree) -> None:
        self.tree = tree
        self.folders = ModelFolders(tree)

    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None,
        model_type: str | None,
        source_run_id: str | None,
        params_in: Sequence[ModelKeyValue],
        tags_in: Sequence[ModelKeyValue],
    ) -> LoggedModel:
        exp_id = str(parse_experiment_id(experiment_id))
        name = check_model_name(name)
        param_values = check_params(params_in)
        tag_values = check_tags(tags_in)
        model_id = new_model_id()
        with self.tree.locked():
            exp_dir = self.tree.experiment_dir(exp_id)
            if exp_dir is None:
                raise NotFound(f"No Experiment with id={experiment_id} exists")
            experiment = read_experiment(exp_dir)
            if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
                raise inactive_experiment(experiment_id)
            if source_run_id:
                self.tree.run_dir(source_run_id)  # 404 when there is no such run
            model_dir = exp_dir / MODELS / model_id
            reject_nested_keys(tag_values, "tag")  # both checked before either is written
            _write_keys(model_dir / PARAMS, param_values, "param")
            _write_keys(model_dir / TAGS, tag_values, "tag")
            (model_dir / METRICS).mkdir(parents=True, exist_ok=True)
            now = now_ms()
            location = experiment.artifact_location.rstrip("/")
            write_model_meta(
                model_dir,
                {
                    "artifact_location": f"{location}/{MODELS}/{model_id}/artifacts",
                    "creation_timestamp": now,
                    "experiment_id": exp_dir.name,
                    "last_updated_timestamp": now,
                    "lifecycle_stage": LifecycleStage.ACTIVE,
                    "model_id": model_id,
                    "model_type": model_type or None,
                    "name": name,
                    "source_run_id": source_run_id or None,
                    "status": STATUS_NUMBERS[LoggedModelStatus.PENDING.value],
                    "status_message": None,
                },
            )
            self.folders.remember(model_id, exp_dir.name)
            return read_model(model_dir)

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        model_dir, meta = self.folders.existing(model_id, allow_deleted)
        return read_model(model_dir, meta)

    def finalize_logged_model(self, model_id: str, status: str) -> LoggedModel:
        check_final_status(status)
        with self.tree.locked():
            model_dir, meta = self.folders.existing(model_id)
            write_model_meta(
                model_dir, meta, status=STATUS_NUMBERS[status], last_updated_timestamp=now_ms()
            )
            return read_model(model_dir)

    def delete_logged_model(self, model_id: str) -> None:
        with self.tree.locked():
            model_dir, meta = self.folders.existing(model_id)
            write_model_meta(
                model_dir,
                meta,
                lifecycle_stage=LifecycleStage.DELETED,
                last_updated_timestamp=now_ms(),
            )

    def _write_items(self, model_id: str, folder: str, values: dict[str, str], what: str) -> Path:
        with self.tree.locked():
            model_dir, meta = self.folders.existing(model_id)
            _write_keys(model_dir / folder, values, what)
            write_model_meta(model_dir, meta, last_updated_timestamp=now_ms())
            return model_dir

    def set_logged_model_tags(self, model_id: str, tags_in: Sequence[ModelKeyValue]) -> LoggedModel:
        model_dir = self._write_items(model_id, TAGS, check_tags(tags_in), "tag")
        return read_model(model_dir)

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        with self.tree.locked():
            model_dir, _meta = self.folders.existing(model_id)
            try:
                validate_key(key, "Tag")
                confine(model_dir / TAGS, key, "tag").unlink()
            except (InvalidParameter, FileNotFoundError, IsADirectoryError, NotADirectoryError):
                raise model_tag_not_found(model_id, key) from None

    def log_logged_model_params(self, model_id: str, params_in: Sequence[ModelKeyValue]) -> None:
        self._write_items(model_id, PARAMS, check_params(params_in), "param")

    def log_model_metrics(self, model_id: str, metrics: Sequence[ModelMetric]) -> None:
        """Record metric points against a logged model (log-metric/log-batch with model_id)."""
        lines: dict[str, list[str]] = {}
        for m in metrics:
            validate_key(m.key, "Metric")
            validate_timestamp(m.timestamp)
            value, is_nan = clamp_metric_value(m.value)
            point = ModelMetric(
                m.key,
                float("nan") if is_nan else value,
                m.timestamp,
                m.step,
                m.run_id,
                m.dataset_name or None,
                m.dataset_digest or None,
            )
            lines.setdefault(m.key, []).append(format_model_point(point))
        model_dir, _meta = self.folders.existing(model_id)
        reject_nested_keys(lines, "metric")
        paths = {key: writable_key_path(model_dir / METRICS, key, "metric") for key in lines}
        for key, text in lines.items():
            try:
                append_text(paths[key], "".join(text))
            except (IsADirectoryError, NotADirectoryError, FileExistsError):
                raise key_clash(key, "metric") from None  # created by a concurrent request

    def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        datasets: Sequence[DatasetFilter],
        order_by: Sequence[LoggedModelOrder],
        max_results: int,
        page_token: str | None,
    ) -> Page[LoggedModel]:
        ids = [int(e) for e in experiment_ids if str(e).isdigit()]
        return search_logged_models_in_memory(
            self._active_models(ids),
            ids,
            filter_string,
            datasets,
            order_by,
            max_results,
            page_token,
        )

    def _active_models(self, experiment_ids: Sequence[int]) -> list[LoggedModel]:
        out: list[LoggedModel] = []
        seen: set[str] = set()
        for experiment_id in experiment_ids:
            exp_dir = None
            with contextlib.suppress(InvalidParameter, NotFound):
                exp_dir = self.tree.experiment_dir(str(experiment_id))
            if exp_dir is None or exp_dir.name in seen:
                continue
            seen.add(exp_dir.name)
            for model_dir in self.folders.in_experiment(exp_dir):
                try:
                    meta = read_yaml(model_dir / META)
                    if lifecycle_stage(meta) == LifecycleStage.ACTIVE:
                        out.append(read_model(model_dir, meta))
                except FileNotFoundError:
                    continue  # removed while listing
        return out
