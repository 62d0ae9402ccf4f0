"""What the API needs from a tracking store, one protocol per area.

``store/sql/`` implements these on a SQL database; another backend (a file store) implements
the same protocols and the API does not change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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

# One history point: (step, timestamp, value, is_nan).
PointRow = tuple[int, int, float, bool]


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
    ) -> Page[PointRow]: ...
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
