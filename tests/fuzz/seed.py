"""Real objects for the fuzzer to aim at, created through the REST API before a campaign.

Random ids only ever reach "not found"; the campaign swaps these known ids into the fields that
name them, so the deeper paths of each handler (updates, tags, histories, artifacts) run too.
"""

from __future__ import annotations

import time
from typing import Any

import requests

API = "/api/2.0/mlflow"
API3 = "/api/3.0/mlflow"


def _ok(session: requests.Session, method: str, url: str, **kw: Any) -> Any:
    response = session.request(method, url, timeout=30, **kw)
    assert response.status_code == 200, f"seeding {method} {url}: {response.text[:300]}"
    return response.json() if response.content else {}


def seed(base: str, session: requests.Session) -> dict[str, Any]:
    """Create one of each object the API names by id; the known value for each field name."""
    now = int(time.time() * 1000)
    exp = _ok(session, "POST", base + API + "/experiments/create", json={"name": "fuzz-seed"})
    exp_id = exp["experiment_id"]
    run = _ok(session, "POST", base + API + "/runs/create", json={"experiment_id": exp_id})["run"][
        "info"
    ]
    run_id = run["run_id"]
    _ok(
        session,
        "POST",
        base + API + "/runs/log-batch",
        json={
            "run_id": run_id,
            "metrics": [
                {"key": "m", "value": float(i), "timestamp": now, "step": i} for i in range(5)
            ],
            "params": [{"key": "p", "value": "1"}],
            "tags": [{"key": "t", "value": "x"}],
        },
    )
    _ok(
        session,
        "PUT",
        base + f"/api/2.0/mlflow-artifacts/artifacts/{exp_id}/{run_id}/artifacts/seed.txt",
        data=b"seed",
    )
    model = _ok(session, "POST", base + API + "/logged-models", json={"experiment_id": exp_id})[
        "model"
    ]["info"]
    known: dict[str, Any] = {
        "experiment_id": exp_id,
        "experiment_ids": [exp_id],
        "run_id": run_id,
        "run_uuid": run_id,
        "run_ids": [run_id],
        "metric_key": "m",
        "key": "m",
        "model_id": model["model_id"],
        "artifact_path": f"{exp_id}/{run_id}/artifacts/seed.txt",
        "path": "seed.txt",
    }
    info = _ok(session, "GET", base + API3 + "/server-info")
    if info["store_type"] == "SqlStore":  # the file store has no registry or traces (501)
        known |= _seed_registry_and_traces(base, session, exp_id, run_id)
    return known


def _seed_registry_and_traces(
    base: str, session: requests.Session, exp_id: str, run_id: str
) -> dict[str, Any]:
    _ok(session, "POST", base + API + "/registered-models/create", json={"name": "fuzz-model"})
    _ok(
        session,
        "POST",
        base + API + "/model-versions/create",
        json={"name": "fuzz-model", "source": f"runs:/{run_id}/model", "run_id": run_id},
    )
    _ok(
        session,
        "POST",
        base + API + "/registered-models/alias",
        json={"name": "fuzz-model", "alias": "champion", "version": "1"},
    )
    trace = _ok(
        session,
        "POST",
        base + API3 + "/traces",
        json={
            "trace": {
                "trace_info": {
                    "trace_id": "tr-" + "f" * 32,
                    "trace_location": {
                        "type": "MLFLOW_EXPERIMENT",
                        "mlflow_experiment": {"experiment_id": exp_id},
                    },
                    "request_time": "2026-01-01T00:00:00Z",
                    "execution_duration": "1s",
                    "state": "OK",
                }
            }
        },
    )["trace"]["trace_info"]
    trace_id = trace["trace_id"]
    assessment = _ok(
        session,
        "POST",
        base + API3 + f"/traces/{trace_id}/assessments",
        json={
            "assessment": {
                "assessment_name": "quality",
                "trace_id": trace_id,
                "source": {"source_type": "HUMAN", "source_id": "fuzz"},
                "feedback": {"value": 1},
            }
        },
    )["assessment"]
    dataset = _ok(
        session,
        "POST",
        base + API3 + "/datasets/create",
        json={"name": "fuzz-dataset", "experiment_ids": [exp_id]},
    )["dataset"]
    _ok(
        session,
        "POST",
        base + API3 + f"/datasets/{dataset['dataset_id']}/records",
        json={"records": '[{"inputs": {"q": "seed"}, "expectations": {"a": 1}}]'},
    )
    return {
        "dataset_id": dataset["dataset_id"],
        "name": "fuzz-model",
        "version": "1",
        "alias": "champion",
        "trace_id": trace_id,
        "request_id": trace_id,
        "trace_ids": [trace_id],
        "request_ids": [trace_id],
        "assessment_id": assessment["assessment_id"],
    }
