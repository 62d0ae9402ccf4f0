"""The ten experiment routes, through ``MlflowClient`` and the fluent API."""

from __future__ import annotations

import time

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from .rest import Rest

pytestmark = pytest.mark.compat


def test_create_with_tags_and_artifact_location_then_get(
    client: MlflowClient, unique_name: str
) -> None:
    before = int(time.time() * 1000)
    location = f"mlflow-artifacts:/custom/{unique_name}"
    exp_id = client.create_experiment(
        unique_name, artifact_location=location, tags={"team": "vision", "ノート": "値 🚀"}
    )
    assert isinstance(exp_id, str) and exp_id

    exp = client.get_experiment(exp_id)
    assert exp.experiment_id == exp_id
    assert exp.name == unique_name
    assert exp.artifact_location == location
    assert exp.lifecycle_stage == "active"
    assert exp.tags == {"team": "vision", "ノート": "値 🚀"}
    assert before - 5000 <= exp.creation_time <= int(time.time() * 1000) + 5000
    assert exp.last_update_time >= exp.creation_time


def test_default_artifact_location_is_under_the_proxy(
    client: MlflowClient, experiment_id: str
) -> None:
    exp = client.get_experiment(experiment_id)
    assert exp.artifact_location == f"mlflow-artifacts:/{experiment_id}"
    assert exp.tags == {}


def test_get_by_name(client: MlflowClient, unique_name: str) -> None:
    exp_id = client.create_experiment(unique_name)
    exp = client.get_experiment_by_name(unique_name)
    assert exp is not None
    assert exp.experiment_id == exp_id
    assert exp.name == unique_name


def test_get_by_name_of_unknown_experiment_is_none(client: MlflowClient, unique_name: str) -> None:
    assert client.get_experiment_by_name(f"no-such-{unique_name}") is None


def test_get_unknown_experiment_is_resource_does_not_exist(client: MlflowClient) -> None:
    with pytest.raises(MlflowException) as info:
        client.get_experiment("987654321")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert info.value.get_http_status_code() == 404


def test_duplicate_name_is_resource_already_exists(client: MlflowClient, unique_name: str) -> None:
    client.create_experiment(unique_name)
    with pytest.raises(MlflowException) as info:
        client.create_experiment(unique_name)
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_rename(client: MlflowClient, unique_name: str) -> None:
    exp_id = client.create_experiment(unique_name)
    client.rename_experiment(exp_id, f"{unique_name}-renamed")
    assert client.get_experiment(exp_id).name == f"{unique_name}-renamed"
    assert client.get_experiment_by_name(unique_name) is None
    assert client.get_experiment_by_name(f"{unique_name}-renamed").experiment_id == exp_id


def test_delete_and_restore(client: MlflowClient, unique_name: str) -> None:
    exp_id = client.create_experiment(unique_name)
    client.delete_experiment(exp_id)
    exp = client.get_experiment(exp_id)
    assert exp.lifecycle_stage == "deleted"
    # A deleted experiment is still found by name while no active one has that name.
    assert client.get_experiment_by_name(unique_name).lifecycle_stage == "deleted"

    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"


def test_set_and_delete_tag(client: MlflowClient, experiment_id: str) -> None:
    client.set_experiment_tag(experiment_id, "stage", "draft")
    client.set_experiment_tag(experiment_id, "stage", "final")  # tags overwrite
    client.set_experiment_tag(experiment_id, "mlflow.note.content", "# Notes ✍️")
    assert client.get_experiment(experiment_id).tags == {
        "stage": "final",
        "mlflow.note.content": "# Notes ✍️",
    }
    client.delete_experiment_tag(experiment_id, "stage")
    assert client.get_experiment(experiment_id).tags == {"mlflow.note.content": "# Notes ✍️"}


def test_experiment_limits(client: MlflowClient, rest: Rest, unique_name: str) -> None:
    exp_id = client.create_experiment(unique_name)
    client.set_experiment_tag(exp_id, "long", "v" * 20_000)
    assert client.get_experiment(exp_id).tags["long"] == "v" * 20_000
    # Experiment tags are not truncated: too long is an error.
    with pytest.raises(MlflowException) as info:
        client.set_experiment_tag(exp_id, "longer", "v" * 20_001)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "longer" not in client.get_experiment(exp_id).tags

    resp = rest.post("/api/2.0/mlflow/experiments/create", json={"name": "n" * 501})
    rest.assert_error(resp, 400, "INVALID_PARAMETER_VALUE")


def _names(experiments) -> list[str]:
    return [e.name for e in experiments]


@pytest.fixture
def three_experiments(client: MlflowClient, unique_name: str) -> list[str]:
    """Three experiments created in order a, b, c; b is tagged and c is deleted."""
    ids = []
    for suffix in ("a", "b", "c"):
        ids.append(client.create_experiment(f"{unique_name}-{suffix}"))
        time.sleep(0.01)  # distinct creation times
    client.set_experiment_tag(ids[1], "kind", "special")
    client.delete_experiment(ids[2])
    return ids


def test_search_by_name_like_and_view_types(
    client: MlflowClient, unique_name: str, three_experiments: list[str]
) -> None:
    like = f"name LIKE '{unique_name}-%'"
    active = client.search_experiments(filter_string=like)
    assert sorted(_names(active)) == [f"{unique_name}-a", f"{unique_name}-b"]

    deleted = client.search_experiments(view_type=ViewType.DELETED_ONLY, filter_string=like)
    assert _names(deleted) == [f"{unique_name}-c"]
    assert deleted[0].lifecycle_stage == "deleted"

    everything = client.search_experiments(view_type=ViewType.ALL, filter_string=like)
    assert sorted(_names(everything)) == [f"{unique_name}-{s}" for s in "abc"]


def test_search_default_order_is_newest_first(
    client: MlflowClient, unique_name: str, three_experiments: list[str]
) -> None:
    found = client.search_experiments(
        view_type=ViewType.ALL, filter_string=f"name LIKE '{unique_name}%'"
    )
    assert _names(found) == [f"{unique_name}-{s}" for s in "cba"]


def test_search_by_tag_and_id_and_creation_time(
    client: MlflowClient, unique_name: str, three_experiments: list[str]
) -> None:
    a, b, c = three_experiments
    tagged = client.search_experiments(filter_string="tags.kind = 'special'")
    assert b in [e.experiment_id for e in tagged]
    assert all(e.tags.get("kind") == "special" for e in tagged)

    by_id = client.search_experiments(
        view_type=ViewType.ALL, filter_string=f"experiment_id IN ('{a}', '{c}')"
    )
    assert sorted(e.experiment_id for e in by_id) == sorted([a, c])

    created_b = client.get_experiment(b).creation_time
    later = client.search_experiments(
        view_type=ViewType.ALL,
        filter_string=f"name LIKE '{unique_name}%' AND creation_time >= {created_b}",
    )
    assert sorted(_names(later)) == [f"{unique_name}-b", f"{unique_name}-c"]

    ilike = client.search_experiments(filter_string=f"name ILIKE '{unique_name.upper()}-A'")
    assert _names(ilike) == [f"{unique_name}-a"]


def test_search_order_by(
    client: MlflowClient, unique_name: str, three_experiments: list[str]
) -> None:
    like = f"name LIKE '{unique_name}%'"
    by_name_desc = client.search_experiments(
        view_type=ViewType.ALL, filter_string=like, order_by=["name DESC"]
    )
    assert _names(by_name_desc) == [f"{unique_name}-{s}" for s in "cba"]
    by_created = client.search_experiments(
        view_type=ViewType.ALL, filter_string=like, order_by=["creation_time ASC"]
    )
    assert _names(by_created) == [f"{unique_name}-{s}" for s in "abc"]
    by_id = client.search_experiments(
        view_type=ViewType.ALL, filter_string=like, order_by=["experiment_id DESC"]
    )
    assert [e.experiment_id for e in by_id] == sorted(three_experiments, key=int, reverse=True)


def test_search_pages_with_max_results_and_token(
    client: MlflowClient, unique_name: str, three_experiments: list[str]
) -> None:
    like = f"name LIKE '{unique_name}%'"
    first = client.search_experiments(
        view_type=ViewType.ALL, filter_string=like, max_results=2, order_by=["name ASC"]
    )
    assert _names(first) == [f"{unique_name}-a", f"{unique_name}-b"]
    assert first.token
    second = client.search_experiments(
        view_type=ViewType.ALL,
        filter_string=like,
        max_results=2,
        order_by=["name ASC"],
        page_token=first.token,
    )
    assert _names(second) == [f"{unique_name}-c"]
    assert not second.token


def test_search_with_raw_get(rest: Rest, unique_name: str, three_experiments: list[str]) -> None:
    body = rest.ok(
        "GET",
        "/api/2.0/mlflow/experiments/search",
        params=[
            ("max_results", "10"),
            ("filter", f"name LIKE '{unique_name}%'"),
            ("view_type", "ALL"),
            ("order_by", "name DESC"),
        ],
    )
    assert [e["name"] for e in body["experiments"]] == [f"{unique_name}-{s}" for s in "cba"]
    assert "next_page_token" not in body


def test_set_experiment_creates_once_and_activates(
    client: MlflowClient, unique_name: str, tracking_uri: str
) -> None:
    exp = mlflow.set_experiment(unique_name)
    assert exp.name == unique_name
    assert exp.lifecycle_stage == "active"
    again = mlflow.set_experiment(unique_name)
    assert again.experiment_id == exp.experiment_id
    with mlflow.start_run() as run:
        assert run.info.experiment_id == exp.experiment_id
    by_id = mlflow.set_experiment(experiment_id=exp.experiment_id)
    assert by_id.name == unique_name


@pytest.mark.parametrize("prefix", ["/api", "/ajax-api"])
def test_routes_under_both_prefixes(rest: Rest, unique_name: str, prefix: str) -> None:
    base = f"{prefix}/2.0/mlflow/experiments"
    created = rest.ok(
        "POST", f"{base}/create", json={"name": unique_name, "tags": [{"key": "k", "value": "v"}]}
    )
    exp_id = created["experiment_id"]
    assert isinstance(exp_id, str)

    got = rest.ok("GET", f"{base}/get", params={"experiment_id": exp_id})["experiment"]
    assert got["name"] == unique_name
    assert got["experiment_id"] == exp_id
    assert got["lifecycle_stage"] == "active"
    assert got["tags"] == [{"key": "k", "value": "v"}]
    assert isinstance(got["creation_time"], int)
    assert isinstance(got["last_update_time"], int)

    by_name = rest.ok("GET", f"{base}/get-by-name", params={"experiment_name": unique_name})
    assert by_name["experiment"]["experiment_id"] == exp_id

    assert (
        rest.ok(
            "POST", f"{base}/update", json={"experiment_id": exp_id, "new_name": f"{unique_name}-2"}
        )
        == {}
    )
    assert (
        rest.ok(
            "POST",
            f"{base}/set-experiment-tag",
            json={"experiment_id": exp_id, "key": "k2", "value": "v2"},
        )
        == {}
    )
    assert (
        rest.ok("POST", f"{base}/delete-experiment-tag", json={"experiment_id": exp_id, "key": "k"})
        == {}
    )
    searched = rest.ok(
        "POST", f"{base}/search", json={"max_results": 5, "filter": f"name = '{unique_name}-2'"}
    )
    assert [e["experiment_id"] for e in searched["experiments"]] == [exp_id]
    assert searched["experiments"][0]["tags"] == [{"key": "k2", "value": "v2"}]

    assert rest.ok("POST", f"{base}/delete", json={"experiment_id": exp_id}) == {}
    got = rest.ok("GET", f"{base}/get", params={"experiment_id": exp_id})["experiment"]
    assert got["lifecycle_stage"] == "deleted"
    assert rest.ok("POST", f"{base}/restore", json={"experiment_id": exp_id}) == {}
    got = rest.ok("GET", f"{base}/get", params={"experiment_id": exp_id})["experiment"]
    assert got["lifecycle_stage"] == "active"
