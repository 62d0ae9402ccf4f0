"""Running the scoring app under uvicorn, with one or more workers.

Workers build the app with ``app_from_environment``: the parent puts its settings in
``RUNHUB_SCORING_JSON``, as ``runhub server`` does with its own settings.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson
from starlette.applications import Starlette

SCORING_SETTINGS_ENV = "RUNHUB_SCORING_JSON"
APP_FACTORY = "runhub.scoring.serve:app_from_environment"


@dataclass(frozen=True)
class ServeSettings:
    model_dir: str
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 1
    timeout_s: float = 60.0
    max_body_bytes: int = 64 * 1024 * 1024
    max_batch_rows: int = 0
    max_batch_delay_ms: float = 5.0
    prometheus_dir: str | None = None

    def to_json(self) -> str:
        return orjson.dumps(asdict(self)).decode()

    @classmethod
    def from_json(cls, text: str) -> ServeSettings:
        return cls(**orjson.loads(text))


def build_app(settings: ServeSettings) -> Starlette:
    """Load the model and build the app; raises ModelLoadError when the model cannot load."""
    from runhub.scoring.app import ScoringOptions, create_scoring_app
    from runhub.scoring.loader import load_model

    model = load_model(Path(settings.model_dir))
    options = ScoringOptions(
        settings.timeout_s,
        settings.max_body_bytes,
        settings.max_batch_rows,
        settings.max_batch_delay_ms / 1000,
        settings.prometheus_dir,
    )
    return create_scoring_app(model, options)


def app_from_environment() -> Starlette:
    """The uvicorn factory used in each worker."""
    return build_app(ServeSettings.from_json(os.environ[SCORING_SETTINGS_ENV]))


def run(settings: ServeSettings, app: Starlette) -> None:
    """Serve until stopped; ``app`` (already loaded) is used when there is one worker."""
    import uvicorn

    if settings.workers == 1:
        uvicorn.run(app, host=settings.host, port=settings.port, access_log=False)
        return
    os.environ[SCORING_SETTINGS_ENV] = settings.to_json()
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,
    )
