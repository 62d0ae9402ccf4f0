"""``--artifacts-only`` and ``--no-serve-artifacts``: the switched-off half answers 503.

The answer is plain text, as MLflow's is, so a client sees at once why the route is closed.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

ARTIFACT_SERVICE = "/mlflow-artifacts/"
# Routes that stay open in --artifacts-only mode besides the artifact service.
_ALWAYS_OPEN = ("/mlflow/server-info",)
_TRACKING_ROOTS = ("/api/", "/ajax-api/", "/get-artifact", "/model-versions/get-artifact")


class ServiceModes:
    """Answers 503 for the tracking API or the artifact service when it is switched off."""

    def __init__(
        self, app: ASGIApp, *, artifacts_only: bool, serve_artifacts: bool, static_prefix: str = ""
    ) -> None:
        self.app = app
        self.artifacts_only = artifacts_only
        self.serve_artifacts = serve_artifacts
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if self.static_prefix and path.startswith(self.static_prefix):
                path = path[len(self.static_prefix) :]
            message = self._closed(path)
            if message is not None:
                await PlainTextResponse(message, 503)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _closed(self, path: str) -> str | None:
        is_artifact_service = ARTIFACT_SERVICE in path
        if is_artifact_service and not self.serve_artifacts:
            return (
                f"Endpoint: {path} disabled due to the server running with "
                "`--no-serve-artifacts`. To enable artifacts access, restart the server with "
                "`--serve-artifacts`."
            )
        if (
            self.artifacts_only
            and not is_artifact_service
            and path.startswith(_TRACKING_ROOTS)
            and not path.endswith(_ALWAYS_OPEN)
        ):
            return (
                f"Endpoint: {path} disabled due to the server running in `--artifacts-only` "
                "mode. To enable tracking operations, restart the server without "
                "`--artifacts-only`."
            )
        return None
