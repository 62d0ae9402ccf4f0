"""Webhook routes through the front door, delivering to a real receiver on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from tests.api.conftest import Api
from tests.api.registry_client import experiment, run
from tests.webhooks.conftest import SECRET_KEY
from tests.webhooks.receiver import Received, Receiver

MV_CREATED = {"entity": "MODEL_VERSION", "action": "CREATED"}
RM_CREATED = {"entity": "REGISTERED_MODEL", "action": "CREATED"}


def _create(api: Api, url: str, events: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    body = {"name": "hook", "url": url, "events": events, **extra}
    webhook: dict[str, Any] = api.post("webhooks", body)["webhook"]
    return webhook


def _verify(delivery: Received, secret: str) -> dict[str, Any]:
    h = {k.lower(): v for k, v in delivery.headers.items()}
    signed = f"{h['x-mlflow-delivery-id']}.{h['x-mlflow-timestamp']}.".encode() + delivery.body
    expected = base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest())
    assert h["x-mlflow-signature"] == "v1," + expected.decode()
    payload: dict[str, Any] = json.loads(delivery.body)
    return payload


def test_crud_and_paging(api: Api, receiver: Receiver) -> None:
    first = _create(api, receiver.url, [MV_CREATED], description="d", secret="s3cret")
    assert first["status"] == "ACTIVE" and first["events"] == [MV_CREATED]
    assert "secret" not in first
    for i in range(2):
        _create(api, receiver.url, [RM_CREATED], name=f"other{i}")
    hook_id = first["webhook_id"]
    assert api.get(f"webhooks/{hook_id}")["webhook"] == first

    page = api.get("webhooks", {"max_results": 2})
    assert len(page["webhooks"]) == 2
    rest = api.get("webhooks", {"max_results": 2, "page_token": page["next_page_token"]})
    assert len(rest["webhooks"]) == 1 and "next_page_token" not in rest

    response = api.client.patch(
        f"/api/2.0/mlflow/webhooks/{hook_id}", json={"status": "DISABLED", "name": "renamed"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["webhook"]["status"] == "DISABLED"
    assert response.json()["webhook"]["name"] == "renamed"

    assert api.client.delete(f"/api/2.0/mlflow/webhooks/{hook_id}").status_code == 200
    missing = api.get(f"webhooks/{hook_id}", status=404)
    assert missing["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_bad_input_is_a_clear_400(api: Api, strict_api: Api, receiver: Receiver) -> None:
    bad_event = {"name": "h", "url": receiver.url, "events": [{"entity": "RUN", "action": "X"}]}
    assert "entity" in api.post("webhooks", bad_event, status=400)["message"]
    wrong_pair = {"entity": "MODEL_VERSION", "action": "DELETED"}
    body = {"name": "h", "url": receiver.url, "events": [wrong_pair]}
    assert "Invalid action" in api.post("webhooks", body, status=400)["message"]
    body = {"name": "h", "url": receiver.url, "events": []}
    assert api.post("webhooks", body, status=400)["error_code"] == "INVALID_PARAMETER_VALUE"
    body = {"name": "h", "url": receiver.url, "events": [MV_CREATED], "status": "ON"}
    assert "status" in api.post("webhooks", body, status=400)["message"]
    assert api.get("webhooks", {"max_results": 0}, status=400)["message"]

    # Defaults: http is not allowed, loopback is refused, secrets need a key.
    body = {"name": "h", "url": receiver.url, "events": [MV_CREATED]}
    assert "scheme 'http'" in strict_api.post("webhooks", body, status=400)["message"]
    body["url"] = "https://127.0.0.1:9/hook"
    assert "not a public address" in strict_api.post("webhooks", body, status=400)["message"]
    body["url"] = "https://169.254.169.254/latest"
    assert "metadata" in strict_api.post("webhooks", body, status=400)["message"]
    body = {"name": "h", "url": "https://8.8.8.8/", "events": [MV_CREATED], "secret": "x"}
    assert "RUNHUB_WEBHOOK_SECRET_KEY" in strict_api.post("webhooks", body, status=400)["message"]


def test_registry_events_are_delivered_signed(api: Api, receiver: Receiver) -> None:
    events = [
        RM_CREATED,
        MV_CREATED,
        {"entity": "MODEL_VERSION_TAG", "action": "SET"},
        {"entity": "MODEL_VERSION_ALIAS", "action": "CREATED"},
        {"entity": "MODEL_VERSION_ALIAS", "action": "DELETED"},
    ]
    _create(api, receiver.url, events, secret="s3cret")
    api.post("registered-models/create", {"name": "m", "tags": [{"key": "k", "value": "v"}]})
    run_id = run(api, experiment(api, "e"))["run_id"]
    source = f"runs:/{run_id}/model"
    api.post("model-versions/create", {"name": "m", "source": source, "run_id": run_id})
    api.post("model-versions/set-tag", {"name": "m", "version": "1", "key": "a", "value": "b"})
    api.post("registered-models/alias", {"name": "m", "alias": "prod", "version": "1"})
    response = api.client.request(
        "DELETE", "/api/2.0/mlflow/registered-models/alias", json={"name": "m", "alias": "prod"}
    )
    assert response.status_code == 200, response.text

    payloads = [_verify(d, "s3cret") for d in receiver.wait_for(5)]
    assert [(p["entity"], p["action"]) for p in payloads] == [
        (e["entity"], e["action"]) for e in events
    ]
    assert payloads[0]["data"] == {"name": "m", "tags": {"k": "v"}, "description": None}
    assert payloads[1]["data"]["version"] == "1" and payloads[1]["data"]["run_id"] == run_id
    assert payloads[2]["data"] == {"name": "m", "version": "1", "key": "a", "value": "b"}
    assert payloads[3]["data"] == {"name": "m", "alias": "prod", "version": "1"}
    assert payloads[4]["data"] == {"name": "m", "alias": "prod"}
    assert all(p["timestamp"].endswith("+00:00") for p in payloads)


def test_prompt_events_and_disabled_hooks(api: Api, receiver: Receiver) -> None:
    disabled = _create(api, receiver.url, [RM_CREATED], status="DISABLED")
    prompt_events = [
        {"entity": "PROMPT", "action": "CREATED"},
        {"entity": "PROMPT_VERSION", "action": "CREATED"},
        {"entity": "PROMPT_TAG", "action": "SET"},
    ]
    _create(api, receiver.url, prompt_events)
    is_prompt = {"key": "mlflow.prompt.is_prompt", "value": "true"}
    api.post("registered-models/create", {"name": "plain"})  # a model: nobody subscribed
    api.post("registered-models/create", {"name": "p", "tags": [is_prompt]})
    text = {"key": "mlflow.prompt.text", "value": "Hi {{x}}"}
    api.post(
        "model-versions/create", {"name": "p", "source": "dummy-source", "tags": [is_prompt, text]}
    )
    api.post("registered-models/set-tag", {"name": "p", "key": "team", "value": "a"})
    api.post("registered-models/set-tag", {"name": "plain", "key": "team", "value": "a"})

    payloads = [json.loads(d.body) for d in receiver.wait_for(3)]
    assert [p["entity"] for p in payloads] == ["PROMPT", "PROMPT_VERSION", "PROMPT_TAG"]
    assert payloads[1]["data"]["template"] == "Hi {{x}}"
    assert payloads[2]["data"] == {"name": "p", "key": "team", "value": "a"}
    assert "x-mlflow-signature" not in {k.lower() for k in receiver.requests[0].headers}
    assert disabled["status"] == "DISABLED" and len(receiver.requests) == 3


def test_failed_deliveries_are_retried(api: Api, receiver: Receiver) -> None:
    receiver.script = [(503, {}), (500, {}), (200, {})]
    _create(api, receiver.url, [RM_CREATED])
    api.post("registered-models/create", {"name": "m"})
    deliveries = receiver.wait_for(3)
    ids = {d.headers["X-MLflow-Delivery-Id"] for d in deliveries}
    assert len(ids) == 1  # one delivery, attempted three times


def test_test_endpoint_reports_the_receivers_answer(api: Api, receiver: Receiver) -> None:
    hook = _create(api, receiver.url, [MV_CREATED], secret="s3cret")
    result = api.post(f"webhooks/{hook['webhook_id']}/test", {})["result"]
    assert result == {"success": True, "response_status": 200, "response_body": "ok"}
    payload = _verify(receiver.requests[0], "s3cret")
    assert payload["entity"] == "MODEL_VERSION" and payload["data"]["name"] == "example_model"

    chosen = {"event": {"entity": "MODEL_VERSION_TAG", "action": "SET"}}
    api.post(f"webhooks/{hook['webhook_id']}/test", chosen)
    assert json.loads(receiver.requests[1].body)["data"]["value"] == "example_value"

    receiver.script = [(404, {})]
    result = api.post(f"webhooks/{hook['webhook_id']}/test", {})["result"]
    assert result["success"] is False and result["response_status"] == 404
    assert SECRET_KEY  # the server key encrypts the secret; the stored row never holds it


def test_redirects_to_metadata_addresses_are_refused(api: Api, receiver: Receiver) -> None:
    receiver.script = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"})]
    hook = _create(api, receiver.url, [MV_CREATED])
    result = api.post(f"webhooks/{hook['webhook_id']}/test", {})["result"]
    assert result["success"] is False
    assert "metadata" in result["error_message"]
    assert len(receiver.requests) == 1
