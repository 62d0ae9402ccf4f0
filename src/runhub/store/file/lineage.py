"""Run lineage in an ``mlruns`` tree: dataset and model inputs, model outputs.

A dataset is stored once per experiment under ``datasets/<md5(name, digest)>``; each run that
used it has ``inputs/<md5(dataset id, run id)>/meta.yaml`` pointing at it, with the ids MLflow's
file store computes, so either side finds the other's entries.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from runhub.entities import CONTEXT_TAG, DatasetInput, DatasetSummary, ModelInput, ModelOutput
from runhub.errors import InvalidParameter, NotFound
from runhub.store.file.files import META, write_yaml
from runhub.store.file.layout import DATASETS, INPUTS, OUTPUTS, MlrunsTree
from runhub.store.file.records import read_inputs
from runhub.store.file.runs import active_run_dir
from runhub.store.lineage_rules import MAX_SEARCH_DATASET_EXPERIMENTS, validate_dataset_input

# At most 255 characters: the longest folder name a file system holds.
_MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,254}$")


def _md5(*parts: str) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for part in parts:
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()


def _model_id(model_id: str) -> str:
    if not _MODEL_ID.match(model_id) or ".." in model_id:
        raise InvalidParameter(f"Invalid model id '{model_id}'.")
    return model_id


class FileLineageStore:
    """Datasets and models consumed or produced by runs."""

    def __init__(self, tree: MlrunsTree) -> None:
        self.tree = tree

    def log_inputs(
        self, run_id: str, inputs: Sequence[DatasetInput], models: Sequence[ModelInput]
    ) -> None:
        for item in inputs:
            validate_dataset_input(item)
        model_ids = [_model_id(m.model_id) for m in models]
        with self.tree.locked():
            run_dir, _meta = active_run_dir(self.tree, run_id)
            for item in inputs:
                _write_dataset_input(run_dir, run_id, item)
            for model_id in model_ids:
                input_dir = run_dir / INPUTS / _md5(model_id, run_id)
                if not (input_dir / META).is_file():
                    write_yaml(
                        input_dir / META,
                        {
                            "destination_id": run_id,
                            "destination_type": "RUN",
                            "source_id": model_id,
                            "source_type": "MODEL",
                            "tags": {},
                        },
                    )

    def log_outputs(self, run_id: str, models: Sequence[ModelOutput]) -> None:
        checked = [(_model_id(m.model_id), m.step) for m in models]
        with self.tree.locked():
            run_dir = self.tree.run_dir(run_id)
            for model_id, step in checked:
                write_yaml(
                    run_dir / OUTPUTS / model_id / META,
                    {
                        "destination_id": run_id,
                        "destination_type": "MODEL_OUTPUT",
                        "source_id": model_id,
                        "source_type": "RUN_OUTPUT",
                        "step": step,
                        "tags": {},
                    },
                )

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
        found: set[tuple[int, str, str, str | None]] = set()
        for experiment_id in experiment_ids:
            try:
                exp_dir = self.tree.experiment_dir(str(experiment_id))
            except (InvalidParameter, NotFound):
                continue
            if exp_dir is None:
                continue
            for run_dir in self.tree.run_dirs(exp_dir):
                for item in read_inputs(run_dir)[0]:
                    context = next((t.value for t in item.tags if t.key == CONTEXT_TAG), None)
                    found.add((int(exp_dir.name), item.dataset.name, item.dataset.digest, context))
        ordered = sorted(found, key=lambda s: (s[0], s[1], s[2], s[3] is not None, s[3] or ""))
        return [DatasetSummary(str(e), n, d, c) for e, n, d, c in ordered]


def _write_dataset_input(run_dir: Path, run_id: str, item: DatasetInput) -> None:
    d = item.dataset
    dataset_id = _md5(d.name, d.digest)
    dataset_meta = run_dir.parent / DATASETS / dataset_id / META
    if not dataset_meta.is_file():
        write_yaml(
            dataset_meta,
            {
                "digest": d.digest,
                "name": d.name,
                "profile": d.profile,
                "schema": d.schema,
                "source": d.source,
                "source_type": d.source_type,
            },
        )
    input_meta = run_dir / INPUTS / _md5(dataset_id, run_id) / META
    if input_meta.is_file():
        return
    write_yaml(
        input_meta,
        {
            "destination_id": run_id,
            "destination_type": "RUN",
            "source_id": dataset_id,
            "source_type": "DATASET",
            "tags": {t.key: t.value for t in item.tags},
        },
    )
