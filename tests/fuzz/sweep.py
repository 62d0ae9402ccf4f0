"""After a campaign: read back everything it stored, through the reads clients use.

Whatever a fuzzed request managed to store must never make a later read fail; each read here
must answer 200 with JSON. Returns the reads that did not.
"""

from __future__ import annotations

import json
from typing import Any

import requests

API = "/api/2.0/mlflow"
API3 = "/api/3.0/mlflow"
# Enough to reach everything a bounded campaign stores, bounded for a long one.
MAX_ITEMS = 300


class Sweep:
    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.failures: list[str] = []
        self.reads = 0

    def read(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        self.reads += 1
        try:
            response = self.session.request(method, self.base + path, timeout=60, **kw)
        except requests.RequestException as exc:
            self.failures.append(f"{method} {path} {kw}: no response {exc!r}")
            self.session.close()
            return {}
        if response.status_code == 501:  # a part the store lacks (the file store's registry)
            return {}
        if response.status_code != 200:
            self.failures.append(
                f"{method} {path} {kw}: {response.status_code} {response.text[:300]}"
            )
            return {}
        body: dict[str, Any] = response.json()
        return body

    def pages(self, method: str, path: str, key: str, **message: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token = None
        while len(items) < MAX_ITEMS:
            body = dict(message, **({"page_token": token} if token else {}))
            if method == "GET":
                page = self.read("GET", path, params=body)
            else:
                page = self.read("POST", path, json=body)
            items += page.get(key, [])
            token = page.get("next_page_token")
            if not token:
                break
        return items


def sweep(base: str) -> tuple[list[str], int]:
    """Read every stored object; the failed reads and the number of reads."""
    s = Sweep(base)
    experiments = s.pages(
        "POST", API + "/experiments/search", "experiments", max_results=100, view_type="ALL"
    )
    for exp in experiments[:MAX_ITEMS]:
        exp_id = exp["experiment_id"]
        s.read("GET", API + "/experiments/get", params={"experiment_id": exp_id})
        runs = s.pages(
            "POST", API + "/runs/search", "runs", experiment_ids=[exp_id], run_view_type="ALL"
        )
        for run in runs[:50]:
            run_id = run["info"]["run_id"]
            s.read("GET", API + "/runs/get", params={"run_id": run_id})
            s.read("GET", API + "/artifacts/list", params={"run_id": run_id})
            for metric in run.get("data", {}).get("metrics", [])[:5]:
                s.read(
                    "GET",
                    API + "/metrics/get-history",
                    params={"run_id": run_id, "metric_key": metric["key"]},
                )
        s.read(
            "POST",
            API3 + "/traces/search",
            json={
                "locations": [
                    {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": exp_id}}
                ],
                "max_results": 100,
            },
        )
        traces = s.pages("GET", API + "/traces", "traces", experiment_ids=[exp_id], max_results=100)
        for trace in traces[:50]:
            trace_id = trace.get("request_id")
            s.read("GET", f"{API3}/traces/{trace_id}")
            s.read("GET", API3 + "/traces/get", params={"trace_id": trace_id})
        s.read(
            "POST",
            API + "/logged-models/search",
            json={"experiment_ids": [exp_id], "max_results": 100},
        )
    models = s.pages("GET", API + "/registered-models/search", "registered_models", max_results=100)
    for model in models[:MAX_ITEMS]:
        s.read("GET", API + "/registered-models/get", params={"name": model["name"]})
    s.pages("GET", API + "/model-versions/search", "model_versions", max_results=100)
    datasets = s.pages("POST", API3 + "/datasets/search", "datasets", max_results=100)
    for dataset in datasets[:MAX_ITEMS]:
        page = s.read("GET", f"{API3}/datasets/{dataset['dataset_id']}/records")
        if not isinstance(json.loads(page.get("records", "[]")), list):
            s.failures.append(f"records of {dataset['dataset_id']}: not a JSON array")
        s.read("GET", f"{API3}/datasets/{dataset['dataset_id']}/experiment-ids")
    s.read("GET", API + "/webhooks")
    s.read("GET", "/api/2.0/mlflow-artifacts/artifacts")
    return s.failures, s.reads
