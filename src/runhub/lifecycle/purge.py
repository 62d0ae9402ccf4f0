"""Permanent deletion of chosen deleted runs and experiments, on whichever store is in use."""

from __future__ import annotations

from collections.abc import Sequence

from runhub.lifecycle.artifact_cleanup import ArtifactCleaner
from runhub.lifecycle.file_gc import plan_file_gc, run_file_gc
from runhub.lifecycle.gc import plan_gc, run_gc
from runhub.store.stores import Stores


def purge(stores: Stores, run_ids: Sequence[str], experiment_ids: Sequence[int]) -> None:
    """Remove the given deleted runs and experiments with their artifacts; raises
    InvalidParameter or NotFound when one is not deleted or does not exist."""
    settings = stores.settings
    cleaner = ArtifactCleaner(stores.artifacts, settings.s3_endpoint_url, settings.s3_ignore_tls)
    if stores.mlruns is not None:  # a file store
        plan = plan_file_gc(stores.mlruns, None, run_ids, [], experiment_ids)
        run_file_gc(stores.mlruns, plan, cleaner)
        return
    assert stores.db is not None
    run_gc(stores.db, plan_gc(stores.db, None, run_ids, [], experiment_ids), cleaner)
