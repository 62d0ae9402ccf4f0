"""Evaluation dataset endpoints (mlflow-genai-api.md §1): datasets, tags, records, links.

Several fields travel as JSON text inside the JSON body (``tags``, ``records``) and come back
the same way (``tags``, ``schema``, ``profile``, ``records``). Every malformed value is a 400
before the store is reached, so a refused request changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from runhub.api.json_body import check_json_value, decode_json_value
from runhub.api.wire import Field
from runhub.entities.evaluation_dataset import DatasetRecord, EvaluationDataset, RecordInput
from runhub.errors import InvalidParameter
from runhub.store.evaluation_dataset_rules import source_id_of, user_of
from runhub.store.stores import Stores

MAX_NAME = 500
MAX_TAG_KEY = 255
MAX_TAG_VALUE = 8000
MAX_USER = 255  # the mlflow.user tag, stored as created_by / last_updated_by
MAX_SOURCE_ID = 255
SOURCE_TYPES = frozenset({"SOURCE_TYPE_UNSPECIFIED", "TRACE", "HUMAN", "DOCUMENT", "CODE"})
MAX_SEARCH = 50_000
DEFAULT_SEARCH = 1000

DATASET_ID = Field("dataset_id")  # always in the path
CREATE = (
    Field("name", required=True),
    Field("experiment_ids", repeated=True),
    Field("tags"),
)
BY_ID = (DATASET_ID,)
SEARCH = (
    Field("experiment_ids", repeated=True),
    Field("filter_string"),
    Field("max_results", "int"),
    Field("order_by", repeated=True),
    Field("page_token"),
)
SET_TAGS = (DATASET_ID, Field("tags", required=True))
DELETE_TAG = (DATASET_ID, Field("key"))
UPSERT = (DATASET_ID, Field("records", required=True))
RECORDS = (DATASET_ID, Field("max_results", "int"), Field("page_token"))
DELETE_RECORDS = (DATASET_ID, Field("dataset_record_ids", repeated=True))
LINKS = (DATASET_ID, Field("experiment_ids", repeated=True))


def dataset_json(dataset: EvaluationDataset) -> dict[str, Any]:
    out: dict[str, Any] = {"dataset_id": dataset.dataset_id, "name": dataset.name}
    if dataset.tags:
        out["tags"] = json.dumps(dict(dataset.tags))
    if dataset.schema is not None:
        out["schema"] = dataset.schema
    if dataset.record_count:
        out["profile"] = json.dumps({"num_records": dataset.record_count})
    out["digest"] = dataset.digest
    out["created_time"] = dataset.created_time
    out["last_update_time"] = dataset.last_update_time
    if dataset.created_by is not None:
        out["created_by"] = dataset.created_by
    if dataset.last_updated_by is not None:
        out["last_updated_by"] = dataset.last_updated_by
    return out


def record_json(record: DatasetRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "dataset_record_id": record.dataset_record_id,
        "dataset_id": record.dataset_id,
        "inputs": record.inputs,
    }
    for key, value in (
        ("outputs", record.outputs),
        ("expectations", record.expectations),
        ("tags", record.tags),
        ("source", record.source),
        ("source_type", record.source_type),
        ("source_id", record.source_id),
    ):
        if value is not None:
            out[key] = value
    out["created_time"] = record.created_time
    out["last_update_time"] = record.last_update_time
    if record.created_by is not None:
        out["created_by"] = record.created_by
    if record.last_updated_by is not None:
        out["last_updated_by"] = record.last_updated_by
    return out


def _json_text(name: str, text: str) -> Any:
    """The JSON value inside a string field; InvalidParameter naming the field if malformed."""
    try:
        value = decode_json_value(text.encode("utf-8", "surrogatepass"))
    except InvalidParameter:
        raise InvalidParameter(f"Parameter '{name}' must hold valid JSON.") from None
    check_json_value(value, name)
    return value


def _tags(text: str | None) -> dict[str, str]:
    """Tags from their JSON object text: values as strings, null values skipped."""
    if text is None or not text.strip():
        return {}
    value = _json_text("tags", text)
    if not isinstance(value, dict):
        raise InvalidParameter("Parameter 'tags' must be a JSON object of tag keys to values.")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not key or len(key) > MAX_TAG_KEY:
            raise InvalidParameter(f"A tag key must have 1 to {MAX_TAG_KEY} characters.")
        if item is None:
            continue
        text_value = item if isinstance(item, str) else str(item)
        if len(text_value) > MAX_TAG_VALUE:
            raise InvalidParameter(
                f"The value of tag '{key}' is longer than {MAX_TAG_VALUE} characters."
            )
        out[key] = text_value
    _check_user(out, "tags")
    return out


def _check_user(tags: Mapping[str, Any], where: str) -> None:
    user = user_of(tags)
    if user is not None and len(user) > MAX_USER:
        raise InvalidParameter(f"{where}['mlflow.user'] is longer than {MAX_USER} characters.")


def _name(value: str) -> str:
    if not value.strip():
        raise InvalidParameter("Missing value for required parameter 'name'.")
    if len(value) > MAX_NAME:
        raise InvalidParameter(f"Dataset name is longer than {MAX_NAME} characters.")
    return value


def create_dataset(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    store = stores.evaluation_datasets
    dataset = store.create_dataset(_name(msg["name"]), msg["experiment_ids"], _tags(msg["tags"]))
    out = dataset_json(dataset)
    linked = list(dict.fromkeys(msg["experiment_ids"]))
    if linked:
        out["experiment_ids"] = linked
    return {"dataset": out}


def get_dataset(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    return {"dataset": dataset_json(stores.evaluation_datasets.get_dataset(msg["dataset_id"]))}


def delete_dataset(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.evaluation_datasets.delete_dataset(msg["dataset_id"])
    return {}


def search_datasets(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = msg["max_results"] or DEFAULT_SEARCH
    if max_results > MAX_SEARCH:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results' supplied. "
            f"It must be at most {MAX_SEARCH}"
        )
    page = stores.evaluation_datasets.search_datasets(
        msg["experiment_ids"],
        msg["filter_string"],
        max_results,
        msg["order_by"],
        msg["page_token"] or None,
    )
    out: dict[str, Any] = {}
    if page.items:
        out["datasets"] = [dataset_json(d) for d in page.items]
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out


def set_dataset_tags(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.evaluation_datasets.set_dataset_tags(msg["dataset_id"], _tags(msg["tags"]))
    return {}


def delete_dataset_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.evaluation_datasets.delete_dataset_tag(msg["dataset_id"], msg["key"])
    return {}


def _object(record: Mapping[str, Any], key: str, index: int) -> dict[str, Any]:
    value = record.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidParameter(f"records[{index}].{key} must be a JSON object.")
    return value


def _record_input(item: Any, index: int) -> RecordInput:
    if not isinstance(item, dict):
        raise InvalidParameter(f"records[{index}] must be a JSON object with 'inputs'.")
    record = RecordInput(
        inputs=_object(item, "inputs", index),
        outputs=item.get("outputs"),
        has_outputs="outputs" in item,
        expectations=_object(item, "expectations", index),
        tags=_object(item, "tags", index),
        source=_source(item, index),
    )
    _check_user(record.tags, f"records[{index}].tags")
    return record


def _source(item: Mapping[str, Any], index: int) -> dict[str, Any] | None:
    source = _object(item, "source", index) or None
    if source is None:
        return None
    kind = source.get("source_type")
    if kind is not None and kind not in SOURCE_TYPES:
        raise InvalidParameter(
            f"records[{index}].source.source_type must be one of {', '.join(sorted(SOURCE_TYPES))}."
        )
    source_id = source_id_of(source)
    if source_id is not None and len(source_id) > MAX_SOURCE_ID:
        raise InvalidParameter(
            f"records[{index}].source names an id longer than {MAX_SOURCE_ID} characters."
        )
    return source


def upsert_records(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    items = _json_text("records", msg["records"])
    if not isinstance(items, list):
        raise InvalidParameter("Parameter 'records' must be a JSON array of records.")
    batch = [_record_input(item, index) for index, item in enumerate(items)]
    counts = stores.evaluation_datasets.upsert_records(msg["dataset_id"], batch)
    return {"inserted_count": counts.inserted, "updated_count": counts.updated}


def get_records(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = msg["max_results"] or 0
    if max_results < 0:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results': must be positive"
        )
    page = stores.evaluation_datasets.records_page(
        msg["dataset_id"], max_results, msg["page_token"] or None
    )
    out: dict[str, Any] = {"records": json.dumps([record_json(r) for r in page.items])}
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out


def delete_records(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    deleted = stores.evaluation_datasets.delete_records(
        msg["dataset_id"], msg["dataset_record_ids"]
    )
    return {"deleted_count": deleted}


def get_experiment_ids(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    ids = stores.evaluation_datasets.dataset_experiment_ids(msg["dataset_id"])
    return {"experiment_ids": ids} if ids else {}


def add_experiments(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    store = stores.evaluation_datasets
    dataset = store.add_dataset_experiments(msg["dataset_id"], msg["experiment_ids"])
    return {"dataset": dataset_json(dataset)}


def remove_experiments(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    store = stores.evaluation_datasets
    dataset = store.remove_dataset_experiments(msg["dataset_id"], msg["experiment_ids"])
    return {"dataset": dataset_json(dataset)}
