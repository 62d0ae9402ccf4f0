"""Experiments and runs as read from their folders (meta.yaml plus key files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runhub.entities import (
    Dataset,
    DatasetInput,
    Experiment,
    ExperimentTag,
    InputTag,
    LifecycleStage,
    Metric,
    ModelInput,
    ModelOutput,
    Param,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunOutputs,
    RunStatus,
    RunTag,
)
from runhub.entities.run import RUN_STATUS_NUMBERS
from runhub.store.file.files import (
    META,
    StoredPoint,
    key_files,
    read_key_values,
    read_points,
    read_yaml,
)
from runhub.store.file.layout import DATASETS, INPUTS, METRICS, OUTPUTS, PARAMS, TAGS, TRASH
from runhub.store.new_run import RUN_NAME_TAG

STATUS_NUMBERS = {name: number for number, name in RUN_STATUS_NUMBERS.items()}
NAN = float("nan")


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def status_name(value: Any) -> str:
    """A run status from meta.yaml (MLflow writes the enum number) as its name."""
    if isinstance(value, int):
        return RUN_STATUS_NUMBERS.get(value, RunStatus.RUNNING.value)
    return str(value) if value else RunStatus.RUNNING.value


def read_experiment(exp_dir: Path) -> Experiment:
    meta = read_yaml(exp_dir / META)
    # A folder in .trash is a deleted experiment whatever its meta.yaml says: early MLflow
    # 2.x moved the folder there without rewriting lifecycle_stage.
    stage = str(meta.get("lifecycle_stage") or LifecycleStage.ACTIVE)
    if exp_dir.parent.name == TRASH:
        stage = LifecycleStage.DELETED
    return Experiment(
        experiment_id=exp_dir.name,  # the folder is the id readers looked it up by
        name=str(meta.get("name", "")),
        artifact_location=str(meta.get("artifact_location") or ""),
        lifecycle_stage=stage,
        creation_time=_int(meta.get("creation_time")),
        last_update_time=_int(meta.get("last_update_time")),
        tags=tuple(ExperimentTag(k, v) for k, v in read_key_values(exp_dir / TAGS)),
    )


def run_info_of(meta: dict[str, Any], run_dir: Path, run_name: str | None = None) -> RunInfo:
    """A run's info from its meta.yaml; ids come from the folders, as readers find runs."""
    end = meta.get("end_time")
    return RunInfo(
        run_id=run_dir.name,
        experiment_id=run_dir.parent.name,
        run_name=str(meta.get("run_name") or run_name or ""),
        user_id=str(meta.get("user_id") or ""),
        status=status_name(meta.get("status")),
        start_time=_int(meta.get("start_time")),
        end_time=None if end is None else _int(end),
        artifact_uri=str(meta.get("artifact_uri") or ""),
        lifecycle_stage=str(meta.get("lifecycle_stage") or LifecycleStage.ACTIVE),
    )


def latest_point(points: list[StoredPoint]) -> StoredPoint:
    """Latest-value order, as the SQL store: highest step, then timestamp, non-NaN, value."""
    return max(points, key=lambda p: (p[0], p[1], not p[3], p[2]))


# A metric file's latest point, by path, with the size and modification time it was read at.
# Metric files only ever grow (points are appended), so an unchanged size and mtime mean an
# unchanged file: searches and run pages stop re-reading whole histories to find one point.
_LATEST: dict[str, tuple[int, int, StoredPoint | None]] = {}
_LATEST_MAX = 200_000


def latest_in_file(path: Path) -> StoredPoint | None:
    """The latest point of one metric file (None when it has none), read only when changed."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = str(path)
    known = _LATEST.get(key)
    if known is not None and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
        return known[2]
    # Stamped with the stat taken before the read: a point appended meanwhile changes the
    # size, so the next call reads the file again rather than trusting this entry.
    points = read_points(path)
    latest = latest_point(points) if points else None
    if len(_LATEST) >= _LATEST_MAX:
        _LATEST.clear()
    _LATEST[key] = (stat.st_size, stat.st_mtime_ns, latest)
    return latest


def read_latest_metrics(run_dir: Path) -> list[Metric]:
    out = []
    for key, path in key_files(run_dir / METRICS):
        latest = latest_in_file(path)
        if latest is not None:
            step, timestamp, value, is_nan = latest
            out.append(Metric(key, NAN if is_nan else value, timestamp, step))
    return out


def read_run(run_dir: Path) -> Run:
    """The whole run in ``run_dir``: info, latest metrics, params, tags, inputs and outputs."""
    meta = read_yaml(run_dir / META)
    tags = [RunTag(k, v) for k, v in read_key_values(run_dir / TAGS)]
    tagged_name = next((t.value for t in tags if t.key == RUN_NAME_TAG), None)
    dataset_inputs, model_inputs = read_inputs(run_dir)
    return Run(
        info=run_info_of(meta, run_dir, tagged_name),
        data=RunData(
            metrics=tuple(read_latest_metrics(run_dir)),
            params=tuple(Param(k, v) for k, v in read_key_values(run_dir / PARAMS)),
            tags=tuple(tags),
        ),
        inputs=RunInputs(dataset_inputs=tuple(dataset_inputs), model_inputs=tuple(model_inputs)),
        outputs=RunOutputs(model_outputs=tuple(read_outputs(run_dir))),
    )


def read_dataset(dataset_dir: Path) -> Dataset | None:
    if not (dataset_dir / META).is_file():
        return None
    d = read_yaml(dataset_dir / META)
    return Dataset(
        name=str(d.get("name") or ""),
        digest=str(d.get("digest") or ""),
        source_type=str(d.get("source_type") or ""),
        source=str(d.get("source") or ""),
        schema=None if d.get("schema") is None else str(d["schema"]),
        profile=None if d.get("profile") is None else str(d["profile"]),
    )


def _subdirs(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if (p / META).is_file())


def read_inputs(run_dir: Path) -> tuple[list[DatasetInput], list[ModelInput]]:
    datasets: list[DatasetInput] = []
    models: list[ModelInput] = []
    for input_dir in _subdirs(run_dir / INPUTS):
        meta = read_yaml(input_dir / META)
        source_id = str(meta.get("source_id") or "")
        if meta.get("source_type") == "MODEL":
            models.append(ModelInput(source_id))
            continue
        if meta.get("source_type") != "DATASET" or "/" in source_id or source_id.startswith("."):
            continue
        dataset = read_dataset(run_dir.parent / DATASETS / source_id)
        if dataset is not None:
            tags = meta.get("tags") or {}
            datasets.append(
                DatasetInput(dataset, tuple(InputTag(str(k), str(v)) for k, v in tags.items()))
            )
    return datasets, models


def read_outputs(run_dir: Path) -> list[ModelOutput]:
    out = []
    for output_dir in _subdirs(run_dir / OUTPUTS):
        meta = read_yaml(output_dir / META)
        out.append(
            ModelOutput(str(meta.get("source_id") or output_dir.name), _int(meta.get("step")))
        )
    return out
