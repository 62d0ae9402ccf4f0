"""GenAI evaluation datasets with the stock client: lifecycle, merge_records by inputs, to_df,
and mlflow.genai.evaluate on a stored dataset with a code scorer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import mlflow
import pytest
from mlflow.genai import datasets
from mlflow.genai.scorers import scorer

from .rest import Rest

pytestmark = pytest.mark.compat

V3 = "/api/3.0/mlflow/datasets"


@pytest.fixture
def active_experiment(tracking_uri: str, experiment_id: str) -> Iterator[str]:
    mlflow.set_experiment(experiment_id=experiment_id)
    yield experiment_id


def test_dataset_lifecycle(active_experiment: str, client: Any, unique_name: str) -> None:
    dataset = datasets.create_dataset(
        name=unique_name, experiment_id=active_experiment, tags={"team": "evals"}
    )
    assert dataset.dataset_id.startswith("d-")
    assert dataset.tags["team"] == "evals" and "mlflow.user" in dataset.tags
    assert dataset.experiment_ids == [active_experiment]

    by_id = datasets.get_dataset(dataset_id=dataset.dataset_id)
    by_name = datasets.get_dataset(name=unique_name)
    assert by_id.dataset_id == by_name.dataset_id == dataset.dataset_id
    assert by_id.name == unique_name and by_id.digest == dataset.digest

    found = datasets.search_datasets(
        experiment_ids=[active_experiment], filter_string=f"name = '{unique_name}'"
    )
    assert [d.dataset_id for d in found] == [dataset.dataset_id]
    assert datasets.search_datasets(filter_string="tags.team = 'nobody'") == []

    datasets.set_dataset_tags(dataset.dataset_id, {"team": "other", "stage": "dev"})
    datasets.delete_dataset_tag(dataset.dataset_id, "stage")
    tags = datasets.get_dataset(dataset_id=dataset.dataset_id).tags
    assert tags["team"] == "other" and "stage" not in tags

    other = client.create_experiment(unique_name + "-other")
    linked = datasets.add_dataset_to_experiments(dataset.dataset_id, [other])
    assert sorted(linked.experiment_ids) == sorted([active_experiment, other])
    unlinked = datasets.remove_dataset_from_experiments(dataset.dataset_id, [active_experiment])
    assert unlinked.experiment_ids == [other]

    datasets.delete_dataset(dataset_id=dataset.dataset_id)
    with pytest.raises(mlflow.MlflowException, match="not found") as err:
        datasets.get_dataset(dataset_id=dataset.dataset_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_merge_records_updates_by_inputs_and_to_df(
    active_experiment: str, unique_name: str
) -> None:
    dataset = datasets.create_dataset(name=unique_name, experiment_id=active_experiment)
    created_digest = dataset.digest  # 3.18's client refreshes ``dataset`` after a merge, 3.17's not
    dataset.merge_records(
        [
            {"inputs": {"question": "hi"}, "expectations": {"expected_response": "hello"}},
            {"inputs": {"question": "bye"}, "expectations": {"expected_response": "ciao"}},
        ]
    )
    dataset.merge_records(
        [
            {"inputs": {"question": "hi"}, "expectations": {"polite": True}},
            {"inputs": {"question": "new"}, "outputs": "fresh"},
        ]
    )
    stored = datasets.get_dataset(dataset_id=dataset.dataset_id)
    assert stored.profile is not None and json.loads(stored.profile)["num_records"] == 3
    assert stored.digest != created_digest
    assert set(stored.schema and json.loads(stored.schema)["inputs"]) == {"question"}

    df = stored.to_df()
    assert len(df) == 3
    for column in ("inputs", "outputs", "expectations", "tags", "source_type", "dataset_record_id"):
        assert column in df.columns
    by_question = {row["inputs"]["question"]: row for _, row in df.iterrows()}
    assert by_question["hi"]["expectations"] == {"expected_response": "hello", "polite": True}
    assert by_question["new"]["outputs"] == "fresh"
    assert by_question["bye"]["source_type"] == "HUMAN"

    stored.delete_records([by_question["bye"]["dataset_record_id"]])
    assert len(datasets.get_dataset(dataset_id=dataset.dataset_id).to_df()) == 2


def test_many_records_page_through_to_df(active_experiment: str, unique_name: str) -> None:
    dataset = datasets.create_dataset(name=unique_name, experiment_id=active_experiment)
    dataset.merge_records(
        [{"inputs": {"n": i}, "expectations": {"m": 2 * i}} for i in range(2_345)]
    )
    df = datasets.get_dataset(dataset_id=dataset.dataset_id).to_df()
    assert sorted(row["n"] for row in df["inputs"]) == list(range(2_345))


@scorer
def exact(outputs: Any, expectations: dict[str, Any]) -> bool:
    return bool(outputs == expectations["expected_response"])


def test_evaluate_on_a_stored_dataset(
    active_experiment: str, client: Any, unique_name: str
) -> None:
    dataset = datasets.create_dataset(name=unique_name, experiment_id=active_experiment)
    dataset.merge_records(
        [
            {"inputs": {"question": "hi"}, "expectations": {"expected_response": "HI"}},
            {"inputs": {"question": "yo"}, "expectations": {"expected_response": "nope"}},
        ]
    )

    def predict_fn(question: str) -> str:
        return question.upper()

    stored = datasets.get_dataset(dataset_id=dataset.dataset_id)
    result = mlflow.genai.evaluate(data=stored, predict_fn=predict_fn, scorers=[exact])
    assert result.metrics["exact/mean"] == pytest.approx(0.5)

    run = client.get_run(result.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.metrics["exact/mean"] == pytest.approx(0.5)
    inputs = run.inputs.dataset_inputs
    assert [i.dataset.name for i in inputs] == [unique_name]
    assert json.loads(inputs[0].dataset.source)["dataset_id"] == dataset.dataset_id

    traces = mlflow.search_traces(run_id=result.run_id, return_type="list")
    assert len(traces) == 2
    values = sorted(a.value for t in traces for a in t.info.assessments if a.name == "exact")
    assert values == [False, True]


def test_errors_have_mlflow_shape(rest: Rest, active_experiment: str, unique_name: str) -> None:
    missing = f"d-{'0' * 32}"
    resp = rest.get(f"{V3}/{missing}")
    error = Rest.assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")
    assert error["message"] == f"Evaluation dataset with id '{missing}' not found"
    resp = rest.session.patch(rest.url(f"{V3}/{missing}/tags"), json={"tags": "{}"}, timeout=60)
    Rest.assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")
    resp = rest.post(f"{V3}/{missing}/add-experiments", json={"experiment_ids": ["0"]})
    Rest.assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")
    resp = rest.session.delete(rest.url(f"{V3}/{missing}"), timeout=60)
    assert resp.status_code == 200 and resp.json() == {}

    created = rest.ok(
        "POST", f"{V3}/create", json={"name": unique_name, "experiment_ids": [active_experiment]}
    )["dataset"]
    assert created["experiment_ids"] == [active_experiment]
    records_path = f"{V3}/{created['dataset_id']}/records"
    Rest.assert_error(rest.post(records_path, json={}), 400, "INVALID_PARAMETER_VALUE")
    bad_filter = {"filter_string": "owner = 'x'"}
    Rest.assert_error(rest.post(f"{V3}/search", json=bad_filter), 400, "INVALID_PARAMETER_VALUE")
    too_many = {"max_results": 50_001}
    Rest.assert_error(rest.post(f"{V3}/search", json=too_many), 400, "INVALID_PARAMETER_VALUE")
    Rest.assert_error(rest.post(f"{V3}/create", json={}), 400, "INVALID_PARAMETER_VALUE")

    # Several datasets may share a name; a lookup by that name then refuses to choose.
    rest.ok("POST", f"{V3}/create", json={"name": unique_name})
    with pytest.raises(mlflow.MlflowException):
        datasets.get_dataset(name=unique_name)
    counts = rest.ok(
        "POST",
        records_path,
        json={"records": json.dumps([{"inputs": {"a": 1}}, {"inputs": {"a": 1}, "outputs": 2}])},
    )
    assert counts == {"inserted_count": 1, "updated_count": 1}


@pytest.mark.runhub_only
def test_unknown_dataset_records_and_links_are_404(rest: Rest) -> None:
    """MLflow answers an unknown dataset's records with an empty page (and takes an empty
    upsert); runhub answers 404 RESOURCE_DOES_NOT_EXIST on every route of a dataset."""
    missing = f"d-{'0' * 32}"
    for method, path, body in (
        ("GET", "/records", None),
        ("POST", "/records", {"records": "[]"}),
        ("DELETE", "/records", {"dataset_record_ids": ["dr-1"]}),
        ("GET", "/experiment-ids", None),
    ):
        resp = rest.session.request(
            method, rest.url(f"{V3}/{missing}{path}"), json=body, timeout=60
        )
        Rest.assert_error(resp, 404, "RESOURCE_DOES_NOT_EXIST")


@pytest.mark.runhub_only
def test_malformed_records_are_400_and_change_nothing(
    rest: Rest, active_experiment: str, unique_name: str
) -> None:
    """Where MLflow answers some of these with 500 (which its client retries), runhub
    answers 400 INVALID_PARAMETER_VALUE."""
    body = {"name": unique_name, "experiment_ids": [active_experiment]}
    dataset_id = rest.ok("POST", f"{V3}/create", json=body)["dataset"]["dataset_id"]
    path = f"{V3}/{dataset_id}/records"
    for records in ("nope", '["x"]', '[{"inputs": ["a"]}]', '[{"inputs": {}, "expectations": 1}]'):
        Rest.assert_error(
            rest.post(path, json={"records": records}), 400, "INVALID_PARAMETER_VALUE"
        )
    resp = rest.get(path, params={"page_token": "garbage!"})
    Rest.assert_error(resp, 400, "INVALID_PARAMETER_VALUE")
    resp = rest.session.patch(rest.url(f"{V3}/{dataset_id}/tags"), json={"tags": "[1]"}, timeout=60)
    Rest.assert_error(resp, 400, "INVALID_PARAMETER_VALUE")
    assert rest.ok("GET", path) == {"records": "[]"}
