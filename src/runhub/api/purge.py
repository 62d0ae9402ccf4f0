"""Permanent deletion over the API (a runhub extension): what ``runhub gc`` does, for one
deleted experiment or run, to users with MANAGE on it."""

from __future__ import annotations

from typing import Any

from runhub.api.wire import Field
from runhub.lifecycle.artifact_cleanup import ArtifactCleaner
from runhub.lifecycle.gc import plan_gc, run_gc
from runhub.store.file.gc import plan_file_gc, run_file_gc
from runhub.store.sql.experiments import parse_experiment_id
from runhub.store.stores import Stores

BY_EXPERIMENT_ID = (Field("experiment_id", required=True),)
BY_RUN_ID = (Field("run_id", required=True),)


def _purge(stores: Stores, run_ids: list[str], experiment_ids: list[int]) -> None:
    settings = stores.settings
    cleaner = ArtifactCleaner(stores.artifacts, settings.s3_endpoint_url, settings.s3_ignore_tls)
    if stores.mlruns is not None:  # a file store
        plan = plan_file_gc(stores.mlruns, None, run_ids, [], experiment_ids)
        run_file_gc(stores.mlruns, plan, cleaner)
        return
    assert stores.db is not None
    run_gc(stores.db, plan_gc(stores.db, None, run_ids, [], experiment_ids), cleaner)


def purge_experiment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    """Remove a deleted experiment with its runs, logged models, traces and artifacts."""
    _purge(stores, [], [parse_experiment_id(msg["experiment_id"])])
    return {}


def purge_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    """Remove a deleted run with its rows and artifacts."""
    _purge(stores, [msg["run_id"]], [])
    return {}
