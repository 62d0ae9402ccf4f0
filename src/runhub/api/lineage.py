"""Run lineage endpoints: log-inputs, outputs and the UI's dataset search (§1.4)."""

from __future__ import annotations

from typing import Any

from runhub.api.encode import dataset_summary_json
from runhub.api.wire import Field
from runhub.entities import Dataset, DatasetInput, InputTag, ModelInput, ModelOutput
from runhub.errors import InvalidParameter
from runhub.store.stores import Stores

DATASET = (
    Field("name", required=True),
    Field("digest", required=True),
    Field("source_type", required=True),
    Field("source", required=True),
    Field("schema"),
    Field("profile"),
)
DATASET_INPUT = (
    Field("tags", "msg", repeated=True, fields=(Field("key"), Field("value"))),
    Field("dataset", "msg", fields=DATASET, required=True),
)
LOG_INPUTS = (
    Field("run_id", required=True),
    Field("datasets", "msg", repeated=True, fields=DATASET_INPUT),
    Field("models", "msg", repeated=True, fields=(Field("model_id", required=True),)),
)
LOG_OUTPUTS = (
    Field("run_id", required=True),
    Field(
        "models",
        "msg",
        repeated=True,
        fields=(Field("model_id", required=True), Field("step", "int", default=0)),
    ),
)
SEARCH_DATASETS = (Field("experiment_ids", repeated=True),)


def log_inputs(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    inputs = []
    for item in msg["datasets"]:
        d = item["dataset"]
        inputs.append(
            DatasetInput(
                dataset=Dataset(
                    d["name"], d["digest"], d["source_type"], d["source"], d["schema"], d["profile"]
                ),
                tags=tuple(InputTag(t["key"] or "", t["value"] or "") for t in item["tags"]),
            )
        )
    models = [ModelInput(m["model_id"]) for m in msg["models"]]
    stores.lineage.log_inputs(msg["run_id"], inputs, models)
    return {}


def log_outputs(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    models = [ModelOutput(m["model_id"], m["step"] or 0) for m in msg["models"]]
    if not models:
        raise InvalidParameter("Missing value for required parameter 'models'.")
    stores.lineage.log_outputs(msg["run_id"], models)
    return {}


def search_datasets(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    summaries = stores.lineage.search_datasets(msg["experiment_ids"])
    if not summaries:
        return {}
    return {"dataset_summaries": [dataset_summary_json(s) for s in summaries]}
