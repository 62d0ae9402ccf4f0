"""Custom ``PythonModel`` models (``loader_module: mlflow.pyfunc.model``) saved with cloudpickle.

The pickle references the model's own classes, so whatever it imports must be installed here.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runhub.scoring.errors import SCORING_EXTRA_HINT, ModelLoadError


@dataclass(frozen=True)
class ModelContext:
    """What ``PythonModel.load_context`` and ``predict`` receive as ``context``."""

    artifacts: dict[str, str] = field(default_factory=dict)
    model_config: dict[str, Any] = field(default_factory=dict)


class PythonModelPredictor:
    """Calls ``predict(context, data[, params])`` or ``predict(data[, params])`` as declared."""

    def __init__(self, model: Any, context: ModelContext) -> None:
        self._model = model
        self._context = context
        parameters = inspect.signature(model.predict).parameters
        self._wants_context = next(iter(parameters), "") == "context"

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        args = (self._context, data) if self._wants_context else (data,)
        return self._model.predict(*args, params=params)


def load_python_model(root: Path, conf: dict[str, Any]) -> PythonModelPredictor:
    """Unpickle ``python_model.pkl`` and run its ``load_context``."""
    if "python_model" not in conf:
        raise ModelLoadError("models from code (no python_model.pkl) cannot be served yet")
    if conf.get("python_model_compression"):
        raise ModelLoadError("compressed python_model files cannot be served yet")
    try:
        import cloudpickle
    except ModuleNotFoundError:
        raise ModelLoadError(f"this model needs cloudpickle; {SCORING_EXTRA_HINT}") from None
    try:
        with (root / str(conf["python_model"])).open("rb") as f:
            model = cloudpickle.load(f)
    except ModuleNotFoundError as exc:
        raise ModelLoadError(f"the model needs the package {exc.name!r}; install it") from None
    artifacts = {
        name: str(root / entry["path"]) for name, entry in (conf.get("artifacts") or {}).items()
    }
    context = ModelContext(artifacts, dict(conf.get("config") or {}))
    if hasattr(model, "load_context"):
        model.load_context(context)
    return PythonModelPredictor(model, context)
