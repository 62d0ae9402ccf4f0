"""Field-by-field comparisons of what the stock client reads from MLflow and from runhub.

``want`` reads MLflow's own store (its SQL database or ``mlruns`` directory); ``got`` reads a
live runhub serving the imported copy. Where MLflow's store and its REST protocol differ in
type only (alias versions as ints, a missing description as None), the REST form is expected.
"""

from __future__ import annotations

import math
from typing import Any

from mlflow import MlflowClient
from mlflow.entities import ViewType

# Added by the import: runhub keeps every imported trace's spans in its database.
SPANS_LOCATION_TAG = "mlflow.trace.spansLocation"


def _same_floats(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def history(client: MlflowClient, run_id: str, key: str) -> list[tuple[int, int, str]]:
    return sorted(
        (m.step, m.timestamp, repr(m.value)) for m in client.get_metric_history(run_id, key)
    )


def experiment_ids(client: MlflowClient) -> list[str]:
    return [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL)]


def compare_experiments_and_runs(want: MlflowClient, got: MlflowClient, runs: int) -> None:
    fields = ("experiment_id", "name", "artifact_location", "lifecycle_stage", "tags")
    want_exps = want.search_experiments(view_type=ViewType.ALL, order_by=["name"])
    got_exps = got.search_experiments(view_type=ViewType.ALL, order_by=["name"])
    assert [[getattr(e, f) for f in fields] for e in got_exps] == [
        [getattr(e, f) for f in fields] for e in want_exps
    ]
    exp_ids = [e.experiment_id for e in want_exps]
    order = ["attribute.run_name"]
    want_runs = want.search_runs(exp_ids, run_view_type=ViewType.ALL, order_by=order)
    got_runs = got.search_runs(exp_ids, run_view_type=ViewType.ALL, order_by=order)
    assert len(got_runs) == len(want_runs) == runs
    for w, g in zip(want_runs, got_runs, strict=True):
        assert g.info.to_proto() == w.info.to_proto()
        assert (g.data.params, g.data.tags) == (w.data.params, w.data.tags)
        assert g.data.metrics.keys() == w.data.metrics.keys()
        for key, value in w.data.metrics.items():
            assert _same_floats(g.data.metrics[key], value)
            assert history(got, g.info.run_id, key) == history(want, w.info.run_id, key)
        assert sorted(_dataset_input(d) for d in g.inputs.dataset_inputs) == sorted(
            _dataset_input(d) for d in w.inputs.dataset_inputs
        )


def _dataset_input(d: Any) -> tuple[Any, ...]:
    s = d.dataset
    tags = sorted((t.key, t.value) for t in d.tags)
    return (s.name, s.digest, s.source_type, s.source, s.schema, s.profile, tags)


def compare_registry(want: MlflowClient, got: MlflowClient) -> None:
    want_models = {m.name: m for m in want.search_registered_models()}
    got_models = {m.name: m for m in got.search_registered_models()}
    assert got_models.keys() == want_models.keys() != set()
    for name, w in want_models.items():
        g = got_models[name]
        aliases = {k: str(v) for k, v in w.aliases.items()}
        assert (g.description or "", g.tags, g.aliases) == (w.description or "", w.tags, aliases)
        assert (g.creation_timestamp, g.last_updated_timestamp) == (
            w.creation_timestamp,
            w.last_updated_timestamp,
        )
        fields = ("version", "source", "run_id", "status", "current_stage", "tags", "description")
        want_versions = want.search_model_versions(f"name = '{name}'")
        got_versions = got.search_model_versions(f"name = '{name}'")
        assert sorted([str(getattr(v, f) or "") for f in fields] for v in got_versions) == sorted(
            [str(getattr(v, f) or "") for f in fields] for v in want_versions
        )
        for alias, version in aliases.items():
            assert got.get_model_version_by_alias(name, alias).version == version


def compare_logged_models(want: MlflowClient, got: MlflowClient) -> None:
    exp_ids = experiment_ids(want)
    fields = (
        "model_id",
        "name",
        "experiment_id",
        "artifact_location",
        "status",
        "model_type",
        "source_run_id",
        "params",
        "tags",
        "creation_timestamp",
    )
    want_models = want.search_logged_models(exp_ids)
    got_models = got.search_logged_models(exp_ids)
    assert [[getattr(m, f) for f in fields] for m in got_models] == [
        [getattr(m, f) for f in fields] for m in want_models
    ]
    assert want_models != []


def compare_traces(want: MlflowClient, got: MlflowClient, traces: int) -> int:
    """Trace infos, tags, metadata and assessments from search; spans from get_trace; the
    traces found by run. Returns how many (trace, run) links there are."""
    exp_ids = experiment_ids(want)
    want_traces = sorted(want.search_traces(exp_ids), key=lambda t: t.info.trace_id)
    got_traces = sorted(got.search_traces(exp_ids), key=lambda t: t.info.trace_id)
    assert [t.info.trace_id for t in got_traces] == [t.info.trace_id for t in want_traces]
    assert len(want_traces) == traces
    for w, g in zip(want_traces, got_traces, strict=True):
        assert _info(g.info) == _info(w.info)
        got_assessments, want_assessments = _assessments(g.info), _assessments(w.info)
        assert len(got_assessments) == len(want_assessments) > 0
        for got_one, want_one in zip(got_assessments, want_assessments, strict=True):
            assert got_one == want_one
        assert _spans(got.get_trace(w.info.trace_id)) == _spans(want.get_trace(w.info.trace_id))
        assert _spans(g) == _spans(w) != []
    links = 0
    for run in want.search_runs(exp_ids, run_view_type=ViewType.ALL):
        run_id = run.info.run_id
        linked = [t.info.trace_id for t in want.search_traces(locations=exp_ids, run_id=run_id)]
        found = got.search_traces(locations=exp_ids, run_id=run_id)
        assert [t.info.trace_id for t in found] == linked
        links += len(linked)
    return links


def _info(info: Any) -> dict[str, Any]:
    found = info.to_dict()
    found.pop("assessments", None)
    found["tags"] = {k: v for k, v in info.tags.items() if k != SPANS_LOCATION_TAG}
    return found


def _assessments(info: Any) -> list[dict[str, Any]]:
    return sorted((a.to_dictionary() for a in info.assessments), key=lambda a: a["assessment_id"])


def _spans(trace: Any) -> list[dict[str, Any]]:
    return sorted((s.to_dict() for s in trace.data.spans), key=lambda s: s["span_id"])
