"""Evaluation datasets on every backend: lifecycle, upsert by inputs, record pages, search,
experiment links, and refused requests that change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runhub.store.sql.evaluation_dataset_records import MAX_PAGE, MAX_RECORD_FIELD_BYTES
from tests.api.conftest import Api

V3 = "/api/3.0/mlflow/datasets"


def _experiment(api: Api, name: str = "evals") -> str:
    return str(api.post("experiments/create", {"name": name})["experiment_id"])


def _create(api: Api, name: str, experiment_ids: list[str], **tags: str) -> dict[str, Any]:
    body = {"name": name, "experiment_ids": experiment_ids, "tags": json.dumps(tags)}
    return _call(api, "POST", "/create", json=body)["dataset"]  # type: ignore[no-any-return]


def _call(api: Api, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
    response = api.client.request(method, V3 + path, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    if status != 200:
        assert isinstance(body["error_code"], str) and body["message"], body
    return body


def _upsert(api: Api, dataset_id: str, records: list[Any], status: int = 200) -> Any:
    return _call(
        api, "POST", f"/{dataset_id}/records", status, json={"records": json.dumps(records)}
    )


def _records(api: Api, dataset_id: str, page_size: int = 0) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    token = None
    while True:
        params: dict[str, Any] = {"max_results": page_size}
        if token:
            params["page_token"] = token
        page = _call(api, "GET", f"/{dataset_id}/records", params=params)
        out += json.loads(page["records"])
        token = page.get("next_page_token")
        if not token:
            return out


def test_dataset_lifecycle(api: Api) -> None:
    exp = _experiment(api)
    created = _create(api, "qa", [exp], team="a", **{"mlflow.user": "ann"})
    dataset_id = created["dataset_id"]
    assert dataset_id.startswith("d-") and len(dataset_id) == 34
    assert created["experiment_ids"] == [exp]
    assert created["created_by"] == created["last_updated_by"] == "ann"
    assert json.loads(created["tags"]) == {"team": "a", "mlflow.user": "ann"}
    assert "profile" not in created and "schema" not in created and len(created["digest"]) == 8

    got = _call(api, "GET", f"/{dataset_id}")["dataset"]
    assert "experiment_ids" not in got and got["name"] == "qa"
    _call(api, "PATCH", f"/{dataset_id}/tags", json={"tags": json.dumps({"x": 1, "team": None})})
    _call(api, "DELETE", f"/{dataset_id}/tags/mlflow.user")
    _call(api, "DELETE", f"/{dataset_id}/tags/never-set")  # idempotent
    tags = json.loads(_call(api, "GET", f"/{dataset_id}")["dataset"]["tags"])
    assert tags == {"team": "a", "x": "1"}  # null skipped, values as text

    _call(api, "DELETE", f"/{dataset_id}")
    _call(api, "DELETE", f"/{dataset_id}")  # a missing dataset: no-op, as in MLflow
    missing = _call(api, "GET", f"/{dataset_id}", 404)
    assert missing["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert missing["message"] == f"Evaluation dataset with id '{dataset_id}' not found"


def test_upsert_deduplicates_by_inputs_and_merges(api: Api) -> None:
    dataset_id = _create(api, "merge", [_experiment(api)])["dataset_id"]
    first = [
        {
            "inputs": {"q": "hi"},
            "expectations": {"expected": "hello"},
            "tags": {"mlflow.user": "a"},
        },
        {"inputs": {"q": "bye"}, "outputs": "ciao", "source": {"source_type": "HUMAN"}},
        {"inputs": {"q": "bye"}, "expectations": {"x": 1}},  # same inputs in one batch
    ]
    assert _upsert(api, dataset_id, first) == {"inserted_count": 2, "updated_count": 1}
    digest = _call(api, "GET", f"/{dataset_id}")["dataset"]["digest"]
    second = [
        {"inputs": {"q": "hi"}, "expectations": {"extra": True}, "tags": {"mlflow.user": "b"}},
        {"inputs": {"q": "bye"}, "outputs": None},  # explicit null clears the outputs
        {"inputs": {"q": "new"}},
    ]
    assert _upsert(api, dataset_id, second) == {"inserted_count": 1, "updated_count": 2}
    by_q = {r["inputs"]["q"]: r for r in _records(api, dataset_id)}
    assert by_q["hi"]["expectations"] == {"expected": "hello", "extra": True}
    assert by_q["hi"]["created_by"] == "a" and by_q["hi"]["last_updated_by"] == "b"
    assert "outputs" not in by_q["bye"] and by_q["bye"]["expectations"] == {"x": 1}
    assert by_q["bye"]["source_type"] == "HUMAN"
    assert by_q["new"]["outputs"] == {}
    dataset = _call(api, "GET", f"/{dataset_id}")["dataset"]
    assert json.loads(dataset["profile"]) == {"num_records": 3}
    assert dataset["digest"] != digest
    schema = json.loads(dataset["schema"])
    assert schema["inputs"] == {"q": "string"} and schema["outputs"] == "string"
    assert schema["expectations"] == {"expected": "string", "x": "integer", "extra": "boolean"}

    ids = [by_q["hi"]["dataset_record_id"], "dr-unknown"]
    deleted = _call(api, "DELETE", f"/{dataset_id}/records", json={"dataset_record_ids": ids})
    assert deleted == {"deleted_count": 1}
    assert json.loads(_call(api, "GET", f"/{dataset_id}")["dataset"]["profile"]) == {
        "num_records": 2
    }


def test_records_page_by_keyset_in_insertion_order(api: Api) -> None:
    dataset_id = _create(api, "big", [_experiment(api)])["dataset_id"]
    total = 2_503
    for start in range(0, total, 1_000):
        batch = [{"inputs": {"i": i}} for i in range(start, min(total, start + 1_000))]
        assert _upsert(api, dataset_id, batch)["inserted_count"] == len(batch)
    records = _records(api, dataset_id, page_size=700)
    assert [r["inputs"]["i"] for r in records] == list(range(total))
    assert len({r["dataset_record_id"] for r in records}) == total
    # A page larger than the store serves comes with a token for the rest.
    page = _call(api, "GET", f"/{dataset_id}/records", params={"max_results": MAX_PAGE + 5})
    assert len(json.loads(page["records"])) == total and "next_page_token" not in page
    _call(api, "GET", f"/{dataset_id}/records", 400, params={"page_token": "garbage!"})


def test_search_grammar_order_and_paging(api: Api) -> None:
    exp, other = _experiment(api, "a"), _experiment(api, "b")
    ids = {}
    for name, team in (("alpha", "x"), ("beta", "y"), ("Gamma", "x")):
        ids[name] = _create(api, name, [exp], team=team)["dataset_id"]
    elsewhere = _create(api, "alpha", [other])["dataset_id"]

    def names(**body: Any) -> list[str]:
        found = _call(api, "POST", "/search", json=body).get("datasets", [])
        return [d["name"] for d in found]

    assert names(experiment_ids=[exp], order_by=["name ASC"]) == ["Gamma", "alpha", "beta"]
    assert names(experiment_ids=[exp]) == ["Gamma", "beta", "alpha"]  # created_time DESC
    assert names(filter_string="name = 'alpha'", experiment_ids=[exp]) == ["alpha"]
    assert len(names(filter_string='name = "alpha"')) == 2
    assert names(filter_string="name IN ('beta', 'Gamma')", order_by=["name"]) == [
        "Gamma",
        "beta",
    ]
    assert names(filter_string="name ILIKE 'g%'") == ["Gamma"]
    assert names(filter_string="tags.team = 'x' AND name LIKE '%a'", order_by=["name"]) == [
        "Gamma",
        "alpha",
    ]
    assert names(filter_string="created_time > 0 AND tags.`team` != 'x'") == ["beta"]
    got = _call(api, "GET", "/search", params={"experiment_ids": other})["datasets"]
    assert [d["dataset_id"] for d in got] == [elsewhere]

    seen, token = [], None
    while True:
        body: dict[str, Any] = {"max_results": 1, "order_by": ["name DESC"]}
        if token:
            body["page_token"] = token
        page = _call(api, "POST", "/search", json=body)
        seen += [d["dataset_id"] for d in page["datasets"]]
        token = page.get("next_page_token")
        if not token:
            break
    assert len(seen) == 4 and set(seen) == {*ids.values(), elsewhere}

    for bad in (
        {"filter_string": "name = 'a' OR name = 'b'"},
        {"filter_string": "NOT name = 'a'"},
        {"filter_string": "owner = 'a'"},
        {"filter_string": "created_time LIKE 'a'"},
        {"filter_string": "created_by IN ('a')"},
        {"order_by": ["created_by"]},
        {"max_results": 50_001},
        {"page_token": "nope"},
    ):
        _call(api, "POST", "/search", 400, json=bad)


def test_experiment_links(api: Api) -> None:
    one, two = _experiment(api, "one"), _experiment(api, "two")
    dataset_id = _create(api, "linked", [one])["dataset_id"]
    before = _call(api, "GET", f"/{dataset_id}")["dataset"]["last_update_time"]
    body = {"dataset_id": dataset_id, "experiment_ids": [two, one]}
    added = _call(api, "POST", f"/{dataset_id}/add-experiments", json=body)["dataset"]
    assert added["last_update_time"] >= before and "experiment_ids" not in added
    assert _call(api, "GET", f"/{dataset_id}/experiment-ids") == {"experiment_ids": [one, two]}
    missing = _call(
        api, "POST", f"/{dataset_id}/add-experiments", 404, json={"experiment_ids": ["98765"]}
    )
    assert missing["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    _call(api, "POST", f"/{dataset_id}/remove-experiments", json={"experiment_ids": [one, "7"]})
    assert _call(api, "GET", f"/{dataset_id}/experiment-ids") == {"experiment_ids": [two]}

    # Purging an experiment removes its links; the dataset stays, as in MLflow.
    api.post("experiments/delete", {"experiment_id": two})
    api.post("experiments/purge", {"experiment_id": two})
    assert _call(api, "GET", f"/{dataset_id}/experiment-ids") == {}
    assert _call(api, "GET", f"/{dataset_id}")["dataset"]["name"] == "linked"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "", None),
        ("GET", "/records", None),
        ("POST", "/records", {"records": "[]"}),
        ("DELETE", "/records", {"dataset_record_ids": ["dr-1"]}),
        ("GET", "/experiment-ids", None),
        ("PATCH", "/tags", {"tags": "{}"}),
        ("POST", "/add-experiments", {"experiment_ids": []}),
        ("POST", "/remove-experiments", {"experiment_ids": []}),
    ],
)
def test_unknown_dataset_is_404(api: Api, method: str, path: str, body: Any) -> None:
    error = _call(api, method, f"/d-{'0' * 32}{path}", 404, json=body)
    assert error["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_refused_requests_change_nothing(api: Api) -> None:
    exp = _experiment(api)
    dataset_id = _create(api, "safe", [exp], team="a")["dataset_id"]
    assert _upsert(api, dataset_id, [{"inputs": {"q": 1}, "outputs": 1}])["inserted_count"] == 1
    before = (_call(api, "GET", f"/{dataset_id}")["dataset"], _records(api, dataset_id))

    huge = "x" * (MAX_RECORD_FIELD_BYTES + 1)
    for records in (
        [{"inputs": {"q": 2}}, {"inputs": {"q": huge}}],  # oversize, after a valid record
        [{"inputs": {"q": 2}}, "not a record"],
        [{"inputs": ["a"]}],
        [{"inputs": {"q": 1}, "expectations": "yes"}],
        [{"inputs": {"q": 1}, "tags": [1]}],
        [{"inputs": {"q": 1}, "source": "TRACE"}],
        [{"inputs": {"q": 1}, "source": {"source_type": "SOMETHING"}}],
        [
            {
                "inputs": {"q": 1},
                "source": {"source_type": "TRACE", "source_data": {"trace_id": "t" * 256}},
            }
        ],
        [{"inputs": {"q": 1}, "tags": {"mlflow.user": "u" * 256}}],
        {"inputs": {}},
    ):
        _upsert(api, dataset_id, records, 400)
    for text in ("not json", "[{", '"a string"', '[{"inputs": {"q": "\\ud800"}}]'):
        _call(api, "POST", f"/{dataset_id}/records", 400, json={"records": text})
    _call(api, "POST", f"/{dataset_id}/records", 400, json={"records": ""})
    _call(api, "POST", f"/{dataset_id}/records", 400, json={"records": ["a"]})
    for tags in ("[1]", "nope", json.dumps({"": "a"}), json.dumps({"k" * 300: "a"})):
        _call(api, "PATCH", f"/{dataset_id}/tags", 400, json={"tags": tags})
    _call(api, "POST", f"/{dataset_id}/add-experiments", 404, json={"experiment_ids": ["x"]})
    _call(api, "GET", f"/{dataset_id}/records", 400, params={"max_results": -1})
    _call(api, "DELETE", f"/{dataset_id}/records", 400, json={"dataset_record_ids": [{}]})
    assert (_call(api, "GET", f"/{dataset_id}")["dataset"], _records(api, dataset_id)) == before
    assert _call(api, "GET", f"/{dataset_id}/experiment-ids") == {"experiment_ids": [exp]}

    for body in (
        {},
        {"name": ""},
        {"name": "n" * 501},
        {"name": "a", "tags": "[]"},
        {"name": "a", "experiment_ids": ["424242"]},
        {"name": "a", "experiment_ids": [{"x": 1}]},
        {"name": "a", "tags": json.dumps({"mlflow.user": "u" * 256})},
    ):
        _call(
            api,
            "POST",
            "/create",
            404 if body.get("experiment_ids") == ["424242"] else 400,
            json=body,
        )
    assert len(_call(api, "POST", "/search", json={})["datasets"]) == 1
