"""The resources a request acts on, found from its fields, path and headers (see ``Locate``).

Runs, traces and logged models are looked up in the tracking database to find their
experiment, so a permission is always checked on an experiment or a registered model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.sql.schema import Table

from runhub.errors import NotFound
from runhub.security.policy import Locate
from runhub.store.evaluation_dataset_tables import (
    evaluation_dataset_experiments,
    evaluation_datasets,
)
from runhub.store.registry_tables import logged_models
from runhub.store.sql.db import Database
from runhub.store.tables import experiments, runs
from runhub.store.trace_tables import trace_info


@dataclass(frozen=True)
class RequestFacts:
    """What the auth middleware knows of a request before the app parses it."""

    query: Sequence[tuple[str, str]]
    body: Mapping[str, Any]
    params: tuple[Any, ...]
    headers: Mapping[str, str]

    def fields(self, *names: str) -> list[str]:
        """Every value of these fields in the body and the query string (all are checked)."""
        out: list[str] = []
        for name in names:
            value = self.body.get(name)
            for item in value if isinstance(value, list) else [value]:
                if item is not None and not isinstance(item, (dict, list)) and str(item):
                    out.append(str(item))
            out += [item for key, item in self.query if key == name and item]
        return out


class Unlocatable(Exception):
    """The request names a resource no permission can be checked on (admins only)."""


def locate(db: Database, how: Locate, facts: RequestFacts) -> list[str]:
    """The ids (experiment ids, or registered model names) the request acts on.

    An empty list means the request names none; the app then refuses it as malformed.
    Raises NotFound for a run, trace or logged model that does not exist, and Unlocatable
    for an artifact path outside any experiment.
    """
    L = Locate
    if how is L.EXPERIMENT or how is L.LOGGED_MODEL_SOURCE:
        return facts.fields("experiment_id")
    if how is L.EXPERIMENT_NAME:
        return _experiments_by_name(db, facts.fields("experiment_name"))
    if how is L.EXPERIMENT_IDS:
        return facts.fields("experiment_ids", "experiment_id")
    if how is L.EXPERIMENT_HEADER:
        return _one(facts.headers.get("x-mlflow-experiment-id"))
    if how is L.EXPERIMENT_IN_TRACE_LOCATIONS:
        return _trace_locations(facts.body) or facts.fields("experiment_ids")
    if how is L.TRACE_IN_BODY:
        return _one(_trace_body_experiment(facts.body)) + facts.fields("experiment_id")
    if how is L.RUN:
        return _owners(db, runs, runs.c.run_id, facts.fields("run_id", "run_uuid"), "Run")
    if how is L.RUN_IDS:
        ids = facts.fields("run_id", "run_ids", "run_uuid")
        return _owners(db, runs, runs.c.run_id, ids, "Run")
    if how is L.TRACE:
        ids = facts.fields("trace_id", "request_id", "trace_ids", "request_ids")
        return _owners(db, trace_info, trace_info.c.trace_id, ids, "Trace")
    if how is L.TRACE_PATH:
        return _owners(db, trace_info, trace_info.c.trace_id, _first_param(facts), "Trace")
    if how is L.LOGGED_MODEL_PATH:
        table = logged_models
        return _owners(db, table, table.c.model_id, _first_param(facts), "Logged model")
    if how is L.ARTIFACT_PATH:
        return _artifact_experiment(str(facts.params[0]) if facts.params else "")
    if how is L.ARTIFACT_PATH_QUERY:
        paths = facts.fields("path")
        return [e for path in paths or [""] for e in _artifact_experiment(path)]
    if how is L.MODEL:
        return facts.fields("name")
    if how is L.DATASET_PATH:
        return _dataset_experiments(db, _first_param(facts))
    if how is L.DATASET_PATH_AND_EXPERIMENT_IDS:
        linked = _dataset_experiments(db, _first_param(facts))
        named = facts.fields("experiment_ids")
        # Both sides are needed; a request naming neither is refused like any other.
        return sorted(set(linked) | set(named)) if linked and named else []
    raise AssertionError(f"unhandled locator {how}")


def _one(value: str | None) -> list[str]:
    return [] if value is None else [value]


def _first_param(facts: RequestFacts) -> list[str]:
    return [str(facts.params[0])] if facts.params else []


def _experiments_by_name(db: Database, names: list[str]) -> list[str]:
    out = []
    with db.read() as conn:
        for name in names:
            found = conn.execute(
                select(experiments.c.experiment_id).where(experiments.c.name == name)
            ).scalar()
            if found is None:
                raise NotFound(f"Could not find experiment with name '{name}'")
            out.append(str(found))
    return out


def _owners(db: Database, table: Table, key: Any, ids: list[str], what: str) -> list[str]:
    """The experiment of each id in ``table``; NotFound names the first missing one."""
    if not ids:
        return []
    wanted = sorted(set(ids))
    found: dict[str, str] = {}
    with db.read() as conn:
        for start in range(0, len(wanted), 500):  # stay under every database's bind limit
            chunk = wanted[start : start + 500]
            rows = conn.execute(
                select(key.label("key"), table.c.experiment_id).where(key.in_(chunk))
            )
            found.update((str(r.key), str(r.experiment_id)) for r in rows)
    for item in wanted:
        if item not in found:
            raise NotFound(f"{what} with id={item} not found")
    return sorted(set(found.values()))


def _dataset_experiments(db: Database, ids: list[str]) -> list[str]:
    """The experiments an evaluation dataset is linked to; NotFound if it does not exist."""
    if not ids:
        return []
    D, links = evaluation_datasets, evaluation_dataset_experiments
    with db.read() as conn:
        pk = conn.execute(select(D.c.dataset_pk).where(D.c.dataset_id == ids[0])).scalar()
        if pk is None:
            raise NotFound(f"Evaluation dataset with id '{ids[0]}' not found")
        rows = conn.execute(select(links.c.experiment_id).where(links.c.dataset_pk == pk))
        return sorted(str(r[0]) for r in rows)


def _artifact_experiment(path: str) -> list[str]:
    first = path.strip("/").split("/", 1)[0]
    if not (first.isascii() and first.isdigit()):
        raise Unlocatable(path)
    return [first]


def _trace_locations(body: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    locations = body.get("locations")
    for location in locations if isinstance(locations, list) else []:
        experiment = location.get("mlflow_experiment") if isinstance(location, dict) else None
        if isinstance(experiment, dict) and experiment.get("experiment_id") is not None:
            out.append(str(experiment["experiment_id"]))
    return out


def _trace_body_experiment(body: Mapping[str, Any]) -> str | None:
    node: Any = body
    for key in ("trace", "trace_info", "trace_location", "mlflow_experiment", "experiment_id"):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return None if node is None else str(node)
