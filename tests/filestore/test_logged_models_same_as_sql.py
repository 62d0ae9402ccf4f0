"""The file store reads, searches and refuses logged models exactly as the SQLite store does.

The same models are created on a SQLite-backed and a file-backed server, one write at a time
with the clock moving between writes, so timestamps order the same way on both. Every search
case is paged through on both and the model names compared; ids and timestamps, which differ,
enter filters through placeholders filled per server.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.filestore.conftest import Api, file_store_server
from tests.fixtures.live_server import runhub_server

T0 = 1_700_000_000_000


@dataclass
class Logged:
    api: Api
    experiment_id: str
    run_id: str
    ids: dict[str, str]  # model name -> model id
    created: dict[str, int]  # model name -> creation_timestamp_ms

    def fill(self, text: str) -> str:
        return text.format(
            run=self.run_id, **self.ids, **{f"t_{k}": v for k, v in self.created.items()}
        )


# name -> (model_type, params, tags, metrics [(key, value, step, dataset, digest)], final status)
MODELS: dict[str, tuple[Any, ...]] = {
    "m0": (
        "sklearn",
        {"alpha": "0.1"},
        {"stage": "dev"},
        [("acc", 0.7, 0, "train", "d1"), ("acc", 0.9, 1, "eval", "d2"), ("loss", 0.3, 0, "", "")],
        "LOGGED_MODEL_READY",
    ),
    "m1": (
        None,
        {"alpha": "0.2"},
        {"stage": "prod", "team": "x"},
        [("acc", "NaN", 0, "", ""), ("acc", 0.5, 1, "train", "d9")],
        None,
    ),
    "m2": (
        "pytorch",
        {},
        {"Stage": "Dev", "nested/key": "n"},
        [("acc", "Infinity", 0, "eval", "d2"), ("acc", 0.2, 3, "eval", "d2")],
        "LOGGED_MODEL_UPLOAD_FAILED",
    ),
    "m3": (
        "sklearn",
        {"alpha": "0.1"},
        {},
        [("loss", 0.1, 0, "train", "d1")],
        "LOGGED_MODEL_READY",
    ),
    "Mx_%": ("sklearn", {"beta": "b"}, {"stage": "dev"}, [], None),
    "dup": (None, {}, {}, [("acc", 0.7, 2, "", "")], "LOGGED_MODEL_READY"),
    "dup ": ("sklearn", {}, {}, [("acc", 0.7, 2, "", "")], None),
    "gone": ("sklearn", {"alpha": "0.1"}, {"stage": "dev"}, [("acc", 0.99, 0, "", "")], None),
}


def _tick() -> None:
    time.sleep(0.003)  # every write gets its own millisecond, on both servers alike


def _log(api: Api) -> Logged:
    exp_id = api.call("POST", "experiments/create", {"name": "models"})["experiment_id"]
    run_id = api.call("POST", "runs/create", {"experiment_id": exp_id, "start_time": T0})["run"][
        "info"
    ]["run_id"]
    ids: dict[str, str] = {}
    created: dict[str, int] = {}
    for i, (name, (model_type, params, tags, metrics, final)) in enumerate(MODELS.items()):
        body: dict[str, Any] = {
            "experiment_id": exp_id,
            "name": name,
            "params": [{"key": k, "value": v} for k, v in params.items()],
        }
        if model_type:
            body["model_type"] = model_type
        if i % 2 == 0:
            body["source_run_id"] = run_id
        model = api.call("POST", "logged-models", body)["model"]["info"]
        ids[name], created[name] = model["model_id"], int(model["creation_timestamp_ms"])
        _tick()
        if tags:
            api.call(
                "PATCH",
                f"logged-models/{ids[name]}/tags",
                {"tags": [{"key": k, "value": v} for k, v in tags.items()]},
            )
            _tick()
        if metrics:
            points = []
            for j, (key, value, step, dataset, digest) in enumerate(metrics):
                point = {
                    "key": key,
                    "value": value,
                    "timestamp": T0 + 10 * i + j,
                    "step": step,
                    "model_id": ids[name],
                }
                if dataset:
                    point.update(dataset_name=dataset, dataset_digest=digest)
                points.append(point)
            api.call("POST", "runs/log-batch", {"run_id": run_id, "metrics": points})
        if final:
            api.call("PATCH", f"logged-models/{ids[name]}", {"status": final})
            _tick()
    api.call("DELETE", f"logged-models/{ids['gone']}")
    return Logged(api, exp_id, run_id, ids, created)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Logged, Logged]]:
    sql_tmp = tmp_path_factory.mktemp("sql")
    file_tmp = tmp_path_factory.mktemp("file")
    with (
        runhub_server(sql_tmp, str(sql_tmp / "mlartifacts")) as sql,
        file_store_server(file_tmp, Path(file_tmp / "mlruns")) as files,
    ):
        yield _log(Api(sql.url)), _log(Api(files.url))


def _names(logged: Logged, request: dict[str, Any]) -> list[list[str]]:
    """Every page of the search, as the names of its models."""
    body = {"experiment_ids": [logged.experiment_id], "max_results": 3, **request}
    if "filter" in body:
        body["filter"] = logged.fill(body["filter"])
    pages: list[list[str]] = []
    while True:
        page = logged.api.call("POST", "logged-models/search", body)
        pages.append([m["info"]["name"] for m in page.get("models", [])])
        if not page.get("next_page_token"):
            return pages
        body["page_token"] = page["next_page_token"]


def _desc(field: str, **extra: str) -> dict[str, Any]:
    return {"field_name": field, "ascending": False, **extra}


SEARCHES: list[dict[str, Any]] = [
    {},
    {"filter": "name = 'm0'"},
    {"filter": "name LIKE 'm%'"},
    {"filter": "name ILIKE 'M_' OR name LIKE '%\\_\\%'"},
    {"filter": "attributes.name != 'dup'"},
    {"filter": "status = 'READY'"},
    {"filter": "status IN ('READY', 'failed')"},
    {"filter": "status != 'PENDING'"},
    {"filter": "status LIKE 'LOGGED_MODEL_R%'"},
    {"filter": "model_type = 'sklearn'"},
    {"filter": "model_type != 'sklearn'"},
    {"filter": "model_type NOT IN ('pytorch')"},
    {"filter": "NOT model_type = 'pytorch'"},
    {"filter": "source_run_id = '{run}'"},
    {"filter": "source_run_id != 'other'"},  # models without a source run match nothing
    {"filter": "model_id = '{m3}' OR model_id IN ('{m0}', '{dup}')"},
    {"filter": "creation_timestamp > {t_m2}"},
    {"filter": "creation_time <= {t_m3} AND last_updated_timestamp > {t_m0}"},
    {"filter": "params.alpha = '0.1'"},
    {"filter": "params.alpha IS NULL"},
    {"filter": "params.alpha != '0.1'"},
    {"filter": "tags.stage IN ('dev', 'prod')"},
    {"filter": "tags.team IS NOT NULL"},
    {"filter": "tags.`nested/key` = 'n'"},
    {"filter": "tags.stage ILIKE 'DEV'"},
    {"filter": "metrics.acc > 0.6"},
    {"filter": "metrics.acc != 0.5"},
    {"filter": "metrics.acc >= 1e300"},
    {"filter": "metrics.loss <= 0.3 AND NOT metrics.acc < 0.8"},
    {"datasets": [{"dataset_name": "train"}]},
    {"datasets": [{"dataset_name": "eval", "dataset_digest": "d2"}]},
    {"datasets": [{"dataset_name": "train", "dataset_digest": "d9"}, {"dataset_name": "eval"}]},
    {"filter": "metrics.acc > 0.6", "datasets": [{"dataset_name": "train"}]},
    {"filter": "metrics.acc < 0.6", "datasets": [{"dataset_name": "eval"}]},
    {"order_by": [_desc("metrics.acc")]},
    {"order_by": [{"field_name": "metrics.acc"}]},
    {"order_by": [{"field_name": "metrics.acc", "dataset_name": "train"}]},
    {"order_by": [_desc("metrics.acc", dataset_name="eval", dataset_digest="d2")]},
    {"order_by": [{"field_name": "name"}]},
    {"order_by": [_desc("name")]},
    {"order_by": [_desc("model_type"), {"field_name": "name"}]},
    {"order_by": [{"field_name": "model_type"}]},
    {"order_by": [{"field_name": "source_run_id"}, _desc("creation_time")]},
    {"order_by": [{"field_name": "creation_timestamp"}]},
    {"order_by": [{"field_name": "creation_timestamp_ms"}]},
    {"order_by": [_desc("last_updated_timestamp")]},
    {"order_by": [{"field_name": "status"}, {"field_name": "metrics.loss"}]},
    {"filter": "tags.stage = 'dev'", "order_by": [_desc("metrics.acc"), {"field_name": "name"}]},
]


@pytest.mark.parametrize("request_", SEARCHES, ids=[str(i) for i in range(len(SEARCHES))])
def test_search_pages_match(pair: tuple[Logged, Logged], request_: dict[str, Any]) -> None:
    sql, files = pair
    expected = _names(sql, request_)
    assert any(expected), "every case finds some models"
    assert _names(files, request_) == expected


ERRORS: list[dict[str, Any]] = [
    {"filter": "status = 'LOGGED_MODEL_READY'"},
    {"filter": "metrics.acc > 'x'"},
    {"filter": "params.alpha > '1'"},
    {"filter": "name IS NULL"},
    {"filter": "size = 3"},
    {"datasets": [{"dataset_digest": "d1"}]},
    {"order_by": [{"field_name": "params.alpha"}]},
    {"order_by": [{"field_name": "name", "dataset_name": "train"}]},
    {"order_by": [{"field_name": "metrics.acc", "dataset_digest": "d1"}]},
    {"max_results": -1},
    {"page_token": "bm90IGEgdG9rZW4"},
]


@pytest.mark.parametrize("request_", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_refusals_match(pair: tuple[Logged, Logged], request_: dict[str, Any]) -> None:
    answers = []
    for logged in pair:
        body = {"experiment_ids": [logged.experiment_id], **request_}
        answers.append(logged.api.error("POST", "logged-models/search", body))
    assert answers[0][0] == 400 and answers[0] == answers[1]


def test_page_token_of_another_search_is_refused_alike(pair: tuple[Logged, Logged]) -> None:
    answers = []
    for logged in pair:
        body: dict[str, Any] = {"experiment_ids": [logged.experiment_id], "max_results": 1}
        token = logged.api.call("POST", "logged-models/search", body)["next_page_token"]
        body.update(page_token=token, filter="name = 'm0'")
        status, code, message = logged.api.error("POST", "logged-models/search", body)
        answers.append((status, code, message.replace(token, "<token>")))
    assert answers[0][0] == 400 and answers[0] == answers[1]


def _shape(logged: Logged, name: str, allow_deleted: bool = False) -> dict[str, Any]:
    """A model as the API returns it, ids and timestamps replaced by what they stand for."""
    params = {"allow_deleted": "true"} if allow_deleted else None
    model = logged.api.call("GET", f"logged-models/{logged.ids[name]}", params=params)["model"]
    info, data = model["info"], model.get("data", {})
    for key in ("creation_timestamp_ms", "last_updated_timestamp_ms", "experiment_id"):
        assert info.pop(key)
    assert info.pop("model_id") == logged.ids[name]
    assert info.pop("artifact_uri").endswith(f"/models/{logged.ids[name]}/artifacts")
    if info.get("source_run_id"):
        assert info.pop("source_run_id") == logged.run_id
    info["tags"] = sorted(info.get("tags", []), key=lambda t: t["key"])
    data["params"] = sorted(data.get("params", []), key=lambda p: p["key"])
    for m in data.get("metrics", []):
        assert m.pop("run_id") == logged.run_id
        m.pop("model_id", None)
    # SQL lists points in logged order across keys, the file store key by key.
    data["metrics"] = sorted(data.get("metrics", []), key=lambda m: (m["key"], m["timestamp"]))
    return model


@pytest.mark.parametrize("name", list(MODELS))
def test_models_read_back_alike(pair: tuple[Logged, Logged], name: str) -> None:
    sql, files = pair
    deleted = name == "gone"
    assert _shape(files, name, deleted) == _shape(sql, name, deleted)


REFUSED_WRITES = [
    ("POST", "logged-models", {"experiment_id": "424242"}),
    ("POST", "logged-models", {"experiment_id": "x"}),
    ("POST", "logged-models", {"experiment_id": "{exp}", "source_run_id": "nope"}),
    ("POST", "logged-models", {"experiment_id": "{exp}", "name": "n" * 501}),
    ("POST", "logged-models", {"experiment_id": "{exp}", "tags": [{"key": "../x", "value": "1"}]}),
    ("GET", "logged-models/{gone}", None),
    ("GET", "logged-models/m-missing", None),
    ("PATCH", "logged-models/{m0}", {"status": "LOGGED_MODEL_PENDING"}),
    ("PATCH", "logged-models/{gone}", {"status": "LOGGED_MODEL_READY"}),
    ("DELETE", "logged-models/{gone}", None),
    ("DELETE", "logged-models/{m0}/tags/absent", None),
    ("PATCH", "logged-models/{m0}/tags", {"tags": [{"key": "", "value": "v"}]}),
    ("POST", "logged-models/{m0}/params", {"params": [{"key": "k", "value": "v" * 100_001}]}),
    ("POST", "logged-models/m-missing/params", {"params": [{"key": "k", "value": "v"}]}),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), REFUSED_WRITES, ids=[str(i) for i in range(len(REFUSED_WRITES))]
)
def test_refused_writes_match(
    pair: tuple[Logged, Logged], method: str, path: str, body: dict[str, Any] | None
) -> None:
    answers = []
    for logged in pair:
        values = {"exp": logged.experiment_id, **logged.ids}
        filled = (
            None
            if body is None
            else {k: v.format(**values) if isinstance(v, str) else v for k, v in body.items()}
        )
        status, code, message = logged.api.error(method, path.format(**values), filled)
        for name, model_id in logged.ids.items():
            message = message.replace(model_id, f"<{name}>")
        message = re.sub(rf"\b{logged.experiment_id}\b", "<exp>", message)
        answers.append((status, code, message))
    assert answers[0] == answers[1]


def test_model_metric_for_an_unknown_model_is_refused_alike(pair: tuple[Logged, Logged]) -> None:
    answers = []
    for logged in pair:
        point = {"key": "acc", "value": 1, "timestamp": T0, "step": 0, "model_id": "m-nope"}
        answers.append(
            logged.api.error(
                "POST", "runs/log-batch", {"run_id": logged.run_id, "metrics": [point]}
            )
        )
    assert answers[0][0] == 404 and answers[0] == answers[1]
