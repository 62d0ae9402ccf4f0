"""Frozen dataclasses passed between the API and the stores (never ORM rows)."""

from runhub.entities.experiment import Experiment, ExperimentTag
from runhub.entities.lineage import (
    CONTEXT_TAG,
    Dataset,
    DatasetInput,
    DatasetSummary,
    InputTag,
    ModelInput,
    ModelOutput,
    RunInputs,
    RunOutputs,
)
from runhub.entities.paging import Page
from runhub.entities.run import (
    LifecycleStage,
    Metric,
    Param,
    Run,
    RunData,
    RunInfo,
    RunStatus,
    RunTag,
    ViewType,
)

__all__ = [
    "CONTEXT_TAG",
    "Dataset",
    "DatasetInput",
    "DatasetSummary",
    "Experiment",
    "ExperimentTag",
    "InputTag",
    "LifecycleStage",
    "Metric",
    "ModelInput",
    "ModelOutput",
    "Page",
    "Param",
    "Run",
    "RunData",
    "RunInfo",
    "RunInputs",
    "RunOutputs",
    "RunStatus",
    "RunTag",
    "ViewType",
]
