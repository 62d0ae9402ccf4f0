"""Logged models in an ``mlruns`` tree: where their folders are, and reading one back.

A model lives in ``<experiment dir>/models/<model_id>/``: ``meta.yaml`` (the status as MLflow's
enum number), ``params/<key>`` and ``tags/<key>`` files, and ``metrics/<key>`` with one line per
point, ``<timestamp> <value> <step> <run_id>`` plus ``<dataset_name> <dataset_digest>`` when
the point names a dataset. A missing run id, dataset name or digest is written ``None``, and
whitespace and ``%`` in them percent-encoded, so every line keeps its field count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from runhub.entities import LifecycleStage
from runhub.entities.logged_model import (
    LOGGED_MODEL_STATUS_NUMBERS,
    LoggedModel,
    LoggedModelStatus,
    ModelKeyValue,
    ModelMetric,
)
from runhub.store.file.files import META, key_files, read_key_values, read_yaml, write_yaml
from runhub.store.file.layout import METRICS, PARAMS, TAGS, MlrunsTree
from runhub.store.logged_model_rules import model_not_found
from runhub.validation import clamp_metric_value

MODELS = "models"
STATUS_NUMBERS = {name: number for number, name in LOGGED_MODEL_STATUS_NUMBERS.items()}
# MLflow's own spellings (LoggedModelStatus names), should a meta.yaml hold one.
_SHORT_STATUS = {s.value.removeprefix("LOGGED_MODEL_"): s.value for s in LoggedModelStatus}
# At most 255 characters: the longest folder name a file system holds.
_MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,254}")
_MISSING = "None"
_ESCAPED = re.compile(r"[%\s]")


class ModelFolders:
    """Finds model folders by id in any experiment, active or in the trash."""

    def __init__(self, tree: MlrunsTree) -> None:
        self.tree = tree
        self._experiment: dict[str, str] = {}

    def find(self, model_id: str) -> Path | None:
        if not _MODEL_ID.fullmatch(model_id):
            return None
        known = self._experiment.get(model_id)
        if known is not None:
            exp_dir = self.tree.experiment_dir(known)
            if exp_dir is not None and (exp_dir / MODELS / model_id / META).is_file():
                return exp_dir / MODELS / model_id
        for exp_dir in self.tree.experiment_dirs():
            if (exp_dir / MODELS / model_id / META).is_file():
                self.remember(model_id, exp_dir.name)
                return exp_dir / MODELS / model_id
        return None

    def existing(self, model_id: str, allow_deleted: bool = False) -> tuple[Path, dict[str, Any]]:
        """The folder and meta.yaml of a model; 404 when there is none (or it is deleted)."""
        model_dir = self.find(model_id)
        if model_dir is None:
            raise model_not_found(model_id)
        try:
            meta = read_yaml(model_dir / META)
        except FileNotFoundError:
            raise model_not_found(model_id) from None
        if not allow_deleted and lifecycle_stage(meta) != LifecycleStage.ACTIVE:
            raise model_not_found(model_id)
        return model_dir, meta

    def in_experiment(self, exp_dir: Path) -> Iterator[Path]:
        """The model folders of one experiment."""
        models = exp_dir / MODELS
        if not models.is_dir():
            return
        for child in sorted(models.iterdir()):
            if _MODEL_ID.fullmatch(child.name) and (child / META).is_file():
                self.remember(child.name, exp_dir.name)
                yield child

    def remember(self, model_id: str, experiment_id: str) -> None:
        self._experiment[model_id] = experiment_id


def lifecycle_stage(meta: dict[str, Any]) -> str:
    # MLflow drops the field when it finalizes a model: absent means active.
    return str(meta.get("lifecycle_stage") or LifecycleStage.ACTIVE)


def status_name(value: Any) -> str:
    """A status from meta.yaml (MLflow writes the enum number) as its name."""
    if isinstance(value, int):
        return LOGGED_MODEL_STATUS_NUMBERS.get(value, LoggedModelStatus.UNSPECIFIED.value)
    text = str(value or "")
    if text in STATUS_NUMBERS:
        return text
    return _SHORT_STATUS.get(text.upper(), LoggedModelStatus.UNSPECIFIED.value)


def write_model_meta(model_dir: Path, meta: dict[str, Any], **changes: Any) -> None:
    """Rewrite a model's meta.yaml with ``changes`` (fields runhub does not know are kept)."""
    updated = {**meta, **changes}
    if isinstance(updated.get("status"), str):
        updated["status"] = STATUS_NUMBERS.get(status_name(updated["status"]), 0)
    write_yaml(model_dir / META, updated)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def read_model(model_dir: Path, meta: dict[str, Any] | None = None) -> LoggedModel:
    """The whole model in ``model_dir``; ids come from the folders, as readers find models."""
    meta = read_yaml(model_dir / META) if meta is None else meta
    return LoggedModel(
        model_id=model_dir.name,
        experiment_id=model_dir.parent.parent.name,
        name=str(meta.get("name") or ""),
        artifact_uri=str(meta.get("artifact_location") or ""),
        creation_timestamp_ms=_int(meta.get("creation_timestamp")),
        last_updated_timestamp_ms=_int(meta.get("last_updated_timestamp")),
        status=status_name(meta.get("status")),
        model_type=_text(meta.get("model_type")),
        source_run_id=_text(meta.get("source_run_id")),
        status_message=_text(meta.get("status_message")),
        tags=tuple(ModelKeyValue(k, v) for k, v in read_key_values(model_dir / TAGS)),
        params=tuple(ModelKeyValue(k, v) for k, v in read_key_values(model_dir / PARAMS)),
        metrics=tuple(read_model_metrics(model_dir)),
    )


def read_model_metrics(model_dir: Path) -> list[ModelMetric]:
    """Every point of every metric: keys in name order, each key's points as logged."""
    out: list[ModelMetric] = []
    for key, path in key_files(model_dir / METRICS):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        out.extend(parse_model_points(key, text))
    return out


def _encode(value: str | None) -> str:
    if not value:
        return _MISSING
    encoded = _ESCAPED.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), value)
    return "%4Eone" if encoded == _MISSING else encoded  # a real "None" stays itself


def _decode(token: str) -> str | None:
    return None if token == _MISSING else unquote(token)


def format_model_point(metric: ModelMetric) -> str:
    """One metric line of a logged model (the value already clamped, NaN as ``nan``)."""
    line = f"{metric.timestamp} {float(metric.value)!r} {metric.step} {_encode(metric.run_id)}"
    if metric.dataset_name or metric.dataset_digest:
        line += f" {_encode(metric.dataset_name)} {_encode(metric.dataset_digest)}"
    return line + "\n"


def parse_model_points(key: str, text: str) -> list[ModelMetric]:
    """The points of one metric file; a torn or malformed line is skipped."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) not in (3, 4, 6):
            continue
        try:
            timestamp, step = int(parts[0]), int(parts[2])
            value, is_nan = clamp_metric_value(float(parts[1]))
        except ValueError:
            continue
        run_id = _decode(parts[3]) if len(parts) > 3 else None
        dataset = (_decode(parts[4]), _decode(parts[5])) if len(parts) == 6 else (None, None)
        out.append(
            ModelMetric(key, float("nan") if is_nan else value, timestamp, step, run_id, *dataset)
        )
    return out
