"""Permanent deletion on a file store: deleted runs and logged models, and the experiments in
``.trash`` with everything in them.

Artifacts go first (through the same cleaner as on a database), then the folder, so an
interrupted pass leaves every remaining item still marked deleted and a second pass finishes.
Chosen as on a database: the given ids (each must exist and be deleted) or every deleted item,
optionally only those deleted at least some time ago.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runhub.entities import LifecycleStage, ViewType
from runhub.errors import InvalidParameter, NotFound
from runhub.lifecycle.artifact_cleanup import ArtifactCleaner
from runhub.lifecycle.gc import GcPlan, GcResult
from runhub.store.file.files import META, read_yaml
from runhub.store.file.layout import MlrunsTree
from runhub.store.file.model_folders import ModelFolders, lifecycle_stage


def _deleted_at(meta: dict[str, Any], fallback: str) -> int | None:
    when = meta.get("deleted_time") or meta.get(fallback)
    return int(when) if isinstance(when, (int, float)) else None


def _chosen(
    found: dict[str, tuple[str, int | None]],
    wanted: Sequence[str] | None,
    cutoff: int | None,
    kind: str,
) -> list[str]:
    if wanted is not None:
        for item in wanted:
            if item not in found:
                raise NotFound(f"{kind} '{item}' does not exist")
            if found[item][0] != LifecycleStage.DELETED:
                raise InvalidParameter(f"{kind} '{item}' is not in the deleted lifecycle stage")
        return sorted(set(wanted))
    return sorted(
        key
        for key, (stage, when) in found.items()
        if stage == LifecycleStage.DELETED and (cutoff is None or when is None or when <= cutoff)
    )


def plan_file_gc(
    tree: MlrunsTree,
    older_than_s: float | None = None,
    run_ids: Sequence[str] | None = None,
    logged_model_ids: Sequence[str] | None = None,
    experiment_ids: Sequence[int] | None = None,
) -> GcPlan:
    """What to remove; raises NotFound / InvalidParameter for ids that are unknown / live."""
    cutoff = None if older_than_s is None else int((time.time() - older_than_s) * 1000)
    experiments: dict[str, tuple[str, int | None]] = {}
    runs: dict[str, tuple[str, int | None]] = {}
    models: dict[str, tuple[str, int | None]] = {}
    folders = ModelFolders(tree)
    for exp_dir in tree.experiment_dirs(ViewType.ALL):
        meta = read_yaml(exp_dir / META)
        stage = str(meta.get("lifecycle_stage") or LifecycleStage.ACTIVE)
        experiments[exp_dir.name] = (stage, _deleted_at(meta, "last_update_time"))
        for run_dir in tree.run_dirs(exp_dir):
            run_meta = read_yaml(run_dir / META)
            run_stage = str(run_meta.get("lifecycle_stage") or LifecycleStage.ACTIVE)
            runs[run_dir.name] = (run_stage, _deleted_at(run_meta, "start_time"))
        for model_dir in folders.in_experiment(exp_dir):
            model_meta = read_yaml(model_dir / META)
            models[model_dir.name] = (
                lifecycle_stage(model_meta),
                _deleted_at(model_meta, "last_updated_timestamp"),
            )
    wanted_exps = None if experiment_ids is None else [str(e) for e in experiment_ids]
    exps = _chosen(experiments, wanted_exps, cutoff, "Experiment")
    run_list = _chosen(runs, run_ids, cutoff, "Run")
    model_list = _chosen(models, logged_model_ids, cutoff, "Logged model")
    return GcPlan(tuple(run_list), tuple(model_list), tuple(int(e) for e in exps))


def run_file_gc(tree: MlrunsTree, plan: GcPlan, cleaner: ArtifactCleaner) -> GcResult:
    """Remove everything in ``plan``: artifacts, then folders."""
    result = GcResult()
    for run_id in plan.run_ids:
        try:
            run_dir = tree.run_dir(run_id)
        except NotFound:
            continue  # removed by an earlier pass
        _remove_run(tree, run_dir, cleaner)
        result.runs += 1
    folders = ModelFolders(tree)
    for model_id in plan.logged_model_ids:
        model_dir = folders.find(model_id)
        if model_dir is not None:  # else removed by an earlier pass
            _remove_model(tree, model_dir, cleaner)
            result.logged_models += 1
    for experiment_id in plan.experiment_ids:
        exp_dir = tree.experiment_dir(str(experiment_id))
        if exp_dir is None:
            continue
        for run_dir in list(tree.run_dirs(exp_dir)):
            _remove_run(tree, run_dir, cleaner)
            result.runs += 1
        for model_dir in list(folders.in_experiment(exp_dir)):
            _remove_model(tree, model_dir, cleaner)
            result.logged_models += 1
        with tree.locked():
            shutil.rmtree(exp_dir, ignore_errors=True)
        result.experiments += 1
    result.skipped_artifacts = list(cleaner.skipped)
    return result


def _remove_run(tree: MlrunsTree, run_dir: Path, cleaner: ArtifactCleaner) -> None:
    meta = read_yaml(run_dir / META)
    artifact_uri = str(meta.get("artifact_uri") or "")
    if artifact_uri:
        cleaner.delete_owned_dir(artifact_uri, run_dir.name)
    with tree.locked():
        shutil.rmtree(run_dir, ignore_errors=True)


def _remove_model(tree: MlrunsTree, model_dir: Path, cleaner: ArtifactCleaner) -> None:
    location = str(read_yaml(model_dir / META).get("artifact_location") or "")
    if location:
        cleaner.delete_owned_dir(location, model_dir.name)
    with tree.locked():
        shutil.rmtree(model_dir, ignore_errors=True)
