"""Permanent deletion over the API (a runhub extension): what ``runhub gc`` does, for one
deleted experiment or run, to users with MANAGE on it."""

from __future__ import annotations

from typing import Any

from runhub.api.wire import Field
from runhub.lifecycle.purge import purge
from runhub.store.experiment_rules import parse_experiment_id
from runhub.store.stores import Stores

BY_EXPERIMENT_ID = (Field("experiment_id", required=True),)
BY_RUN_ID = (Field("run_id", required=True),)


def purge_experiment(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    """Remove a deleted experiment with its runs, logged models, traces and artifacts."""
    purge(stores, [], [parse_experiment_id(msg["experiment_id"])])
    return {}


def purge_run(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    """Remove a deleted run with its rows and artifacts."""
    purge(stores, [msg["run_id"]], [])
    return {}
