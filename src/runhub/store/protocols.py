"""What the API needs from a tracking store, one protocol per area.

``store/sql/`` implements these on a SQL database; another backend (a file store) implements
the same protocols and the API does not change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from runhub.entities import (
    DatasetInput,
    DatasetSummary,
    Experiment,
    ExperimentTag,
    Metric,
    ModelInput,
    ModelOutput,
    Page,
    Param,
    Run,
    RunInfo,
    RunTag,
    ViewType,
)
from runhub.entities.evaluation_dataset import (
    DatasetRecord,
    EvaluationDataset,
    RecordInput,
    UpsertCounts,
)
from runhub.entities.logged_model import (
    DatasetFilter,
    LoggedModel,
    LoggedModelOrder,
    ModelKeyValue,
    ModelMetric,
)
from runhub.entities.registry import ModelVersion, ModelVersionRows, RegisteredModel, RegistryTag
from runhub.entities.trace import Assessment, SpanRecord, Trace, TraceInfo
from runhub.entities.trace_metrics import Correlation, DataPoint, MetricQuery

# One history point: (step, timestamp, value, is_nan).
PointRow = tuple[int, int, float, bool]
# The most points one history page holds, whatever max_results asks (more follow by token).
MAX_HISTORY_PAGE = 100_000


class ExperimentStore(Protocol):
    def create_experiment(
        self, name: str, artifact_location: str | None, tags: Sequence[ExperimentTag]
    ) -> str: ...
    def get_experiment(self, experiment_id: str) -> Experiment: ...
    def get_experiment_by_name(self, name: str) -> Experiment | None: ...
    def search_experiments(
        self,
        view_type: ViewType,
        max_results: int,
        filter_string: str,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[Experiment]: ...
    def delete_experiment(self, experiment_id: str) -> None: ...
    def restore_experiment(self, experiment_id: str) -> None: ...
    def rename_experiment(self, experiment_id: str, new_name: str) -> None: ...
    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None: ...
    def delete_experiment_tag(self, experiment_id: str, key: str) -> None: ...


class RunStore(Protocol):
    def create_run(
        self,
        experiment_id: str,
        user_id: str | None,
        start_time: int | None,
        tags_in: Sequence[RunTag],
        run_name: str | None,
    ) -> Run: ...
    def get_run(self, run_id: str) -> Run: ...
    def update_run(
        self, run_id: str, status: str | None, end_time: int | None, run_name: str | None
    ) -> RunInfo: ...
    def delete_run(self, run_id: str) -> None: ...
    def restore_run(self, run_id: str) -> None: ...
    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str,
        view_type: ViewType,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[Run]: ...


class RunDataStore(Protocol):
    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric],
        params_in: Sequence[Param],
        tags_in: Sequence[RunTag],
    ) -> None: ...
    def log_metric(self, run_id: str, metric: Metric) -> None: ...
    def log_param(self, run_id: str, param: Param) -> None: ...
    def set_tag(self, run_id: str, tag: RunTag) -> None: ...
    def delete_tag(self, run_id: str, key: str) -> None: ...


class MetricHistoryStore(Protocol):
    def history_page(
        self, run_id: str, key: str, max_results: int, page_token: str | None
    ) -> Page[PointRow]:
        """Up to ``max_results`` (at most ``MAX_HISTORY_PAGE``) points after the token's."""
        ...

    def check_history(self, run_id: str) -> None: ...
    def stream_history(self, run_id: str, key: str) -> Iterator[list[PointRow]]: ...
    def bulk_history(
        self, run_ids: Sequence[str], key: str, max_results: int
    ) -> list[tuple[str, PointRow]]: ...
    def sampled_history(
        self,
        run_ids: Sequence[str],
        key: str,
        start_step: int | None,
        end_step: int | None,
        max_results: int,
    ) -> list[tuple[str, PointRow]]: ...


class LineageStore(Protocol):
    def log_inputs(
        self, run_id: str, inputs: Sequence[DatasetInput], models: Sequence[ModelInput]
    ) -> None: ...
    def log_outputs(self, run_id: str, models: Sequence[ModelOutput]) -> None: ...
    def search_datasets(self, experiment_ids: Sequence[str]) -> list[DatasetSummary]: ...


class TraceStore(Protocol):
    def start_trace(self, info: TraceInfo) -> TraceInfo: ...
    def start_trace_v2(
        self,
        experiment_id: str,
        trace_id: str,
        request_time: int,
        metadata: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> TraceInfo: ...
    def end_trace_v2(
        self,
        trace_id: str,
        end_time: int,
        state: str,
        metadata: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> TraceInfo: ...
    def get_trace_info(self, trace_id: str) -> TraceInfo: ...
    def batch_get_trace_infos(self, trace_ids: Sequence[str]) -> list[TraceInfo]: ...
    def search_traces(
        self,
        experiment_ids: Sequence[str],
        filter_string: str,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[TraceInfo]: ...
    def set_trace_tag(self, trace_id: str, key: str, value: str) -> None: ...
    def delete_trace_tag(self, trace_id: str, key: str) -> None: ...
    def delete_traces(
        self,
        experiment_id: str,
        max_timestamp_millis: int | None,
        max_traces: int | None,
        trace_ids: Sequence[str],
    ) -> dict[str, str]: ...
    def link_traces_to_run(self, trace_ids: Sequence[str], run_id: str) -> None: ...
    def link_prompts(self, trace_id: str, prompts: Sequence[tuple[str, str]]) -> None: ...


class SpanStore(Protocol):
    def log_spans(
        self, experiment_id: str, records: Sequence[SpanRecord], run_id: str | None = None
    ) -> None: ...
    def batch_get_traces(self, trace_ids: Sequence[str]) -> list[Trace]: ...
    def get_trace(self, trace_id: str) -> Trace | None: ...


class AssessmentStore(Protocol):
    def create_assessment(self, assessment: Assessment) -> Assessment: ...
    def get_assessment(self, trace_id: str, assessment_id: str) -> Assessment: ...
    def update_assessment(
        self, trace_id: str, assessment_id: str, changes: Assessment, mask: Sequence[str]
    ) -> Assessment: ...
    def delete_assessment(self, trace_id: str, assessment_id: str) -> None: ...


class LoggedModelStore(Protocol):
    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None,
        model_type: str | None,
        source_run_id: str | None,
        params_in: Sequence[ModelKeyValue],
        tags_in: Sequence[ModelKeyValue],
    ) -> LoggedModel: ...
    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel: ...
    def finalize_logged_model(self, model_id: str, status: str) -> LoggedModel: ...
    def delete_logged_model(self, model_id: str) -> None: ...
    def set_logged_model_tags(
        self, model_id: str, tags_in: Sequence[ModelKeyValue]
    ) -> LoggedModel: ...
    def delete_logged_model_tag(self, model_id: str, key: str) -> None: ...
    def log_logged_model_params(
        self, model_id: str, params_in: Sequence[ModelKeyValue]
    ) -> None: ...
    def log_model_metrics(self, model_id: str, metrics: Sequence[ModelMetric]) -> None: ...
    def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        datasets: Sequence[DatasetFilter],
        order_by: Sequence[LoggedModelOrder],
        max_results: int,
        page_token: str | None,
    ) -> Page[LoggedModel]: ...


class RegisteredModelStore(Protocol):
    def create_registered_model(
        self, name: str, tags_in: Sequence[RegistryTag], description: str | None
    ) -> RegisteredModel: ...
    def get_registered_model(self, name: str) -> RegisteredModel: ...
    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel: ...
    def update_registered_model(self, name: str, description: str | None) -> RegisteredModel: ...
    def delete_registered_model(self, name: str) -> None: ...
    def search_registered_models(
        self,
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[RegisteredModel]: ...
    def get_latest_versions(self, name: str, stages: Sequence[str]) -> list[ModelVersion]: ...
    def set_registered_model_tag(self, name: str, key: str, value: str) -> None: ...
    def delete_registered_model_tag(self, name: str, key: str) -> None: ...
    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None: ...
    def delete_registered_model_alias(self, name: str, alias: str) -> None: ...
    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion: ...


class ModelVersionStore(Protocol):
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None,
        tags_in: Sequence[RegistryTag],
        run_link: str | None,
        description: str | None,
        model_id: str | None,
    ) -> ModelVersion: ...
    def get_model_version(self, name: str, version: str) -> ModelVersion: ...
    def get_model_version_download_uri(self, name: str, version: str) -> str: ...
    def update_model_version(
        self, name: str, version: str, description: str | None
    ) -> ModelVersion: ...
    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool
    ) -> ModelVersion: ...
    def delete_model_version(self, name: str, version: str) -> None: ...
    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None: ...
    def delete_model_version_tag(self, name: str, version: str, key: str) -> None: ...
    def search_model_versions(
        self,
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> ModelVersionRows: ...


class TraceMetricsStore(Protocol):
    def filter_correlation(
        self, experiment_ids: Sequence[str], filter1: str, filter2: str, base_filter: str
    ) -> Correlation: ...
    def query_metrics(self, query: MetricQuery) -> list[DataPoint]: ...


class EvaluationDatasetStore(Protocol):
    def create_dataset(
        self, name: str, experiment_ids: Sequence[str], tags: Mapping[str, str]
    ) -> EvaluationDataset: ...
    def get_dataset(self, dataset_id: str) -> EvaluationDataset: ...
    def delete_dataset(self, dataset_id: str) -> None: ...
    def search_datasets(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[EvaluationDataset]: ...
    def set_dataset_tags(self, dataset_id: str, tags: Mapping[str, str]) -> None: ...
    def delete_dataset_tag(self, dataset_id: str, key: str) -> None: ...
    def dataset_experiment_ids(self, dataset_id: str) -> list[str]: ...
    def add_dataset_experiments(
        self, dataset_id: str, experiment_ids: Sequence[str]
    ) -> EvaluationDataset: ...
    def remove_dataset_experiments(
        self, dataset_id: str, experiment_ids: Sequence[str]
    ) -> EvaluationDataset: ...
    def upsert_records(self, dataset_id: str, batch: Sequence[RecordInput]) -> UpsertCounts: ...
    def records_page(
        self, dataset_id: str, max_results: int, page_token: str | None
    ) -> Page[DatasetRecord]:
        """Up to ``max_results`` records after the token's (a store may serve fewer per page,
        with a token for the rest)."""
        ...

    def delete_records(self, dataset_id: str, record_ids: Sequence[str]) -> int: ...
