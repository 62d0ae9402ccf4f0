"""Permanent deletion over the API (a runhub extension): what ``runhub gc`` does, for one
deleted experiment or run, to users with MANAGE on it."""

from __future__ import annotations

from typing import Any

from runhub.api.wire import Field
from runhub.lifecycle.artifact_cleanup import ArtifactCleaner
from runhub.lifecycle.gc import plan_gc, run_gc
from runhub.store.sql.experiments import parse_experiment_id
from runhub.store.stores import Stores

BY_EXPERIMENT_ID = (Field("experiment_id", required=True),)
BY_RUN_ID = (Field("run_id", required=True),)


def _cleaner(stores: Stores) -> ArtifactCleaner:
    settings = stores.settings
    return ArtifactCleaner(stores.artifacts, settings.s3_endpoint_url, settings.s3_ignore_tls)


def purge_experiment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    """Remove a deleted experiment with its runs, logged models, traces and artifacts."""
    plan = plan_gc(
        stores.db,
        run_ids=[],
        logged_model_ids=[],
        experiment_ids=[parse_experiment_id(msg["experiment_id"])],
    )
    run_gc(stores.db, plan, _cleaner(stores))
    return {}


def purge_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    """Remove a deleted run with its rows and artifacts."""
    plan = plan_gc(stores.db, run_ids=[msg["run_id"]], logged_model_ids=[], experiment_ids=[])
    run_gc(stores.db, plan, _cleaner(stores))
    return {}
