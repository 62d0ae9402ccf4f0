"""Model registry endpoints (mlflow-api.md §1.7): registered models, versions, tags, aliases.

Versions are created synchronously and answered ``READY`` at once, so clients never poll.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from runhub.api.endpoint import json_response
from runhub.api.registry_encode import (
    model_version_json,
    model_version_rows_json,
    registered_model_json,
)
from runhub.api.wire import Field
from runhub.entities.registry import RegistryTag
from runhub.errors import InvalidParameter
from runhub.runtime.gc_pause import gc_paused
from runhub.store.stores import Stores
from runhub.webhooks.registry_events import MODEL_TAG as MODEL_TAG_EVENT

TAG = (Field("key"), Field("value"))
NAME = Field("name", required=True)
VERSION = Field("version", required=True)
MAX_SEARCH_MODELS = 1000
DEFAULT_SEARCH_MODELS = 100
MAX_SEARCH_VERSIONS = 200_000

CREATE_MODEL = (
    NAME,
    Field("tags", "msg", repeated=True, fields=TAG),
    Field("description"),
    Field("deployment_job_id"),
)
RENAME_MODEL = (NAME, Field("new_name"))
UPDATE_MODEL = (NAME, Field("description"), Field("deployment_job_id"))
BY_NAME = (NAME,)
SEARCH_MODELS = (
    Field("filter"),
    Field("max_results", "int", default=DEFAULT_SEARCH_MODELS),
    Field("order_by", repeated=True),
    Field("page_token"),
)
LATEST_VERSIONS = (NAME, Field("stages", repeated=True))
MODEL_TAG = (NAME, Field("key", required=True), Field("value"))
MODEL_TAG_KEY = (NAME, Field("key", required=True))
ALIAS = (NAME, Field("alias", required=True), VERSION)
ALIAS_NAME = (NAME, Field("alias", required=True))

CREATE_VERSION = (
    NAME,
    Field("source", required=True),
    Field("run_id"),
    Field("tags", "msg", repeated=True, fields=TAG),
    Field("run_link"),
    Field("description"),
    Field("model_id"),
)
BY_VERSION = (NAME, VERSION)
UPDATE_VERSION = (NAME, VERSION, Field("description"))
TRANSITION = (
    NAME,
    VERSION,
    Field("stage", required=True),
    Field("archive_existing_versions", "bool"),
)
SEARCH_VERSIONS = (
    Field("filter"),
    Field("max_results", "int", default=MAX_SEARCH_VERSIONS),
    Field("order_by", repeated=True),
    Field("page_token"),
)
VERSION_TAG = (NAME, VERSION, Field("key", required=True), Field("value"))
VERSION_TAG_KEY = (NAME, VERSION, Field("key", required=True))


def _tags(raw: list[dict[str, Any]]) -> list[RegistryTag]:
    out = []
    for t in raw:
        if not t["key"]:
            raise InvalidParameter("Missing value for required parameter 'tags.key'.")
        out.append(RegistryTag(t["key"], t["value"] or ""))
    return out


def _value(msg: dict[str, Any]) -> str:
    if msg["value"] is None:
        raise InvalidParameter("Missing value for required parameter 'value'.")
    return str(msg["value"])


def _max_results(value: int | None, limit: int, default: int) -> int:
    value = default if value is None else value
    if value < 1 or value > limit:
        raise InvalidParameter(
            f"Invalid value {value} for parameter 'max_results': it must be between 1 and {limit}."
        )
    return value


# -- registered models -------------------------------------------------------------------
def create_registered_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    model = stores.registered_models.create_registered_model(
        msg["name"], _tags(msg["tags"]), msg["description"]
    )
    data = {
        "name": model.name,
        "tags": {t.key: t.value for t in model.tags},
        "description": model.description,
    }
    stores.webhooks.emit("REGISTERED_MODEL", "CREATED", data)
    return {"registered_model": registered_model_json(model)}


def rename_registered_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    if not msg["new_name"]:
        raise InvalidParameter("Missing value for required parameter 'new_name'.")
    model = stores.registered_models.rename_registered_model(msg["name"], msg["new_name"])
    return {"registered_model": registered_model_json(model)}


def update_registered_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    model = stores.registered_models.update_registered_model(msg["name"], msg["description"])
    return {"registered_model": registered_model_json(model)}


def delete_registered_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.registered_models.delete_registered_model(msg["name"])
    return {}


def get_registered_model(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    model = stores.registered_models.get_registered_model(msg["name"])
    return {"registered_model": registered_model_json(model)}


def search_registered_models(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = _max_results(msg["max_results"], MAX_SEARCH_MODELS, DEFAULT_SEARCH_MODELS)
    page = stores.registered_models.search_registered_models(
        msg["filter"], max_results, msg["order_by"], msg["page_token"] or None
    )
    out: dict[str, Any] = {}
    if page.items:
        out["registered_models"] = [registered_model_json(m) for m in page.items]
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out


def get_latest_versions(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    versions = stores.registered_models.get_latest_versions(msg["name"], msg["stages"])
    return {"model_versions": [model_version_json(v) for v in versions]} if versions else {}


def set_registered_model_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    value = _value(msg)
    stores.registered_models.set_registered_model_tag(msg["name"], msg["key"], value)
    data = {"name": msg["name"], "key": msg["key"], "value": value}
    stores.webhooks.emit(MODEL_TAG_EVENT, "SET", data)
    return {}


def delete_registered_model_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.registered_models.delete_registered_model_tag(msg["name"], msg["key"])
    stores.webhooks.emit(MODEL_TAG_EVENT, "DELETED", {"name": msg["name"], "key": msg["key"]})
    return {}


def set_registered_model_alias(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.registered_models.set_registered_model_alias(msg["name"], msg["alias"], msg["version"])
    data = {"name": msg["name"], "alias": msg["alias"], "version": str(msg["version"])}
    stores.webhooks.emit("MODEL_VERSION_ALIAS", "CREATED", data)
    return {}


def delete_registered_model_alias(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.registered_models.delete_registered_model_alias(msg["name"], msg["alias"])
    data = {"name": msg["name"], "alias": msg["alias"]}
    stores.webhooks.emit("MODEL_VERSION_ALIAS", "DELETED", data)
    return {}


def get_model_version_by_alias(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    version = stores.registered_models.get_model_version_by_alias(msg["name"], msg["alias"])
    return {"model_version": model_version_json(version)}


# -- model versions ----------------------------------------------------------------------
def create_model_version(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    version = stores.model_versions.create_model_version(
        msg["name"],
        msg["source"],
        msg["run_id"],
        _tags(msg["tags"]),
        msg["run_link"],
        msg["description"],
        msg["model_id"],
    )
    data = {
        "name": version.name,
        "version": str(version.version),
        "source": version.source,
        "run_id": version.run_id,
        "tags": {t.key: t.value for t in version.tags},
        "description": version.description,
    }
    stores.webhooks.emit("MODEL_VERSION", "CREATED", data)
    return {"model_version": model_version_json(version)}


def update_model_version(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    version = stores.model_versions.update_model_version(
        msg["name"], msg["version"], msg["description"]
    )
    return {"model_version": model_version_json(version)}


def transition_model_version_stage(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    if msg["archive_existing_versions"] is None:
        raise InvalidParameter("Missing value for required parameter 'archive_existing_versions'.")
    version = stores.model_versions.transition_model_version_stage(
        msg["name"], msg["version"], msg["stage"], msg["archive_existing_versions"]
    )
    return {"model_version": model_version_json(version)}


def delete_model_version(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.model_versions.delete_model_version(msg["name"], msg["version"])
    return {}


def get_model_version(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    version = stores.model_versions.get_model_version(msg["name"], msg["version"])
    return {"model_version": model_version_json(version)}


def get_model_version_download_uri(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    uri = stores.model_versions.get_model_version_download_uri(msg["name"], msg["version"])
    return {"artifact_uri": uri}


def search_model_versions(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    max_results = _max_results(msg["max_results"], MAX_SEARCH_VERSIONS, MAX_SEARCH_VERSIONS)
    page = stores.model_versions.search_model_versions(
        msg["filter"], max_results, msg["order_by"], msg["page_token"] or None
    )
    out: dict[str, Any] = {}
    if page.rows:
        out["model_versions"] = model_version_rows_json(page)
    if page.next_page_token:
        out["next_page_token"] = page.next_page_token
    return out


def search_model_versions_response(stores: Stores, msg: dict[str, Any]) -> Response:
    """``search_model_versions`` encoded with the collector held off: a long page is many small
    objects, none in a cycle, that are freed again before the collector resumes."""
    with gc_paused():
        return json_response(search_model_versions(stores, msg))


def set_model_version_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    value = _value(msg)
    stores.model_versions.set_model_version_tag(msg["name"], msg["version"], msg["key"], value)
    data = {"name": msg["name"], "version": str(msg["version"]), "key": msg["key"], "value": value}
    stores.webhooks.emit("MODEL_VERSION_TAG", "SET", data)
    return {}


def delete_model_version_tag(stores: Stores, msg: dict[str, Any]) -> dict[str, Any]:
    stores.model_versions.delete_model_version_tag(msg["name"], msg["version"], msg["key"])
    data = {"name": msg["name"], "version": str(msg["version"]), "key": msg["key"]}
    stores.webhooks.emit("MODEL_VERSION_TAG", "DELETED", data)
    return {}
