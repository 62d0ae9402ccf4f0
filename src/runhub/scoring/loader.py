"""Loading a model directory into something with ``predict`` — without importing MLflow.

The scikit-learn flavor is read directly (skops, cloudpickle or pickle, as MLflow writes them);
any other ``python_function`` model is loaded through its ``loader_module``. Unpickling runs code
from the model file, so the server only ever loads the one model its operator named.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runhub.scoring.errors import SCORING_EXTRA_HINT, ModelLoadError
from runhub.scoring.mlmodel import ModelSpec, read_mlmodel
from runhub.scoring.python_model import load_python_model

PYFUNC = "python_function"


@dataclass(frozen=True)
class LoadedModel:
    spec: ModelSpec
    predictor: Any
    predict_fn: str = "predict"

    @property
    def accepts_params(self) -> bool:
        try:
            signature = inspect.signature(getattr(self.predictor, self.predict_fn))
        except (TypeError, ValueError):
            return False
        return "params" in signature.parameters

    def predict(self, data: Any, params: dict[str, Any] | None) -> Any:
        fn = getattr(self.predictor, self.predict_fn)
        if params is not None and self.accepts_params:
            return fn(data, params=params)
        return fn(data)


def _load_sklearn(root: Path, conf: dict[str, Any]) -> Any:
    path = root / str(conf.get("pickled_model", "model.pkl"))
    fmt = conf.get("serialization_format", "cloudpickle")
    if fmt == "skops":
        try:
            import skops.io
        except ModuleNotFoundError:
            raise ModelLoadError(f"this model is saved with skops; {SCORING_EXTRA_HINT}") from None
        return skops.io.load(path, trusted=conf.get("skops_trusted_types"))
    if fmt == "cloudpickle":
        try:
            import cloudpickle
        except ModuleNotFoundError:
            raise ModelLoadError(f"this model needs cloudpickle; {SCORING_EXTRA_HINT}") from None
        with path.open("rb") as f:
            return cloudpickle.load(f)
    if fmt == "pickle":
        with path.open("rb") as f:
            return pickle.load(f)  # the operator named this model
    raise ModelLoadError(f"unknown sklearn serialization format {fmt!r} in {root}/MLmodel")


def _load_pyfunc_module(root: Path, conf: dict[str, Any], flavors: list[str]) -> Any:
    module_name = str(conf.get("loader_module", ""))
    code = conf.get("code")
    if code:
        sys.path.insert(0, str(root / code))
    if module_name == "mlflow.pyfunc.model":
        return load_python_model(root, conf)
    if module_name.startswith("mlflow."):
        flavor = next(iter(flavors), module_name.split(".", 1)[1])
        raise ModelLoadError(
            f"models of the {flavor!r} flavor cannot be served yet (supported: sklearn, custom "
            "PythonModel, and python_function models with an importable loader_module)"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ModelLoadError(f"cannot import loader_module {module_name!r}: {exc}") from None
    data = conf.get("data") or conf.get("model_path")
    data_path = root / str(data) if data else root
    return module._load_pyfunc(str(data_path))


def load_model(root: Path) -> LoadedModel:
    """Load the model at ``root``; raises ModelLoadError with a one-line reason."""
    spec = read_mlmodel(root)
    pyfunc = spec.flavors.get(PYFUNC)
    if pyfunc is None:
        names = ", ".join(sorted(spec.flavors)) or "none"
        raise ModelLoadError(f'model does not have the "python_function" flavor (has: {names})')
    try:
        if "sklearn" in spec.flavors and pyfunc.get("loader_module") == "mlflow.sklearn":
            predict_fn = str(pyfunc.get("predict_fn", "predict"))
            return LoadedModel(spec, _load_sklearn(root, spec.flavors["sklearn"]), predict_fn)
        others = [name for name in spec.flavors if name != PYFUNC]
        return LoadedModel(spec, _load_pyfunc_module(root, pyfunc, others))
    except (OSError, pickle.UnpicklingError, AttributeError, ValueError) as exc:
        raise ModelLoadError(f"cannot load the model in {root}: {exc}") from None
