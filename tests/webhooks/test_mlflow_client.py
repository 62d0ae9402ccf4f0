"""The stock mlflow client manages and tests webhooks against a live runhub."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.live_server import runhub_server
from tests.webhooks.receiver import webhook_receiver

ENV = {
    "MLFLOW_WEBHOOK_ALLOWED_SCHEMES": "http,https",
    "RUNHUB_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    "RUNHUB_WEBHOOK_SECRET_KEY": "k",
}


def test_mlflow_client_webhooks(tmp_path: Path) -> None:
    from mlflow import MlflowClient
    from mlflow.entities.webhook import WebhookEvent, WebhookStatus

    with (
        webhook_receiver() as receiver,
        runhub_server(tmp_path, str(tmp_path / "art"), env=ENV) as server,
    ):
        client = MlflowClient(tracking_uri=server.url, registry_uri=server.url)
        hook = client.create_webhook(
            name="ci",
            url=receiver.url,
            events=[WebhookEvent("registered_model", "created")],
            secret="s",
            description="notify CI",
        )
        assert hook.status == WebhookStatus.ACTIVE and hook.description == "notify CI"
        assert [w.webhook_id for w in client.list_webhooks()] == [hook.webhook_id]
        updated = client.update_webhook(hook.webhook_id, status=WebhookStatus.DISABLED)
        assert updated.status == WebhookStatus.DISABLED
        result = client.test_webhook(hook.webhook_id)
        assert result.success and result.response_status == 200
        client.update_webhook(hook.webhook_id, status=WebhookStatus.ACTIVE)
        client.create_registered_model("m")
        assert receiver.wait_for(2)[1].headers["X-MLflow-Signature"].startswith("v1,")
        client.delete_webhook(hook.webhook_id)
        assert list(client.list_webhooks()) == []
