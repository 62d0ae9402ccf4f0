"""The gunicorn worker class for ``runhub server --gunicorn-opts``: uvicorn with TCP_NODELAY."""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker

from runhub.runtime.nodelay import nodelay_protocol


class NoDelayUvicornWorker(UvicornWorker):  # type: ignore[misc]
    """uvicorn's gunicorn worker, with Nagle's algorithm off on every connection."""

    CONFIG_KWARGS: dict[str, Any] = {"loop": "auto", "http": nodelay_protocol("auto")}
