"""Datasets, run inputs and run outputs."""

from __future__ import annotations

from dataclasses import dataclass

# The input tag naming what a dataset was used for ("training", "eval", ...).
CONTEXT_TAG = "mlflow.data.context"


@dataclass(frozen=True)
class Dataset:
    name: str
    digest: str
    source_type: str
    source: str
    schema: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class InputTag:
    key: str
    value: str


@dataclass(frozen=True)
class DatasetInput:
    dataset: Dataset
    tags: tuple[InputTag, ...] = ()


@dataclass(frozen=True)
class ModelInput:
    model_id: str


@dataclass(frozen=True)
class ModelOutput:
    model_id: str
    step: int


@dataclass(frozen=True)
class RunInputs:
    dataset_inputs: tuple[DatasetInput, ...] = ()
    model_inputs: tuple[ModelInput, ...] = ()


@dataclass(frozen=True)
class RunOutputs:
    model_outputs: tuple[ModelOutput, ...] = ()


@dataclass(frozen=True)
class DatasetSummary:
    experiment_id: str
    name: str
    digest: str
    context: str | None
