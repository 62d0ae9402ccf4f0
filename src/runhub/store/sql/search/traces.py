"""search_traces: parse the request, compile it against ``trace_info``, page by offset.

Traces page with MLflow's offset tokens (mlflow-api.md §4.3). The default order is newest
first, which the (experiment_id, request_time, trace_id) index gives without sorting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.engine import Row
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from runhub.entities.trace import SOURCE_RUN_METADATA, TRACE_NAME_TAG
from runhub.errors import InvalidParameter
from runhub.search.ast import OrderKey
from runhub.search.paging import check_max_results
from runhub.search.parser import parse_filter, parse_order_by
from runhub.search.tokens import decode_offset_token, encode_offset_token
from runhub.search.trace_grammar import TRACE_GRAMMAR
from runhub.store.sql.search.compile import compile_filter, in_ids
from runhub.store.sql.search.trace_filter import end_time, trace_condition
from runhub.store.trace_tables import trace_info, trace_metadata, trace_tags

DEFAULT_ORDER = (OrderKey("attribute", "timestamp_ms", False),)
T = trace_info.c


@dataclass(frozen=True)
class TraceSearch:
    """A search ready to run: execute ``statement`` (trace ids), then hand its rows to ``page``."""

    statement: Select[Any]
    max_results: int
    offset: int

    def page(self, rows: Sequence[Row[Any]]) -> tuple[list[Row[Any]], str | None]:
        page = list(rows[: self.max_results])
        if len(rows) <= self.max_results:
            return page, None
        return page, encode_offset_token(self.offset + len(page))


def build_trace_search(
    experiment_ids: list[int],
    filter_string: str | None,
    order_by: list[str] | None,
    max_results: int,
    page_token: str | None,
) -> TraceSearch:
    """The query for one page of search_traces; raises InvalidParameter for a bad filter,
    order_by, page token or max_results."""
    check_max_results(max_results)
    condition = compile_filter(parse_filter(filter_string, TRACE_GRAMMAR), trace_condition)
    keys = parse_order_by(order_by, TRACE_GRAMMAR) or list(DEFAULT_ORDER)
    offset = decode_offset_token(page_token)
    statement = (
        select(T.trace_id)
        .where(in_ids(T.experiment_id, experiment_ids), condition)
        .order_by(*_order_clauses(keys))
        .offset(offset)
        .limit(max_results + 1)
    )
    return TraceSearch(statement, max_results, offset)


def _sort_value(key: str) -> tuple[ColumnElement[Any], bool]:
    """The expression a key sorts by, and whether it can be NULL."""
    if key == "timestamp_ms":
        return T.request_time, False
    if key == "execution_time_ms":
        return T.execution_duration, True
    if key == "end_time_ms":
        return end_time(), True
    if key == "status":
        return T.state, False
    if key == "request_id":
        return T.trace_id, False
    if key == "experiment_id":
        return T.experiment_id, False
    if key == "client_request_id":
        return T.client_request_id, True
    if key in ("name", "run_id"):
        table, tag = (
            (trace_tags, TRACE_NAME_TAG) if key == "name" else (trace_metadata, SOURCE_RUN_METADATA)
        )
        value = (
            select(table.c.value)
            .where(table.c.trace_id == T.trace_id, table.c.key == tag)
            .scalar_subquery()
        )
        return value, True
    raise InvalidParameter(f"Invalid order_by key '{key}' for a trace search")


def _order_clauses(keys: Sequence[OrderKey]) -> list[ColumnElement[Any]]:
    clauses: list[ColumnElement[Any]] = []
    for key in keys:
        value, nullable = _sort_value(key.key)
        if nullable:  # missing values last in both directions
            clauses.append(case((value.is_(None), 1), else_=0))
        clauses.append(value.asc() if key.ascending else value.desc())
    if not any(key.key == "request_id" for key in keys):
        # Ties go in the direction of the last key, so newest-first (the default) is exactly a
        # backward walk of the (experiment_id, request_time, trace_id) index.
        clauses.append(T.trace_id.asc() if keys[-1].ascending else T.trace_id.desc())
    return clauses


def trace_filter_condition(filter_string: str | None) -> ColumnElement[bool]:
    """The condition on ``trace_info`` of a trace filter; raises InvalidParameter."""
    return compile_filter(parse_filter(filter_string, TRACE_GRAMMAR), trace_condition)
